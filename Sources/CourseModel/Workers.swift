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
    /// Items are handed out one at a time (the next free thread takes the next index), so a few
    /// slow items do not leave the other threads idle. What the caller gets back does not depend on
    /// how the threads ran.
    public func map<U: Sendable>(_ n: Int, _ body: @Sendable (Int) -> U) -> [U] {
        let threads = min(count, n)
        guard threads > 1 else { return (0..<n).map(body) }
        let next = Atomic<Int>(0)
        let results = Mutex<[U?]>(Array(repeating: nil, count: n))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < n else { return }
                let value = body(i)
                results.withLock { $0[i] = value }
            }
        }
        return results.withLock { $0.map { $0! } }
    }
}
