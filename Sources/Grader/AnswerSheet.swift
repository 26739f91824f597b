import Foundation
import CourseModel
import Yams

/// One student's answer file, read but not yet checked against the exercises.
///
/// ```yaml
/// student: s2024001
/// exercises:
///   deadlock-smallest-n:
///     variant: {sqs: 500, rqs: 300, d: 1}   # verified against the student's id
///     answers:
///       deadlocks: yes
///       smallest-n: 801
///       segments: [SYN, SYN+ACK, ACK]        # lists
///       recvq-origins: {send 1: 300, send 2: 200}   # byte counts per send
/// ```
/// The same structure in JSON is accepted too.
public struct AnswerSheet: Sendable {
    public var file: String
    public var student: String
    public var studentLocation: SourceLocation
    /// Exercises in file order.
    public var exercises: [ExerciseAnswers]

    public func exercise(_ id: String) -> ExerciseAnswers? { exercises.first { $0.id == id } }
}

public struct ExerciseAnswers: Sendable {
    public var id: String
    public var location: SourceLocation
    /// The `variant:` block as written (values as text), if any.
    public var variant: [String: String]?
    public var variantLocation: SourceLocation?
    /// Answers in file order.
    public var answers: [StudentAnswer]

    public func answer(_ id: String) -> StudentAnswer? { answers.first { $0.questionID == id } }
}

/// An answer as written: nothing, a scalar, a list or a mapping.
public enum RawAnswer: Sendable, Hashable {
    case empty
    case scalar(String)
    case list([String])
    case mapping([String: String])

    /// The answer as the student wrote it, on one line (for reports; escaped by each format).
    public var display: String {
        switch self {
        case .empty: return ""
        case .scalar(let s): return s
        case .list(let items): return "[" + items.joined(separator: ", ") + "]"
        case .mapping(let m): return "{" + m.keys.sorted().map { "\($0): \(m[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

public struct StudentAnswer: Sendable {
    public var questionID: String
    public var raw: RawAnswer
    public var location: SourceLocation
}

extension AnswerSheet {
    /// The largest answer file read (1 MB); a larger one is refused before parsing.
    public static let maxBytes = 1_000_000

    /// Student ids: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 64 characters.
    public static func isValidStudentID(_ s: String) -> Bool {
        guard let f = s.first, s.count <= 64, f.isASCII, f.isLetter || f.isNumber else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    static let topKeys = ["student", "exercises"]
    static let exerciseKeys = ["variant", "answers"]

    /// Reads an answer file from its bytes. Every problem is a diagnostic naming the file, the line
    /// and the field; the file is refused when it is too large, binary, not UTF-8, not YAML/JSON, or
    /// not shaped like an answer file.
    public static func parse(bytes: [UInt8], file: String) throws(DiagnosticError) -> AnswerSheet {
        let at = SourceLocation(file: file)
        if bytes.count > maxBytes {
            throw DiagnosticError(Diagnostic(at: at, id: "answer.too-large", "the file is \(bytes.count) bytes; an answer file is at most \(maxBytes) bytes"))
        }
        if bytes.isEmpty {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: "answer.empty", "the file is empty"))
        }
        if bytes.contains(0) {
            throw DiagnosticError(Diagnostic(at: at, id: "answer.binary", "the file contains NUL bytes: it is binary, not a YAML or JSON answer file"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DiagnosticError(Diagnostic(at: at, id: "answer.not-utf8", "the file is not UTF-8 text: save it as UTF-8 YAML or JSON"))
        }
        return try parse(text: text, file: file)
    }

    public static func parse(text: String, file: String) throws(DiagnosticError) -> AnswerSheet {
        let doc: YAMLDocument
        do throws(DiagnosticError) { doc = try YAMLDocument(text: text, file: file) } catch {
            // Name the usual cause of a parse error at the very end: a file cut short.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            throw DiagnosticError(error.diagnostics.map { d in
                var d = d
                d.id = d.id.replacingOccurrences(of: "yaml.", with: "answer.")
                if let l = d.location.line, l > lines { d.location.line = lines; d.location.column = nil }
                if let l = d.location.line, l >= lines - 1, d.id == "answer.malformed" { d.notes.append("the file may be truncated") }
                return d
            })
        }
        var r = YAMLReader(doc)
        guard let top = r.mapping(doc.root, "an answer file") else { throw DiagnosticError(r.diagnostics) }
        var student: String?
        var studentLoc = SourceLocation(file: file, line: 1)
        var exercises: [ExerciseAnswers] = []
        var sawExercises = false
        for e in top {
            switch e.key {
            case "student":
                studentLoc = doc.location(e.value)
                guard let s = r.string(e.value, "student") else { continue }
                if isValidStudentID(s.trimmed()) { student = s.trimmed() } else {
                    r.add(doc.error(e.value, "answer.student-id", "'\(s)' is not a student id: use letters, digits, '.', '_' and '-' (at most 64)"))
                }
            case "exercises":
                sawExercises = true
                if case .scalar(let s) = e.value, s.string.isEmpty { continue }
                guard let list = r.mapping(e.value, "exercises") else { continue }
                for ex in list {
                    exercises.append(exerciseAnswers(ex.key, ex.keyNode, ex.value, &r))
                }
            default:
                r.unknownKey(e.key, e.keyNode, in: "an answer file", known: topKeys)
            }
        }
        if student == nil && !r.diagnostics.contains(where: { $0.id == "answer.student-id" }) {
            r.add(Diagnostic(at: SourceLocation(file: file, line: 1), id: "answer.no-student", "the file has no 'student:' line"))
        }
        if !sawExercises {
            r.add(Diagnostic(at: SourceLocation(file: file, line: 1), id: "answer.no-exercises", "the file has no 'exercises:' section"))
        }
        if !r.diagnostics.isEmpty { throw DiagnosticError(r.diagnostics) }
        return AnswerSheet(file: file, student: student!, studentLocation: studentLoc, exercises: exercises)
    }

    static func exerciseAnswers(_ id: String, _ keyNode: Node, _ node: Node, _ r: inout YAMLReader) -> ExerciseAnswers {
        let doc = r.doc
        var out = ExerciseAnswers(id: id, location: doc.location(keyNode), variant: nil, variantLocation: nil, answers: [])
        if case .scalar(let s) = node, s.string.isEmpty { return out }
        guard let fields = r.mapping(node, "exercise \(id)") else { return out }
        for f in fields {
            switch f.key {
            case "variant":
                out.variantLocation = doc.location(f.value)
                guard let pairs = r.mapping(f.value, "variant of \(id)") else { continue }
                var v: [String: String] = [:]
                for p in pairs { if let s = r.string(p.value, "variant value \(p.key)") { v[p.key] = s.trimmed() } }
                out.variant = v
            case "answers":
                if case .scalar(let s) = f.value, s.string.isEmpty { continue }
                guard let pairs = r.mapping(f.value, "answers of \(id)") else { continue }
                for p in pairs {
                    out.answers.append(StudentAnswer(questionID: p.key, raw: raw(p.value), location: doc.location(p.keyNode)))
                }
            default:
                r.unknownKey(f.key, f.keyNode, in: "exercise \(id)", known: exerciseKeys)
            }
        }
        return out
    }

    static func raw(_ node: Node) -> RawAnswer {
        switch node {
        case .scalar(let s):
            let t = s.string.trimmed()
            if t.isEmpty || (s.style == .plain && (t == "~" || t == "null")) { return .empty }
            return .scalar(t)
        case .sequence(let seq):
            return .list(seq.map { $0.scalar?.string.trimmed() ?? flatten($0) })
        case .mapping(let m):
            var d: [String: String] = [:]
            for (k, v) in m { d[k.string ?? flatten(k)] = v.scalar?.string.trimmed() ?? flatten(v) }
            return .mapping(d)
        case .alias:
            return .empty
        }
    }

    static func flatten(_ n: Node) -> String {
        switch n {
        case .scalar(let s): return s.string
        case .sequence(let seq): return seq.map(flatten).joined(separator: ", ")
        case .mapping(let m): return m.map { "\(flatten($0.key)): \(flatten($0.value))" }.joined(separator: ", ")
        case .alias: return ""
        }
    }
}

extension StringProtocol {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
