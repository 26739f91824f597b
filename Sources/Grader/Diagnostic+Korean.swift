import CourseModel
import SourceFiles

/// Answer-file diagnostics reach students (feedback files, Gradescope and PrairieLearn output,
/// the gradebook's `warnings`, `socklab check`), so their messages and notes are Korean
/// sentences in which only what a student types or reads in the file (keys, ids, spellings,
/// commands) appears, as `code`. Messages are built so that a code span is followed by a noun
/// (`` `segments` 문항 ``) or ends a clause after a colon: a particle after student text could
/// not be chosen right (받침) for every spelling.
enum Korean {
    /// `code` spans listed with commas.
    static func codes(_ items: [String]) -> String { items.map(Text.quoted).joined(separator: ", ") }

    /// A question kind's Korean name, with the word a student types (`send`) as code.
    static func kindName(_ kind: QuestionKind) -> String { kindNames[kind]! }

    /// Made once: the name is asked for every unreadable answer, and replacing in it each time was
    /// 1 % of a grading run (`perf record` of `socklab grade` on the bench's 4,000 files).
    static let kindNames = Dictionary(uniqueKeysWithValues: QuestionKind.allCases.map { ($0, $0.koreanName.replacing("send", with: "`send`")) })

    /// `으로` or `로` after a Korean word (by its last syllable's final consonant; `ㄹ` takes `로`).
    static func ro(_ word: String) -> String {
        guard let u = word.unicodeScalars.last, (0xAC00...0xD7A3).contains(u.value) else { return "(으)로" }
        let final = (u.value - 0xAC00) % 28
        return final == 0 || final == 8 ? "로" : "으로"
    }

    /// `을` or `를` after a Korean word.
    static func object(_ word: String) -> String {
        guard let u = word.unicodeScalars.last, (0xAC00...0xD7A3).contains(u.value) else { return "을(를)" }
        return (u.value - 0xAC00) % 28 == 0 ? "를" : "을"
    }

    /// A libyaml problem (`did not find expected key`) in Korean; one this table does not know is
    /// quoted as the parser wrote it, as code.
    static func yamlProblem(_ problem: String) -> String {
        switch problem {
        case "mapping values are not allowed in this context": return "이 자리에는 `키: 값`의 쌍점(`:`)을 쓸 수 없습니다"
        case "did not find expected key": return "있어야 할 키를 찾지 못했습니다"
        case "did not find expected ',' or ']'": return "있어야 할 `,` 또는 `]`를 찾지 못했습니다"
        case "did not find expected ',' or '}'": return "있어야 할 `,` 또는 `}`를 찾지 못했습니다"
        case "did not find expected node content": return "있어야 할 값을 찾지 못했습니다"
        case "did not find expected '-' indicator": return "있어야 할 목록 표시(`-`)를 찾지 못했습니다"
        case "did not find expected alphabetic or numeric character": return "있어야 할 영문자나 숫자를 찾지 못했습니다"
        case "could not find expected ':'": return "있어야 할 쌍점(`:`)을 찾지 못했습니다"
        case "found character that cannot start any token": return "값이나 키를 시작할 수 없는 문자가 있습니다"
        case "found unexpected end of stream": return "값이 끝나기 전에 파일이 끝났습니다"
        case "found a tab character that violates indentation": return "들여쓰기에 탭 문자가 있습니다"
        case "found a tab character where an indentation space is expected": return "들여쓰기 공백 자리에 탭 문자가 있습니다"
        case "block sequence entries are not allowed in this context": return "이 자리에는 목록 항목(`-`)을 쓸 수 없습니다"
        case "found unknown escape character": return "알 수 없는 이스케이프 문자(`\\`)가 있습니다"
        case "found unexpected ':'": return "뜻밖의 쌍점(`:`)이 있습니다"
        case "found undefined alias": return "정의되지 않은 별칭(`*이름`)이 있습니다"
        case "found undefined tag handle": return "정의되지 않은 태그(`!`)가 있습니다"
        case "did not find the expected '>'": return "있어야 할 `>`를 찾지 못했습니다"
        case "found unexpected document indicator": return "값 안에 문서 구분 표시(`---` 또는 `...`)가 있습니다"
        case "control characters are not allowed": return "제어 문자가 있습니다"
        case "invalid leading UTF-8 octet", "invalid trailing UTF-8 octet", "incomplete UTF-8 octet sequence":
            return "UTF-8이 아닌 바이트가 있습니다"
        default: return "YAML 파서가 알린 문제: \(Text.quoted(problem))"
        }
    }

    /// A libyaml context (`while parsing a block mapping`) as what was being read.
    static func yamlContext(_ context: String) -> String {
        let things: [(String, String)] = [
            ("simple key", "키"), ("block mapping", "블록 매핑"), ("flow mapping", "중괄호 매핑"), ("flow sequence", "대괄호 목록"),
            ("block collection", "블록"), ("block sequence", "블록 목록"), ("quoted scalar", "따옴표로 감싼 값"), ("plain scalar", "값"),
            ("block scalar", "블록 값"), ("alias", "별칭"), ("anchor", "앵커"), ("tag", "태그"), ("directive", "지시자"),
            ("flow node", "값"), ("block node", "값"), ("node", "값"), ("document", "문서"),
        ]
        for (english, korean) in things where context.hasSuffix(english) { return "\(korean)\(object(korean)) 읽던 중" }
        return "YAML 파서의 설명: \(Text.quoted(context))"
    }
}

extension GradeReport {
    /// A diagnostic in a feedback file: where it is as code, the message and each note as Korean
    /// text (Markdown outside the message's code spans escaped, so student text cannot format).
    /// `lead` starts its first line, `indent` each note's line (a nested list item).
    static func feedbackDiagnostic(_ d: Diagnostic, lead: String, indent: String) -> String {
        var out = "\(lead)(`\(codeSpan(d.location.description))`): \(markdownProse(d.message))"
        for n in d.notes { out += "\n\(indent)- \(markdownProse(n))" }
        return out
    }

    /// Text with `code` spans: code kept as code, the rest escaped as Markdown text.
    static func markdownProse(_ s: String) -> String {
        let parts = s.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        // Backticks unpaired (never in the grader's messages): the whole as text.
        guard parts.count % 2 == 1 else { return markdownText(s) }
        return parts.enumerated().map { i, p in
            i % 2 == 0 ? markdownText(p) : (p.isEmpty ? "" : "`\(codeSpan(p))`")
        }.joined()
    }
}

extension Diagnostic {
    /// `file:line:col: 오류: message` with Korean labels, for output a student reads as text
    /// (Gradescope's and PrairieLearn's); `description` keeps the labels editors understand.
    public var koreanDescription: String {
        let label: String
        switch severity {
        case .error: label = "오류"
        case .warning: label = "경고"
        case .note: label = "참고"
        }
        var s = "\(location): \(label): \(message)"
        for n in notes { s += "\n    참고: \(n)" }
        return s
    }
}
