/// Runs of bytes in FIFO order, whose copies share storage (see `PersistentVector`).
///
/// A queue and its snapshots after every step are copies of one `RunList`: taking a snapshot is a
/// reference, and a change afterwards copies at most the last 16 runs, never the whole list. Runs
/// leave from the front by moving a start index; a run partly taken keeps the bytes taken in
/// `headCut`, so no element is ever rewritten except the last (which merges a continuing run).
public struct RunList: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    private var vector = PersistentVector<ByteRun>()
    /// Index in `vector` of the first run still in the list.
    private var first = 0
    /// Bytes already taken from the front of the first run.
    private var headCut = 0

    public init() {}

    public init<S: Sequence>(_ runs: S) where S.Element == ByteRun {
        for r in runs { append(r) }
    }

    public init(arrayLiteral runs: ByteRun...) {
        self.init(runs)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { vector.count - first }

    public subscript(i: Int) -> ByteRun {
        precondition(i >= 0 && i < endIndex, "run index out of range")
        var run = vector[first + i]
        if i == 0 {
            run.start += headCut
            run.count -= headCut
        }
        return run
    }

    public struct Iterator: IteratorProtocol {
        var cursor: PersistentVector<ByteRun>.Cursor
        var headCut: Int
        public mutating func next() -> ByteRun? {
            guard var run = cursor.next() else { return nil }
            if headCut > 0 {
                run.start += headCut
                run.count -= headCut
                headCut = 0
            }
            return run
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(cursor: PersistentVector.Cursor(vector, from: first), headCut: headCut)
    }

    /// Appends `run`, merged into the last run when it continues it (same `send`, next offset).
    public mutating func append(_ run: ByteRun) {
        guard run.count > 0 else { return }
        let last = vector.count - 1
        if last >= first {
            let l = vector[last]
            if l.origin == run.origin, l.end == run.start {
                vector[last].count += run.count
                return
            }
        }
        vector.append(run)
    }

    /// Removes up to `n` bytes from the front; returns them as runs, oldest first.
    public mutating func removeFirst(bytes n: Int) -> [ByteRun] {
        var wanted = n
        var out: [ByteRun] = []
        while wanted > 0, first < vector.count {
            let run = self[0]
            if run.count <= wanted {
                out.append(run)
                first += 1
                headCut = 0
                wanted -= run.count
            } else {
                out.append(ByteRun(origin: run.origin, start: run.start, count: wanted))
                headCut += wanted
                wanted = 0
            }
        }
        if first == vector.count {
            self = RunList()
        } else if first >= PersistentVector<ByteRun>.width, first * 2 > vector.count {
            // Most of the storage is runs already gone: keep only the live ones (amortized O(1)
            // per run removed, and what snapshots hold stays proportional to what was appended).
            var fresh = PersistentVector<ByteRun>()
            vector.forEach(from: first) { fresh.append($0) }
            vector = fresh
            first = 0
        }
        return out
    }

    /// See `PersistentVector.newStorage`.
    func newStorage(_ seen: inout Set<ObjectIdentifier>, tails: inout Set<UnsafeRawPointer>) -> Int {
        vector.newStorage(&seen, tails: &tails)
    }

    public static func == (a: RunList, b: RunList) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for r in self { hasher.combine(r) }
    }
}
