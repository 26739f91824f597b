import CourseModel
import Synchronization
import Testing

/// `Workers.map`: the caller sees the same array whatever the number of threads.
@Suite struct WorkersTests {
    @Test(arguments: [1, 2, 3, 8])
    func mapKeepsIndexOrderAndRunsEachIndexOnce(threads: Int) {
        for n in [0, 1, 2, 7, 100, 1000] {
            let calls = Mutex<[Int]>([])
            let out = Workers(count: threads).map(n) { i in
                calls.withLock { $0.append(i) }
                return i * i
            }
            #expect(out == (0..<n).map { $0 * $0 })
            #expect(calls.withLock { $0.sorted() } == Array(0..<n))
        }
    }

    /// Uneven items (a few slow ones) still come back in order.
    @Test func unevenItemsKeepOrder() {
        let out = Workers(count: 4).map(64) { i -> String in
            var x = UInt64(i)
            for _ in 0..<(i % 8 == 0 ? 200_000 : 10) { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            return "\(i):\(x % 7)"
        }
        #expect(out.map { Int($0.split(separator: ":")[0])! } == Array(0..<64))
    }

    @Test func countIsAtLeastOne() {
        #expect(Workers(count: 0).count == 1)
        #expect(Workers(count: -5).count == 1)
        #expect(Workers.one.count == 1)
    }
}
