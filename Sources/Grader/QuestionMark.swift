import CourseModel
import SourceFiles
import TraceQueries

/// How one question was marked.
///
/// What is the same for every student with the variant (ids, points, the key, the explanation)
/// lives in the shared `GradingKey.PerQuestion`; a mark holds one reference to it and its own
/// score, status and answer. So marking a question touches one shared object, not five, which
/// matters when two cores mark students of the same variant at once.
public struct QuestionMark: Sendable {
    public enum Status: String, Sendable, Codable {
        case correct, partial, wrong, missing, unreadable
        /// Not graded: the exercise's `variant:` failed its `tag:` (`answer.forged-variant`).
        case refused
    }
    let question: GradingKey.PerQuestion
    public var exerciseID: String { question.exerciseID }
    public var questionID: String { question.id }
    public var score: Double
    public var maxScore: Double { question.points }
    public var status: Status
    /// The answer as the student wrote it, on one line (escaped by each output format).
    public var answer: String { raw.display }
    /// The answer as read from the file.
    public var raw: RawAnswer
    /// The key, only when the run may reveal it.
    public var expected: AnswerValue? { question.revealed ? question.value : nil }
    public var misconception: Misconception?
    /// Marked against the student's own earlier answer (error carried forward).
    public var carriedForward: Bool
    /// For an unreadable answer: how to write it.
    var hint: String = ""

    init(_ question: GradingKey.PerQuestion) {
        self.question = question
        score = 0
        status = .missing
        raw = .empty
        misconception = nil
        carriedForward = false
    }

    /// Korean Markdown: what was wrong, in terms of the simulation. Rendered when asked for, so a
    /// run whose output shows only scores (the table, the CSV gradebook) never builds it.
    public var feedback: String {
        let explanation = question.explanation
        switch status {
        case .missing: return Feedback.missing(explanation: explanation, key: expected)
        case .unreadable: return Feedback.unreadable(answer, kind: question.kind, hint: hint, explanation: explanation, key: expected)
        case .refused: return Feedback.refused(exercise: question.exerciseID)
        case .correct, .partial, .wrong:
            return Feedback.marked(self, explanation: status == .correct ? "" : explanation, key: expected,
                                   carriedFrom: carriedForward ? question.carryForward?.from : nil)
        }
    }
}
