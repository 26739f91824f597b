import CourseModel
import TraceQueries

/// An answer or a key read as its question's kind asks, in a form that compares and hashes the
/// way marking compares (words without regard to letter case, lists and byte counts normalised).
///
/// Class analyses (`ClassReport`) use it to ask "is this student's wrong answer the key of another
/// variant?" or "is it what a misconception predicts?" with a hash lookup, not a re-run of marking.
public struct AnswerToken: Hashable, Sendable, CustomStringConvertible {
    let value: ReadAnswer

    init(_ read: ReadAnswer) {
        switch read {
        case .word(let w): value = .word(w.lowercased())
        default: value = read
        }
    }

    /// The token as one line of text (for instructors' reports; never shown to students).
    public var description: String {
        switch value {
        case .integer(let n): return String(n)
        case .never: return "never"
        case .boolean(let b): return b ? "yes" : "no"
        case .word(let w): return w
        case .state(let s): return s.rawValue
        case .list(let items): return "[" + items.joined(separator: ", ") + "]"
        case .counts(let c): return "{" + c.keys.sorted().map { "\($0): \(c[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

extension QuestionMark {
    /// The key of this question for the student's variant, whatever `--reveal` says: for the
    /// instructor's class report, which compares students' answers with other variants' keys.
    /// Student-facing output uses `expected`, which is nil unless the run reveals keys.
    public var instructorKey: AnswerValue { question.value }

    /// The key as a token.
    public var keyToken: AnswerToken { AnswerToken(question.read) }

    /// The student's answer as a token; nil when blank or unreadable.
    public var answerToken: AnswerToken? {
        switch status {
        case .missing, .unreadable, .refused: return nil
        case .correct, .partial, .wrong:
            guard case .success(let r) = Marking.read(raw, as: question.kind, choices: question.choices) else { return nil }
            return AnswerToken(r)
        }
    }

    /// What each misconception the exercise models predicts for this question and variant (only
    /// those whose prediction differs from the key), in misconception order.
    public var predictionTokens: [(misconception: Misconception, token: AnswerToken)] {
        question.predictions.map { ($0.0, AnswerToken($0.1)) }
    }

    /// The question's kind (how its answers are read).
    public var kind: QuestionKind { question.kind }
}

extension AnswerToken {
    /// A key (computed for any variant) as a token, read as a question of `kind` reads it.
    public init(key: AnswerValue, kind: QuestionKind) {
        self.init(Marking.read(key: key, as: kind))
    }
}
