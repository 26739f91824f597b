import CourseModel
import SocketSim
import SourceFiles
import TraceQueries

/// A student's empty answer file: their variant of every exercise, sealed by its tag (see
/// `VariantTag`), and every question id with an empty answer, the prompt (with their numbers) as
/// a comment above it.
public enum AnswerTemplate {
    /// The YAML text. `keys` supplies each exercise's key for the student's variant, from which
    /// prompts take their numbers (`{n}`, `{q:...}`); the template never shows a key itself.
    public static func render(student: String, catalog: ExerciseCatalog, grader: Grader) throws(DiagnosticError) -> String {
        let variants = grader.variants(for: student)
        var lines: [String] = [
            "# SockLab 답안 파일 — 학생 \(student)",
            "# 각 문항의 답을 콜론(:) 뒤에 쓰세요. 목록은 [SYN, SYN+ACK, ACK]처럼,",
            "# send별 바이트 수는 {send 1: 300, send 2: 200}처럼, 반환하지 않는 호출은 never로 씁니다.",
            "# 답이 * & ! [ { # 같은 기호로 시작하면 따옴표로 감싸세요 (예: \"*:80\").",
            "# 예/아니요: \(AnswerValue.yesSpellings.joined(separator: ", ")) / \(AnswerValue.noSpellings.joined(separator: ", "))",
            "# TCP 상태: \(TCPState.allCases.map(\.rawValue).joined(separator: ", ")) (대소문자, '-', '_', 공백은 가리지 않습니다)",
            "# 정수: 500, -3, 1,000(세 자리마다 쉼표), 500바이트; 반환하지 않음: \(Marking.neverSpellings.joined(separator: ", "))",
            "# variant: 줄은 여러분만의 문제 값이고 tag: 줄은 그 값의 서명입니다. 두 줄을 바꾸지 마세요",
            "# (바꾸면 그 연습은 채점되지 않습니다).",
            "# 제출 전에 강의 사이트의 '답안 파일 형식 검사'(check.html)에서 이 파일을 골라 형식을 확인하세요.",
            "student: \"\(student)\"",
            "exercises:",
        ]
        for e in catalog.exercises {
            let v = variants[e.id]!
            let key = try grader.key(e, v)
            lines.append("")
            lines.append("  # \(oneLine(e.title))")
            for p in DurationText.koreanMilliseconds(in: ExerciseText.render(e.prose, key: key)).trimmed().split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(p.isEmpty ? "  #" : "  # \(p)")
            }
            lines.append("  \(e.id):")
            if !v.values.isEmpty {
                lines.append("    variant: {" + v.values.keys.sorted().map { "\($0): \(v.values[$0]!)" }.joined(separator: ", ") + "}")
                lines.append("    tag: \(grader.chooser.tag(student: student, exercise: e.id, variant: v))")
            }
            lines.append("    answers:")
            for q in e.questions {
                let prompt = DurationText.koreanMilliseconds(in: ExerciseText.render(q.prompt, key: key)).trimmed()
                var kind = q.kind.koreanName
                if q.kind == .choice { kind += ": " + q.choices.joined(separator: " | ") }
                lines.append("      # [\(kind), \(Feedback.format(q.points))점] " + oneLine(prompt))
                lines.append("      \(q.id):")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmed() }.joined(separator: " ")
    }
}
