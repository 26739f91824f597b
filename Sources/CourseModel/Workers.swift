import SourceFiles
import Dispatch
import Synchronization

/// How many threads a job may use. The command chooses it (from the machine's cores, or 1 for a
/// test that wants one thread); a library never reads the core count itself.
public struct Workers: Sendable, Hashable {
    public let count: Int

    /// Everything on the calling thread.
    public static let one = Workers(count: 1)

    public init(count: Int) { self.count = max(1, count) }

    /// `body(i)` for every `i` in `0..<n`, on up to `count` threads, results in index order.
    /// Indices are handed out in small runs (the next free thread takes the next run, about 16 per
    /// thread), so a few slow items do not leave the other threads idle, and each run's results
    /// are stored under the lock at once. What the caller gets back does not depend on how the
    /// threads ran.
    public func map<U: Sendable>(_ n: Int, _ body: @Sendable (Int) -> U) -> [U] {
        let threads = min(count, n)
        guard threads > 1 else { return (0..<n).map(body) }
        let run = max(1, n / (threads * 16))
        let next = Atomic<Int>(0)
        let results = Mutex<[U?]>(Array(repeating: nil, count: n))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let start = next.wrappingAdd(run, ordering: .relaxed).oldValue
                guard start < n else { return }
                let values = (start..<min(n, start + run)).map(body)
                results.withLock { all in
                    for (k, v) in values.enumerated() { all[start + k] = v }
                }
            }
        }
        return results.withLock { $0.map { $0! } }
    }
}
