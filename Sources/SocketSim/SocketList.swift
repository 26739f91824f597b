/// The sockets of one step's snapshot, in id order, sharing storage with the other steps'.
///
/// A run that opens many sockets and then changes one per step would hold a full copy of every
/// socket per step (10,000 `socket` steps: 50 million snapshots). Here each step's list is a
/// copy of one `PersistentVector` of boxed snapshots, slot = socket id, and the simulator replaces
/// only the sockets a step changed. Sockets the system has reclaimed are empty slots, skipped.
public struct SocketList: BidirectionalCollection, MutableCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    final class Box: Sendable {
        let value: SocketSnapshot
        init(_ value: SocketSnapshot) { self.value = value }
    }

    private var slots = PersistentVector<Box?>()
    /// Slots that hold a snapshot.
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence>(_ sockets: S) where S.Element == SocketSnapshot {
        for s in sockets { set(slot: slots.count, s) }
    }

    public init(arrayLiteral sockets: SocketSnapshot...) {
        self.init(sockets)
    }

    /// A position in the list: the socket's slot. (Opaque, so `list[0]` cannot be mistaken for "the
    /// first socket".)
    public struct Index: Comparable, Hashable, Sendable {
        let slot: Int
        public static func < (a: Index, b: Index) -> Bool { a.slot < b.slot }
    }

    public var startIndex: Index { Index(slot: nextSlot(from: 0)) }
    public var endIndex: Index { Index(slot: slots.count) }

    public func index(after i: Index) -> Index { Index(slot: nextSlot(from: i.slot + 1)) }

    public func index(before i: Index) -> Index {
        var s = i.slot - 1
        while s >= 0, slots[s] == nil { s -= 1 }
        precondition(s >= 0, "index before the first socket")
        return Index(slot: s)
    }

    private func nextSlot(from start: Int) -> Int {
        var s = start
        while s < slots.count, slots[s] == nil { s += 1 }
        return s
    }

    public subscript(i: Index) -> SocketSnapshot {
        get {
            guard let box = slots[i.slot] else { preconditionFailure("no socket at this index") }
            return box.value
        }
        set { slots[i.slot] = Box(newValue) }
    }

    public var isEmpty: Bool { count == 0 }

    /// The snapshot in `slot` (the socket id), or nil for an empty or absent slot.
    func snapshot(slot: Int) -> SocketSnapshot? {
        slot < slots.count ? slots[slot]?.value : nil
    }

    /// Puts `snapshot` (nil: none) in `slot`, growing the list with empty slots as needed.
    mutating func set(slot: Int, _ snapshot: SocketSnapshot?) {
        while slots.count <= slot { slots.append(nil) }
        let had = slots[slot] != nil
        slots[slot] = snapshot.map(Box.init)
        count += (snapshot != nil ? 1 : 0) - (had ? 1 : 0)
    }

    public struct Iterator: IteratorProtocol {
        var cursor: PersistentVector<Box?>.Cursor
        public mutating func next() -> SocketSnapshot? {
            while let slot = cursor.next() {
                if let box = slot { return box.value }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(cursor: PersistentVector.Cursor(slots, from: 0)) }

    /// Storage slots and snapshots not in `seen` yet (see `PersistentVector.newStorage`): a new
    /// box counts one, plus the runs of its queues and delivered list not seen yet.
    func newStorage(_ seen: inout Set<ObjectIdentifier>, tails: inout Set<UnsafeRawPointer>) -> Int {
        var n = slots.newStorage(&seen, tails: &tails)
        for case let box? in AnySequence({ PersistentVector.Cursor(slots, from: 0) }) where seen.insert(ObjectIdentifier(box)).inserted {
            n += 1 + box.value.sendq.runList.newStorage(&seen, tails: &tails) + box.value.recvq.runList.newStorage(&seen, tails: &tails)
                + box.value.deliveredRunList.newStorage(&seen, tails: &tails)
        }
        return n
    }

    public static func == (a: SocketList, b: SocketList) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for s in self { hasher.combine(s) }
    }
}
