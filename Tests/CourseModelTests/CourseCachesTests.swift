@testable import CourseModel
import CourseModelTestSupport
import Foundation
@testable import ScenarioLoading
import SocketSim
import SourceFiles
import Synchronization
import Testing
@testable import TraceQueries

/// The caches a course's loading keeps belong to whoever made them: no process-wide state.
@Suite struct CourseCachesTests {
    static let yaml = "steps:\n  - client: send {n}\n  - server: recv 100\n"

    @Test("loading the same exercises into two sets of caches checks the hints in each, once")
    func hintChecksBelongToTheirCaches() throws {
        let c = try Content.load(caches: sharedCaches)
        let file = [("hinted.yaml", HintCheck.exercise(hint: "SendQ는 {sqs}바이트입니다", answer: "queue server.recvq after 1"))]
        let a = CourseCaches(), b = CourseCaches()
        let first = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: a)
        #expect(first.diagnostics.map(\.description) == [])
        #expect(a.hintChecks.count == 1 && a.exerciseNeeds.count == 1)
        #expect(b.hintChecks.count == 0 && b.scenarios.count == 0 && b.exerciseNeeds.count == 0)
        let exercise = try #require(first.catalog.exercises.first)
        #expect(exercise.caches === a, "a loaded exercise keeps the caches it was loaded with")
        #expect(exercise.scenario.caches === a.scenarios, "and its scenario the course's scenario cache")
        var copy = exercise
        copy.caches = b
        #expect(copy == exercise && copy.hashValue == exercise.hashValue, "an exercise's caches are not part of its identity")

        let again = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: a)
        #expect(a.hintChecks.count == 1, "the same file in the same caches is checked once")
        let elsewhere = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: b)
        #expect(b.hintChecks.count == 1)
        #expect(again.catalog.checkedKeys == first.catalog.checkedKeys)
        #expect(elsewhere.catalog.checkedKeys == first.catalog.checkedKeys)
    }

    @Test("a course parameter changed is a different hint check")
    func hintCheckKeyHasTheParameters() throws {
        let c = try Content.load(caches: sharedCaches)
        var course = c.course
        try course.apply(overrides: ["sqs": "1000"])
        let file = [("hinted.yaml", HintCheck.exercise(hint: "h", answer: "queue server.recvq after 1"))]
        let caches = CourseCaches()
        _ = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: caches)
        _ = ExerciseCatalog.load(files: file, course: course, scenarios: c.scenarios, caches: caches)
        #expect(caches.hintChecks.count == 2)
    }
}
