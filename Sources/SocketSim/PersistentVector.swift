/// An array whose copies share everything they have in common.
///
/// A trace keeps a snapshot of every socket and queue after every step. With plain arrays each
/// snapshot is a full copy, so a run of n steps over n sockets (or n queued `send` calls) holds n²
/// values; here a copy is one reference and a change copies only the path to what changed (a
/// 16-way trie of immutable nodes, plus a tail of at most 16 elements that takes appends and
/// changes to the last elements in place). Snapshots then cost what changed, not what exists.
///
/// The nodes never change once made, so copies are independent values and safe to share between
/// threads; only the tail, an ordinary array, is copied on write.
struct PersistentVector<Element: Sendable>: Sendable {
    static var bits: Int { 4 }
    static var width: Int { 1 << bits }
    static var mask: Int { width - 1 }

    final class Node: Sendable {
        /// Internal nodes: the subtrees; leaves: empty.
        let children: [Node]
        /// Leaves: exactly `width` elements; internal nodes: empty.
        let items: [Element]
        init(children: [Node]) { self.children = children; self.items = [] }
        init(items: [Element]) { self.children = []; self.items = items }
    }

    /// The full leaves, in order; nil while every element fits in the tail.
    private var root: Node?
    /// Bits of the index that the root's level selects (0: the root is a leaf).
    private var shift = 0
    /// Elements in the trie (a multiple of `width`).
    private var trieCount = 0
    /// The last 1...width elements (none only when the vector is empty).
    private var tail: [Element] = []

    init() {}

    init<S: Sequence>(_ elements: S) where S.Element == Element {
        for e in elements { append(e) }
    }

    var count: Int { trieCount + tail.count }
    var isEmpty: Bool { tail.isEmpty }

    subscript(i: Int) -> Element {
        get {
            if i >= trieCount { return tail[i - trieCount] }
            return leaf(containing: i).items[i & Self.mask]
        }
        set {
            if i >= trieCount { tail[i - trieCount] = newValue; return }
            root = Self.setting(root!, level: shift, index: i, to: newValue)
        }
    }

    /// The leaf that holds element `i` (which must be in the trie).
    func leaf(containing i: Int) -> Node {
        var node = root!
        var level = shift
        while level > 0 {
            node = node.children[(i >> level) & Self.mask]
            level -= Self.bits
        }
        return node
    }

    mutating func append(_ e: Element) {
        if tail.count < Self.width {
            tail.append(e)
            return
        }
        // The tail is full: it becomes a leaf of the trie, and `e` starts a new tail. (So the last
        // element is always in the tail, where changing it copies nothing shared.)
        let leaf = Node(items: tail)
        if let r = root {
            if trieCount == 1 << (shift + Self.bits) {
                root = Node(children: [r, Self.path(level: shift, to: leaf)])
                shift += Self.bits
            } else {
                root = Self.pushing(leaf, into: r, level: shift, index: trieCount)
            }
        } else {
            root = leaf
            shift = 0
        }
        trieCount += Self.width
        tail = [e]
    }

    private static func path(level: Int, to leaf: Node) -> Node {
        level == 0 ? leaf : Node(children: [path(level: level - bits, to: leaf)])
    }

    private static func pushing(_ leaf: Node, into node: Node, level: Int, index: Int) -> Node {
        var children = node.children
        let slot = (index >> level) & mask
        if level == bits {
            children.append(leaf)
        } else if slot < children.count {
            children[slot] = pushing(leaf, into: children[slot], level: level - bits, index: index)
        } else {
            children.append(path(level: level - bits, to: leaf))
        }
        return Node(children: children)
    }

    private static func setting(_ node: Node, level: Int, index: Int, to value: Element) -> Node {
        if level == 0 {
            var items = node.items
            items[index & mask] = value
            return Node(items: items)
        }
        var children = node.children
        let slot = (index >> level) & mask
        children[slot] = setting(children[slot], level: level - bits, index: index, to: value)
        return Node(children: children)
    }

    /// Elements `from ..< count`, in order, a leaf at a time.
    func forEach(from start: Int, _ body: (Element) throws -> Void) rethrows {
        var i = start
        while i < trieCount {
            let items = leaf(containing: i).items
            for j in (i & Self.mask)..<Self.width { try body(items[j]) }
            i = (i | Self.mask) + 1
        }
        for j in max(0, i - trieCount)..<tail.count { try body(tail[j]) }
    }

    /// Element slots of the storage this vector uses that `seen` has not seen yet (which it then
    /// records): summed over many copies, what they hold together. For tests of sharing.
    func newStorage(_ seen: inout Set<ObjectIdentifier>, tails: inout Set<UnsafeRawPointer>) -> Int {
        var slots = 0
        func walk(_ node: Node) {
            guard seen.insert(ObjectIdentifier(node)).inserted else { return }
            slots += node.items.count + node.children.count
            for c in node.children { walk(c) }
        }
        if let root { walk(root) }
        tail.withUnsafeBufferPointer { b in
            if let base = b.baseAddress, tails.insert(UnsafeRawPointer(base)).inserted { slots += b.count }
        }
        return slots
    }

    /// Walks the elements from `start` a leaf at a time (an iterator for the collections built on
    /// this vector).
    struct Cursor: IteratorProtocol {
        let vector: PersistentVector
        var index: Int
        var items: [Element] = []
        var offset = 0
        var end = 0

        init(_ vector: PersistentVector, from start: Int) {
            self.vector = vector
            self.index = start
        }

        mutating func next() -> Element? {
            if offset < end {
                defer { offset += 1; index += 1 }
                return items[offset]
            }
            guard index < vector.count else { return nil }
            if index >= vector.trieCount {
                items = vector.tail
                offset = index - vector.trieCount
            } else {
                items = vector.leaf(containing: index).items
                offset = index & Self.mask
            }
            end = items.count
            defer { offset += 1; index += 1 }
            return items[offset]
        }

        static var mask: Int { PersistentVector.mask }
    }
}
