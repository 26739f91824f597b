import CourseModel
import SourceFiles
import Synchronization

/// Variants frozen in answer files that lie outside their exercise's parameter space today (a
/// range was narrowed or moved since the file was made), each given a negative id once so that
/// their keys are computed once and shared like any other.
final class FrozenVariants: Sendable {
    /// By catalog position: each frozen variant's id, and the variants in order of first sight.
    private struct Seen: Sendable {
        var ids: [[Variant: Int]]
        var variants: [[Variant]]
    }
    private let seen: Mutex<Seen>

    init(exercises: Int) {
        seen = Mutex(Seen(ids: Array(repeating: [:], count: exercises), variants: Array(repeating: [], count: exercises)))
    }

    /// The id of a variant of the exercise at `position`: -1, -2, … in order of first sight.
    func id(_ v: Variant, exercise position: Int) -> Int {
        seen.withLock { s in
            if let id = s.ids[position][v] { return id }
            s.variants[position].append(v)
            let id = -s.variants[position].count
            s.ids[position][v] = id
            return id
        }
    }

    /// The variant with this (negative) id.
    func variant(_ id: Int, exercise position: Int) -> Variant {
        seen.withLock { $0.variants[position][-id - 1] }
    }
}
