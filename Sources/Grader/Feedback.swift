import CourseModel
import TraceQueries

/// The Korean feedback a student reads for one question (Markdown).
///
/// The expected value and the question's solution appear only when the run reveals answers (`key`
/// non-nil); otherwise `explanation` is the question's hint alone, which the loader proved states no
/// key (nor does a misconception's correction). Both speak with the student's own numbers.
enum Feedback {
    static func missing(explanation: String, key: AnswerValue?) -> String {
        join(["답이 없습니다.", explanation, revealed(key)])
    }

    static func unreadable(_ answer: String, kind: QuestionKind, hint: String, explanation: String, key: AnswerValue?) -> String {
        join(["답 ‘\(answer)’을(를) \(kind.koreanName)(으)로 읽을 수 없습니다. \(hint) 꼴로 쓰세요.", explanation, revealed(key)])
    }

    static func marked(_ m: QuestionMark, explanation: String, key: AnswerValue?, carriedFrom: String?) -> String {
        switch m.status {
        case .correct:
            if let from = carriedFrom {
                return "앞 문항 ‘\(from)’에 쓴 여러분의 답으로 시뮬레이션을 다시 돌린 값과 같으므로 맞은 것으로 채점했습니다(오류 이어받기)."
            }
            return "맞았습니다."
        case .partial, .wrong:
            var parts: [String] = []
            parts.append(m.status == .partial ? "부분 점수입니다 (\(format(m.score))/\(format(m.maxScore))점)." : "틀렸습니다.")
            if let mis = m.misconception {
                parts.append("이 답은 ‘\(mis.title)’ 경우에 시뮬레이션이 내는 값과 정확히 같습니다. \(mis.correction)")
            }
            parts.append(explanation)
            parts.append(revealed(key))
            return join(parts)
        case .missing, .unreadable, .refused:
            return join([explanation, revealed(key)])
        }
    }

    static func revealed(_ key: AnswerValue?) -> String {
        key.map { "정답: \($0.koreanMarkdown)" } ?? ""
    }

    static func join(_ parts: [String]) -> String {
        parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Scores as people write them: `2`, `1.5`, `0.67`.
    static func format(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(r)
        if s.contains("e") { s = String(Int(r)) }
        return s
    }
}
