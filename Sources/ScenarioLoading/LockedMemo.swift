import Synchronization

/// Values computed once per key and shared between threads: the one memo type the course's caches
/// are made of (`CourseCaches`, a compiled scenario's steps, a prepared run's searches, the
/// grader's carried-forward values).
///
/// The lock is held only to look up and to store, never while `compute` runs: two threads that
/// miss the same key at once both compute it (the values are pure functions of the key, so either
/// one is right) rather than one waiting for the other. The grader's keys, which must be computed
/// once while others wait, have their own cache (`KeyCache`).
///
/// Bounded: past `limit` entries it either forgets them all and starts again (`.clear`, for a
/// memo that sees new keys all along, such as a process building the site again and again) or keeps what
/// it has and computes the rest without keeping (`.keep`, for a search trying 200,000 candidates
/// whose first ones are the ones tried again).
public final class LockedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public enum WhenFull: Sendable {
        case clear
        case keep
    }

    private let entries = Mutex<[Key: Value]>([:])
    private let limit: Int
    private let whenFull: WhenFull

    public init(limit: Int = .max, whenFull: WhenFull = .clear) {
        self.limit = limit
        self.whenFull = whenFull
    }

    /// The value for `key`, computed by `compute` the first time.
    public func value<E: Error>(_ key: Key, _ compute: () throws(E) -> Value) throws(E) -> Value {
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let value = try compute()
        entries.withLock { entries in
            if entries.count >= limit {
                switch whenFull {
                case .clear: entries.removeAll(keepingCapacity: true)
                case .keep: return
                }
            }
            entries[key] = value
        }
        return value
    }

    /// The value for `key` if it has been computed and kept.
    public func cached(_ key: Key) -> Value? {
        entries.withLock { $0[key] }
    }

    /// How many values are kept (for tests).
    public var count: Int { entries.withLock { $0.count } }
}
