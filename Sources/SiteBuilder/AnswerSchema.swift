import CourseModel
import Foundation
import SocketSim
import TraceQueries

/// What an answer file may contain, for the student site's offline checker (`check.html`): the
/// exercise and question ids, each question's kind and choices, the names of each exercise's
/// parameters, and the spellings the grader accepts for yes/no and states.
///
/// Built from the exercises and nothing else: no key, no query, no explanation, no prompt and no
/// parameter value is in it (a test searches it for every key and query), so it can be published
/// with the student site. The same document is written as `answer-schema.json` (for tools) and as
/// `answer-schema.js`, a script that sets `window.SOCKLAB_SCHEMA`, because a page opened from
/// `file://` may load a script but not fetch a file.
struct AnswerSchema: Encodable {
    struct Question: Encodable {
        let id: String
        let kind: String
        let kindName: String
        let choices: [String]
    }
    struct Exercise: Encodable {
        let id: String
        let title: String
        /// Every parameter's name (they are the names of the `variant:` block).
        let parameters: [String]
        /// Whether the values differ between students (a `variant:` and `tag:` are then expected).
        let varies: Bool
        let questions: [Question]
    }
    struct Spellings: Encodable {
        let yes: [String]
        let no: [String]
        /// Canonical state names and, for each, the letters-and-digits forms accepted for it.
        let states: [String: [String]]
        let never: [String]
    }
    let version: Int
    let course: String
    let exercises: [Exercise]
    let kindNames: [String: String]
    let spellings: Spellings

    init(catalog: ExerciseCatalog, course: CourseConfig) {
        version = 1
        self.course = course.title
        exercises = catalog.exercises.map { e in
            Exercise(id: e.id, title: e.title, parameters: e.parameters.map(\.name), varies: e.hasVariants,
                     questions: e.questions.map { Question(id: $0.id, kind: $0.kind.rawValue, kindName: $0.kind.koreanName, choices: $0.choices) })
        }
        kindNames = Dictionary(uniqueKeysWithValues: QuestionKind.allCases.map { ($0.rawValue, $0.koreanName) })
        spellings = Self.spellings()
    }

    /// Words tried against the parsers the grader uses; only those they accept are listed, so the
    /// checker follows the parsers rather than holding its own copy of them.
    static let booleanProbe = ["yes", "y", "true", "1", "예", "네", "응", "o", "참", "no", "n", "false", "0", "아니요", "아니오", "아니", "x", "거짓"]
    static let stateProbe = ["SYN_RCVD", "SYN_RECEIVED", "SYN_RECV", "ESTAB", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "TIME_WAIT",
                             "LAST_ACK", "CLOSING", "SYN_SENT", "LISTEN", "CLOSED", "ESTABLISHED"]

    static func spellings() -> Spellings {
        let yes = booleanProbe.filter { AnswerValue.parseBoolean($0) == true }
        let no = booleanProbe.filter { AnswerValue.parseBoolean($0) == false }
        var states: [String: [String]] = [:]
        func key(_ s: String) -> String { String(s.uppercased().filter { $0.isLetter || $0.isNumber }) }
        for s in TCPState.allCases { states[s.rawValue, default: []].append(key(s.rawValue)) }
        for word in stateProbe {
            guard let s = TCPState(spelling: word) else { continue }
            let k = key(word)
            if !states[s.rawValue, default: []].contains(k) { states[s.rawValue, default: []].append(k) }
        }
        return Spellings(yes: yes, no: no, states: states, never: ["never"])
    }

    /// Sorted keys and no escaped slashes: the same bytes for the same exercises.
    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// `answer-schema.js`: the schema as a script, with `<` escaped so that no title can end it.
    func script() -> String {
        "window.SOCKLAB_SCHEMA = " + json().replacingOccurrences(of: "<", with: "\\u003c") + ";\n"
    }
}
