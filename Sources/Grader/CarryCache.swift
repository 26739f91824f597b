import CourseModel
import ScenarioLoading
import SourceFiles
import TraceQueries

/// Values of carried-forward questions for answers students actually gave, computed once each.
final class CarryCache: Sendable {
    /// A carried-forward question of a variant with the student's answer to the question it
    /// carries from.
    struct Key: Hashable, Sendable {
        let exercise: String
        let question: String
        let variant: Variant
        let answer: Int
    }
    private let values = LockedMemo<Key, AnswerValue?>()

    func value(_ e: Exercise, _ q: Question, _ v: Variant, _ answer: Int) -> AnswerValue? {
        values.value(Key(exercise: e.id, question: q.id, variant: v, answer: answer)) {
            try? e.carriedValue(q, variant: v, value: answer).get()
        }
    }
}
