import CourseModel
import Foundation
import SocketSim
import SourceFiles
import Synchronization
import TraceQueries

/// A key with what marking needs from it prepared once: keys read as answers are, misconception
/// predictions in a fixed order, explanations rendered for the variant, and the question's own
/// fields marking uses (a class, so that marking a question shares it rather than copying it).
final class GradingKey: Sendable {
    final class PerQuestion: Sendable {
        let exerciseID: String
        let id: String
        /// Whether feedback and reports may show the key (`--reveal`).
        let revealed: Bool
        let kind: QuestionKind
        let choices: [String]
        let points: Double
        let partial: PartialCredit?
        let carryForward: CarryForward?
        let value: AnswerValue
        let read: ReadAnswer
        let tolerance: Int
        let predictions: [(Misconception, ReadAnswer)]
        /// The hint (and, when revealed, the solution) as written, and the key whose numbers it is
        /// rendered with. Queries are shown: the loader proved that a hint states no key.
        let template: String
        let key: AnswerKey
        /// The explanation, rendered the first time feedback asks for it (a run that prints only
        /// scores never does), then shared; rendered under the lock, so once.
        private let rendered = Mutex<String?>(nil)

        /// As feedback shows it: with `{answer}` filled only when the run reveals keys.
        var explanation: String {
            rendered.withLock { rendered in
                if let rendered { return rendered }
                // Durations read as the site writes them (`60초`, not `60000ms`); the hint check read it so.
                let text = DurationText.koreanMilliseconds(in: ExerciseText.render(template, key: key, answer: revealed ? value : nil)).trimmed()
                rendered = text
                return text
            }
        }

        init(_ q: Question, key: AnswerKey, reveal: Bool) {
            let v = key.values[q.id] ?? .never
            exerciseID = key.exerciseID
            revealed = reveal
            id = q.id
            kind = q.kind
            choices = q.choices
            points = q.points
            partial = q.partial
            carryForward = q.carryForward
            value = v
            read = Marking.read(key: v, as: q.kind)
            tolerance = key.tolerances[q.id] ?? 0
            predictions = (key.predictions[q.id] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, Marking.read(key: $0.value, as: q.kind)) }
            template = q.feedbackText(revealed: reveal)
            self.key = key
        }
    }
    let key: AnswerKey
    let variantIndex: Int?
    /// In the exercise's question order.
    let questions: [PerQuestion]

    init(_ key: AnswerKey, variantIndex: Int?, exercise e: Exercise, reveal: Bool) {
        self.key = key
        self.variantIndex = variantIndex
        questions = e.questions.map { PerQuestion($0, key: key, reveal: reveal) }
    }
}
