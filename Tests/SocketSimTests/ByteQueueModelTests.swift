import Testing
@testable import SocketSim

/// One byte of the naive model: whose `send` it came from and its offset within that call.
private struct ModelByte: Equatable {
    var origin: Origin
    var offset: Int
}

/// The naive model of a queue: a plain circular array of bytes with explicit head and tail slots,
/// drawn the way the textbook draws SendQ and RecvQ.
private struct NaiveRing {
    let capacity: Int
    var slots: [ModelByte?]
    var head = 0
    var tail = 0
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        slots = Array(repeating: nil, count: capacity)
    }

    var bytes: [ModelByte] { (0..<count).map { slots[(head + $0) % capacity]! } }

    mutating func append(_ b: ModelByte) {
        precondition(count < capacity)
        slots[tail] = b
        tail = (tail + 1) % capacity
        count += 1
    }

    mutating func removeFirst(_ n: Int) -> [ModelByte] {
        let k = min(n, count)
        var out: [ModelByte] = []
        for _ in 0..<k {
            out.append(slots[head]!)
            slots[head] = nil
            head = (head + 1) % capacity
            count -= 1
        }
        return out
    }
}

private func expand<S: Sequence>(_ runs: S) -> [ModelByte] where S.Element == ByteRun {
    runs.flatMap { r in (r.start..<r.end).map { ModelByte(origin: r.origin, offset: $0) } }
}

/// True when some neighbouring runs could have been one run: appending must coalesce them.
private func hasMergeableNeighbours<C: Collection>(_ runs: C) -> Bool where C.Element == ByteRun {
    zip(runs, runs.dropFirst()).contains { a, b in a.origin == b.origin && a.end == b.start }
}

@Suite("ByteQueue against a naive circular byte array")
struct ByteQueueModelTests {
    /// Every capacity from 1 to 12, every start offset of the head, many random operation sequences.
    @Test(arguments: 1...12)
    func matchesNaiveModel(capacity: Int) {
        // Millions of comparisons: record an issue only when one fails, with its context.
        var failures = 0
        func check(_ ok: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
            guard !ok else { return }
            failures += 1
            if failures <= 20 { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
        }
        for startOffset in 0..<capacity {
            for seed in 0..<24 as Range<UInt64> {
                let tag = "capacity \(capacity), start offset \(startOffset), seed \(seed)"
                var rng = SplitMix64(seed: seed &* 7919 &+ UInt64(capacity * 131 + startOffset))
                var q = ByteQueue(capacity: capacity)
                var model = NaiveRing(capacity: capacity)
                // Turn the ring so that the head starts at `startOffset`.
                let warm = Origin(host: 9, send: 0)
                for i in 0..<startOffset {
                    q.append(ByteRun(origin: warm, start: i, count: 1))
                    model.append(ModelByte(origin: warm, offset: i))
                }
                check(expand(q.removeFirst(startOffset)) == model.removeFirst(startOffset), "\(tag)")

                // A few origins whose next offset we track, so appends can continue a run or not.
                var nextOffset: [Origin: Int] = [:]
                var sendNumber = 0
                var lastOrigin: Origin?
                for op in 0..<120 {
                    let ctx = "\(tag), operation \(op)"
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0..<6:
                        guard q.free > 0 else { continue }
                        let n = Int.random(in: 0...q.free, using: &rng)
                        let origin: Origin
                        if let last = lastOrigin, Bool.random(using: &rng) {
                            origin = last                         // continues the last run: must coalesce
                        } else if let any = nextOffset.keys.randomElement(using: &rng), Int.random(in: 0..<4, using: &rng) == 0 {
                            origin = any                          // an older origin: a new run
                        } else {
                            sendNumber += 1
                            origin = Origin(host: Int.random(in: 0...1, using: &rng), send: sendNumber)
                        }
                        var start = nextOffset[origin, default: 0]
                        if Int.random(in: 0..<8, using: &rng) == 0 { start += 1 }   // a gap: must not coalesce
                        let runsBefore = q.runs.count
                        let endsBefore = q.runs.last
                        let appended = q.append(ByteRun(origin: origin, start: start, count: n))
                        check(appended == n, "\(ctx)")
                        for i in 0..<n { model.append(ModelByte(origin: origin, offset: start + i)) }
                        if n > 0 {
                            nextOffset[origin] = start + n
                            lastOrigin = origin
                            let continues = endsBefore.map { $0.origin == origin && $0.end == start } ?? false
                            check(q.runs.count == runsBefore + (continues ? 0 : 1),
                                    "\(ctx): a run that continues the last one merges with it, any other is new")
                        } else {
                            check(q.runs.count == runsBefore, "\(ctx): an empty append changes nothing")
                        }
                    case 6..<9:
                        let n = Int.random(in: 0...(capacity + 1), using: &rng)
                        let removed = q.removeFirst(n)
                        check(expand(removed) == model.removeFirst(n), "\(ctx): removeFirst(\(n))")
                        check(!removed.contains { $0.count <= 0 }, "\(ctx): no empty runs come out")
                        check(!hasMergeableNeighbours(removed), "\(ctx): removed runs stay coalesced")
                    default:
                        let expectedCount = model.count
                        check(q.removeAll() == expectedCount, "\(ctx): removeAll returns the bytes dropped")
                        _ = model.removeFirst(expectedCount)
                        lastOrigin = nil
                    }
                    check(expand(q.runs) == model.bytes, "\(ctx): contents")
                    check(q.count == model.count, "\(ctx): count")
                    check(q.free == capacity - model.count, "\(ctx): free")
                    check(q.isEmpty == (model.count == 0), "\(ctx): isEmpty")
                    check(q.isFull == (model.count == capacity), "\(ctx): isFull")
                    check(q.head == model.head, "\(ctx): head slot")
                    check(q.tail == model.tail, "\(ctx): tail slot")
                    check(q.totalIn - q.totalOut == q.count, "\(ctx): totals")
                    check(!q.runs.contains { $0.count <= 0 }, "\(ctx): no empty runs are kept")
                    check(!hasMergeableNeighbours(q.runs), "\(ctx): runs are coalesced")
                    let byOrigin = q.countsByOrigin
                    check(byOrigin.reduce(0) { $0 + $1.count } == q.count, "\(ctx): countsByOrigin adds up")
                    check(Set(byOrigin.map(\.origin)).count == byOrigin.count, "\(ctx): one entry per origin")
                }
            }
        }
    }

    @Test("one call's gigabyte stays one run")
    func bigRunStaysOneRun() {
        var q = ByteQueue(capacity: 1 << 30)
        let o = Origin(host: 0, send: 1)
        var offset = 0
        for _ in 0..<1000 {
            q.append(ByteRun(origin: o, start: offset, count: 1 << 20))
            offset += 1 << 20
            _ = q.removeFirst(1 << 19)
        }
        #expect(q.runs.count == 1)
        #expect(q.count == 1000 * (1 << 19))
    }

    @Test("head and tail wrap around the circular array")
    func ringWraps() {
        var q = ByteQueue(capacity: 500)
        let o = Origin(host: 0, send: 1)
        q.append(ByteRun(origin: o, start: 0, count: 500))
        #expect((q.head, q.tail, q.isFull) == (0, 0, true))
        _ = q.removeFirst(250)
        #expect((q.head, q.tail) == (250, 0))
        q.append(ByteRun(origin: Origin(host: 0, send: 2), start: 0, count: 125))
        #expect((q.head, q.tail, q.count) == (250, 125, 375))
    }
}
