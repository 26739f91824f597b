@testable import CourseModel
import Foundation
import SocketSim
import Synchronization
import Testing
import SourceFiles

/// The caches a course's loading keeps belong to whoever made them: no process-wide state.
@Suite struct CourseCachesTests {
    static let yaml = "steps:\n  - client: send {n}\n  - server: recv 100\n"

    @Test("one set of caches reads a scenario once; another set reads it again")
    func scenariosBelongToTheirCaches() throws {
        let a = CourseCaches(), b = CourseCaches()
        let inA = ScenarioRun(text: Self.yaml, file: "s.yaml", variables: ["n": 300], caches: a)
        let againInA = ScenarioRun(text: Self.yaml, file: "s.yaml", variables: ["n": 700], caches: a)
        let inB = ScenarioRun(text: Self.yaml, file: "s.yaml", variables: ["n": 300], caches: b)
        #expect(a.scenarios.count == 0 && b.scenarios.count == 0)
        let compiled = try inA.compiled()
        #expect(try againInA.compiled() === compiled, "the same text in the same caches is read once")
        #expect(a.scenarios.count == 1)
        #expect(b.scenarios.count == 0, "caches made apart share no entry")
        #expect(try inB.compiled() !== compiled)
        #expect(b.scenarios.count == 1)
        // What the two caches give is the same run.
        #expect(try inA.run().trace == inB.run().trace)
    }

    @Test("a run's caches are not part of its identity, and copies share them")
    func runIdentity() {
        let a = ScenarioRun(text: Self.yaml, file: "s.yaml", caches: CourseCaches())
        let b = ScenarioRun(text: Self.yaml, file: "s.yaml", caches: CourseCaches())
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.setting("n", to: 5, letNames: []).caches === a.caches)
        #expect(ScenarioRun(text: Self.yaml, file: "s.yaml") != ScenarioRun(text: Self.yaml, file: "t.yaml"))
    }

    @Test("loading the same exercises into two sets of caches checks the hints in each, once")
    func hintChecksBelongToTheirCaches() throws {
        let c = try Content.load()
        let file = [("hinted.yaml", HintCheck.exercise(hint: "SendQ는 {sqs}바이트입니다", answer: "queue server.recvq after 1"))]
        let a = CourseCaches(), b = CourseCaches()
        let first = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: a)
        #expect(first.diagnostics.map(\.description) == [])
        #expect(a.hintChecks.count == 1 && a.exerciseNeeds.count == 1)
        #expect(b.hintChecks.count == 0 && b.scenarios.count == 0 && b.exerciseNeeds.count == 0)
        let exercise = try #require(first.catalog.exercises.first)
        #expect(exercise.scenario.caches === a, "a loaded exercise keeps the caches it was loaded with")

        let again = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: a)
        #expect(a.hintChecks.count == 1, "the same file in the same caches is checked once")
        let elsewhere = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: b)
        #expect(b.hintChecks.count == 1)
        #expect(again.catalog.checkedKeys == first.catalog.checkedKeys)
        #expect(elsewhere.catalog.checkedKeys == first.catalog.checkedKeys)
    }

    @Test("a course parameter changed is a different hint check")
    func hintCheckKeyHasTheParameters() throws {
        let c = try Content.load()
        var course = c.course
        try course.apply(overrides: ["sqs": "1000"])
        let file = [("hinted.yaml", HintCheck.exercise(hint: "h", answer: "queue server.recvq after 1"))]
        let caches = CourseCaches()
        _ = ExerciseCatalog.load(files: file, course: c.course, scenarios: c.scenarios, caches: caches)
        _ = ExerciseCatalog.load(files: file, course: course, scenarios: c.scenarios, caches: caches)
        #expect(caches.hintChecks.count == 2)
    }
}

@Suite struct LockedMemoTests {
    @Test("each key computed once while it is kept")
    func computesOnce() {
        let memo = LockedMemo<String, Int>()
        var calls = 0
        for _ in 0..<3 {
            #expect(memo.value("a") { calls += 1; return 1 } == 1)
            #expect(memo.value("b") { calls += 1; return 2 } == 2)
        }
        #expect(calls == 2)
        #expect(memo.cached("a") == 1 && memo.cached("c") == nil)
    }

    @Test("full and .keep: what it has stays, the rest is computed without keeping")
    func keepWhenFull() {
        let memo = LockedMemo<Int, Int>(limit: 3, whenFull: .keep)
        for i in 0..<10 { #expect(memo.value(i) { i * 10 } == i * 10) }
        #expect(memo.count == 3)
        #expect((0..<3).map { memo.cached($0) } == [0, 10, 20])
        #expect(memo.cached(5) == nil)
    }

    @Test("full and .clear: it starts again")
    func clearWhenFull() {
        let memo = LockedMemo<Int, Int>(limit: 3, whenFull: .clear)
        for i in 0..<4 { _ = memo.value(i) { i } }
        #expect(memo.count == 1)
        #expect(memo.cached(3) == 3 && memo.cached(0) == nil)
    }

    @Test("an error is thrown, not kept")
    func errorsAreNotKept() {
        struct Failed: Error {}
        let memo = LockedMemo<Int, Int>()
        #expect(throws: Failed.self) { try memo.value(1) { () throws(Failed) -> Int in throw Failed() } }
        #expect(memo.count == 0)
        #expect(memo.value(1) { 7 } == 7)
    }

    @Test("from many threads: every key has the one value its computation gives", arguments: [1, 2, 4])
    func threads(count: Int) {
        let memo = LockedMemo<Int, String>()
        let calls = Atomic<Int>(0)
        let out = Workers(count: count).map(2000) { i in
            memo.value(i % 50) { calls.add(1, ordering: .relaxed); return "v\(i % 50)" }
        }
        #expect(out == (0..<2000).map { "v\($0 % 50)" })
        #expect(memo.count == 50)
        // Two threads missing the same key at once may both compute it, never more than one each.
        #expect((50...(50 * count)).contains(calls.load(ordering: .relaxed)))
    }
}
