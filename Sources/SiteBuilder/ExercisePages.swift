import CourseModel

/// The exercises as pages: each section's exercises at the end of its page, a page of all of them,
/// the answer-file template to download and, in the instructor build, the keys and explanations.
struct ExercisePages {
    struct Page { let id: String; let path: String; let title: String; let summary: String; let html: String }
    var sectionHTML: [String: String] = [:]
    var pages: [Page] = []
    var extraFiles: [OutputFile] = []
    var templatePath: String?
    var diagnostics: [Diagnostic] = []

    static func build(chapter: Chapter, context: inout BuildContext, options: BuildOptions) -> ExercisePages {
        ExercisePages()
    }
}
