/// Where a byte came from: the `send` call that handed it to the socket layer.
///
/// Bytes keep their origin all the way from SendQ to Delivered, so a diagram can shade the bytes of
/// the first, second and third `send` and a `recv` can say whose bytes it returned.
public struct Origin: Hashable, Sendable, Comparable {
    /// Index of the sending host in the scenario's host list.
    public var host: Int
    /// 1-based number of the `send` call on that host.
    public var send: Int

    public init(host: Int, send: Int) {
        self.host = host
        self.send = send
    }

    public static func < (a: Origin, b: Origin) -> Bool {
        (a.host, a.send) < (b.host, b.send)
    }
}

/// A run of consecutive bytes from one `send` call: offsets `start ..< start + count` of that call.
public struct ByteRun: Hashable, Sendable {
    public var origin: Origin
    public var start: Int
    public var count: Int

    public init(origin: Origin, start: Int, count: Int) {
        self.origin = origin
        self.start = start
        self.count = count
    }

    public var end: Int { start + count }
}

/// A bounded FIFO of bytes, kept as runs tagged with their origin.
///
/// Cost follows runs, not bytes: appending a run that continues the last one merges with it, so a
/// gigabyte sent by one call stays one run. The circular-array view a textbook draws (capacity, head,
/// tail) is derived from the totals that ever went in and out. The runs are a `RunList`, so a
/// snapshot of the queue shares them instead of copying.
public struct ByteQueue: Hashable, Sendable {
    public let capacity: Int
    public private(set) var count: Int = 0
    /// Bytes that ever entered / left the queue (for the circular-array view and conservation checks).
    public private(set) var totalIn: Int = 0
    public private(set) var totalOut: Int = 0
    /// The runs in FIFO order, oldest first.
    public private(set) var runs = RunList()

    public init(capacity: Int) {
        precondition(capacity > 0, "a queue needs a positive capacity")
        self.capacity = capacity
    }

    public var free: Int { capacity - count }
    public var isEmpty: Bool { count == 0 }
    public var isFull: Bool { count == capacity }

    /// The circular-array view: the slot of the oldest byte (head) and the next free slot (tail).
    public var head: Int { totalOut % capacity }
    public var tail: Int { totalIn % capacity }

    /// Appends a run that must fit; returns the number of bytes appended.
    @discardableResult
    public mutating func append(_ run: ByteRun) -> Int {
        assert(run.count >= 0 && run.count <= free, "a queue never exceeds its capacity")
        guard run.count > 0 else { return 0 }
        runs.append(run)
        count += run.count
        totalIn += run.count
        return run.count
    }

    /// Appends runs in order; they must fit.
    public mutating func append<S: Sequence>(contentsOf runs: S) where S.Element == ByteRun {
        for run in runs { append(run) }
    }

    /// Removes up to `n` bytes from the front and returns them as runs, oldest first.
    public mutating func removeFirst(_ n: Int) -> [ByteRun] {
        let wanted = min(n, count)
        guard wanted > 0 else { return [] }
        let out = runs.removeFirst(bytes: wanted)
        count -= wanted
        totalOut += wanted
        return out
    }

    /// Drops everything queued (e.g. `shutdown(SHUT_RD)`); returns the number of bytes dropped.
    @discardableResult
    public mutating func removeAll() -> Int {
        let n = count
        _ = removeFirst(n)
        return n
    }

    /// Byte count per origin, in FIFO order of first appearance.
    public var countsByOrigin: [(origin: Origin, count: Int)] {
        var out: [(origin: Origin, count: Int)] = []
        for run in runs {
            if let i = out.lastIndex(where: { $0.origin == run.origin }) {
                out[i].count += run.count
            } else {
                out.append((run.origin, run.count))
            }
        }
        return out
    }
}
