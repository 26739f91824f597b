import CourseModel
import Dispatch
import SourceFiles
import Synchronization

/// Runs `produce(i)` for every `i` in `0..<count` on `workers` threads and hands each result to `consume`
/// on the calling thread, in index order, as soon as it and all before it are ready. At most
/// `window` results are made ahead of the one `consume` waits for, so memory holds a window of
/// results, not the run; what `consume` sees is the same whatever the threads did.
///
/// If `consume` throws, no new item is started and the error is rethrown once the items in
/// progress finish.
func orderedParallel<U: Sendable>(_ count: Int, workers: Workers, window: Int, produce: @escaping @Sendable (Int) -> U,
                                  consume: (Int, U) throws -> Void) rethrows {
    let workers = min(count, workers.count)
    if workers < 2 {
        for i in 0..<count { try consume(i, produce(i)) }
        return
    }
    let pipeline = OrderedWindow<U>(count: count, window: max(1, window), workers: workers)
    let group = DispatchGroup()
    for _ in 0..<workers {
        DispatchQueue.global().async(group: group) { pipeline.work(produce) }
    }
    defer { group.wait() }
    do {
        for i in 0..<count { try consume(i, pipeline.take(i)) }
    } catch {
        pipeline.stop()
        throw error
    }
}

/// The slots of `orderedParallel`: item `i` lives in slot `i % window` from when a worker makes
/// it until the consumer takes it.
///
/// `room` holds a permit for each free place in the window: a worker takes one before it starts
/// an item and the consumer gives it back when it takes the item, so item `i + window` starts only
/// once item `i` is taken and a slot never holds two items. `made[k]` is signalled when slot `k`'s
/// item is in it. (The semaphores start at zero and are signalled up: libdispatch refuses to free
/// one that holds fewer permits than it started with, which a stopped run leaves.)
final class OrderedWindow<U: Sendable>: Sendable {
    private let count: Int
    private let window: Int
    private let workers: Int
    private let room = DispatchSemaphore(value: 0)
    private let made: [DispatchSemaphore]
    private let slots: Mutex<[U?]>
    /// The next item a worker starts.
    private let next = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(count: Int, window: Int, workers: Int) {
        self.count = count
        self.window = window
        self.workers = workers
        made = (0..<window).map { _ in DispatchSemaphore(value: 0) }
        slots = Mutex(Array(repeating: nil, count: window))
        for _ in 0..<window { room.signal() }
    }

    func work(_ produce: (Int) -> U) {
        while true {
            room.wait()
            if stopped.load(ordering: .acquiring) { return }
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < count else {
                // No item left: the permit goes on to the next worker waiting, which ends too.
                room.signal()
                return
            }
            let value = produce(i)
            slots.withLock { $0[i % window] = value }
            made[i % window].signal()
        }
    }

    func take(_ i: Int) -> U {
        made[i % window].wait()
        let value = slots.withLock { slots in
            let value = slots[i % window]!
            slots[i % window] = nil
            return value
        }
        room.signal()
        return value
    }

    /// No item is started after this; each worker wakes (a permit each) and ends.
    func stop() {
        stopped.store(true, ordering: .releasing)
        for _ in 0..<workers { room.signal() }
    }
}
