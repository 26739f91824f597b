import CourseModel

/// One set of course caches for this test target's loads and builds of the same content (the
/// real chapter loaded or built by test after test), as a long-lived process would keep them:
/// every exercise's hint check is computed once. A test about the caches makes its own.
let sharedCaches = CourseCaches()
