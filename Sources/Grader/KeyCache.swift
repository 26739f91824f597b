import CourseModel
import SourceFiles
import Synchronization

/// Keys computed by this grader, each once: the first student who needs one computes it while
/// others with the same variant wait; later runs (the template, repeated grading) reuse them.
final class KeyCache: Sendable {
    typealias Entry = Result<GradingKey, DiagnosticError>
    /// A key being computed: its lock is held by the thread computing it, so that the others
    /// that need it wait for it rather than compute it again.
    private final class Slot: Sendable {
        let value = Mutex<Entry?>(nil)
    }
    /// Finished keys by [reveal][exercise][variant index]: arrays while an exercise has at most
    /// `arrayLimit` variants (no hashing per lookup), a dictionary beyond.
    private struct Table: Sendable {
        var small: [[Entry?]]
        var large: [[Int: Entry]]
        init(_ counts: [Int]) {
            small = counts.map { [Entry?](repeating: nil, count: $0 <= KeyCache.arrayLimit ? $0 : 0) }
            large = counts.map { _ in [:] }
        }
        subscript(_ id: Grader.KeyID) -> Entry? {
            get { id.variant >= 0 && id.variant < small[id.exercise].count ? small[id.exercise][id.variant] : large[id.exercise][id.variant] }
            set {
                if id.variant >= 0 && id.variant < small[id.exercise].count { small[id.exercise][id.variant] = newValue } else { large[id.exercise][id.variant] = newValue }
            }
        }
    }
    static let arrayLimit = 1 << 16
    /// Finished keys (by reveal: 0 or 1) and the slots of keys being computed. Guarded by
    /// `state`'s lock, which is never held while a key is computed (a slot's lock is).
    private struct State: Sendable {
        var done: [Table]
        var busy: [Bool: [Grader.KeyID: Slot]] = [:]
    }
    private let state: Mutex<State>

    /// Where the variants of negative ids (frozen in answer files, outside today's spaces) are.
    private let frozen: FrozenVariants
    /// Keys the catalog's hint check already computed, by catalog position and variant index.
    private let checked: [[Int: AnswerKey]]

    init(variantCounts: [Int], frozen: FrozenVariants, checked: [[Int: AnswerKey]] = []) {
        state = Mutex(State(done: [Table(variantCounts), Table(variantCounts)]))
        self.frozen = frozen
        self.checked = checked
    }

    /// One student's keys, taking the lock once for those already computed.
    func keys(_ ids: [Grader.KeyID], reveal: Bool, in exercises: [Exercise]) -> [Entry] {
        let r = reveal ? 1 : 0
        let ready = state.withLock { s in ids.map { s.done[r][$0] } }
        return ready.enumerated().map { $1 ?? key(ids[$0], reveal: reveal, in: exercises) }
    }

    func key(_ id: Grader.KeyID, reveal: Bool, in exercises: [Exercise]) -> Entry {
        let r = reveal ? 1 : 0
        let (ready, slot, other) = state.withLock { s -> (Entry?, Slot?, Entry?) in
            if let ready = s.done[r][id] { return (ready, nil, nil) }
            let slot = s.busy[reveal, default: [:]][id] ?? Slot()
            s.busy[reveal, default: [:]][id] = slot
            return (nil, slot, s.done[1 - r][id])
        }
        if let ready { return ready }
        return slot!.value.withLock { value in
            if let value { return value }
            let computed = compute(id, reveal: reveal, from: other, exercise: exercises[id.exercise])
            value = computed
            state.withLock { s in
                s.done[r][id] = computed
                s.busy[reveal]?[id] = nil
            }
            return computed
        }
    }

    /// The key itself: from the same key prepared for the other setting of `--reveal` (`other`),
    /// from the catalog's hint check, or computed.
    private func compute(_ id: Grader.KeyID, reveal: Bool, from other: Entry?, exercise e: Exercise) -> Entry {
        if let other {
            // The same key prepared for the other setting of --reveal: only the texts differ.
            return other.map { GradingKey($0.key, variantIndex: $0.variantIndex, exercise: e, reveal: reveal) }
        }
        do throws(DiagnosticError) {
            if id.variant >= 0, id.exercise < checked.count, let key = checked[id.exercise][id.variant] {
                // The catalog's key has the values; feedback needs the predictions too.
                return .success(GradingKey(try e.withPredictions(key), variantIndex: id.variant, exercise: e, reveal: reveal))
            }
            let v = id.variant >= 0 ? e.variant(at: id.variant) : frozen.variant(id.variant, exercise: id.exercise)
            return .success(GradingKey(try e.answerKey(for: v), variantIndex: id.variant >= 0 ? id.variant : nil, exercise: e, reveal: reveal))
        } catch {
            return .failure(error)
        }
    }
}
