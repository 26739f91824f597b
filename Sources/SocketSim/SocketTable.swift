/// The simulator's socket structures, which remember which ones changed since they were last asked.
///
/// Every write goes through the subscript's `_modify` or `set` (or `append`), which marks the
/// socket; `takeChanged()` hands the marked ids over. The simulator re-snapshots only those after a
/// step, so a step's cost follows what it did, not how many sockets exist.
struct SocketTable: RandomAccessCollection, MutableCollection, Sendable {
    private var records: [SocketRecord] = []
    private var marked: [Bool] = []
    private var changed: [Int] = []

    var startIndex: Int { 0 }
    var endIndex: Int { records.count }

    subscript(i: Int) -> SocketRecord {
        get { records[i] }
        _modify {
            mark(i)
            yield &records[i]
        }
        set {
            mark(i)
            records[i] = newValue
        }
    }

    private mutating func mark(_ i: Int) {
        if !marked[i] {
            marked[i] = true
            changed.append(i)
        }
    }

    mutating func append(_ record: SocketRecord) {
        records.append(record)
        marked.append(false)
        mark(records.count - 1)
    }

    /// The sockets written since the last call, in the order first written.
    mutating func takeChanged() -> [Int] {
        let out = changed
        changed.removeAll(keepingCapacity: true)
        for i in out { marked[i] = false }
        return out
    }
}
