import Synchronization

/// A count shared by the threads of a grading run (for progress).
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    /// The count after adding one.
    func increment() -> Int {
        value.add(1, ordering: .relaxed).newValue
    }
}
