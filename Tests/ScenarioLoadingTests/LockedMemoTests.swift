import CourseModel
import Synchronization
import Testing
@testable import ScenarioLoading

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
