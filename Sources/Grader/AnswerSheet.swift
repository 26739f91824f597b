import Foundation
import CourseModel
import Yams

/// One student's answer file, read but not yet checked against the exercises.
///
/// ```yaml
/// student: s2024001
/// exercises:
///   deadlock-smallest-n:
///     variant: {sqs: 500, rqs: 300, d: 1}   # the student's values, as the template wrote them
///     tag: 9f86d081884c7d65…                  # the course's MAC over student, exercise and variant
///     answers:
///       deadlocks: yes
///       smallest-n: 801
///       segments: [SYN, SYN+ACK, ACK]        # lists
///       recvq-origins: {send 1: 300, send 2: 200}   # byte counts per send
/// ```
/// The same structure in JSON is accepted too.
public struct AnswerSheet: Sendable, Equatable {
    public var file: String
    public var student: String
    public var studentLocation: SourceLocation
    /// Exercises in file order.
    public var exercises: [ExerciseAnswers]

    public func exercise(_ id: String) -> ExerciseAnswers? { exercises.first { $0.id == id } }
}

public struct ExerciseAnswers: Sendable, Equatable {
    public var id: String
    public var location: SourceLocation
    /// The `variant:` block as written, names and values (as text) in file order, if any. Both
    /// readers refuse a name written twice.
    public var variantEntries: [VariantEntry]?
    public var variantLocation: SourceLocation?
    /// The `tag:` written beside `variant:` (`VariantTag`), if any: files made by a `socklab
    /// template` older than tags have none.
    public var tag: String?
    public var tagLocation: SourceLocation?
    /// Answers in file order.
    public var answers: [StudentAnswer]

    public init(id: String, location: SourceLocation, variantEntries: [VariantEntry]? = nil, variantLocation: SourceLocation? = nil,
                tag: String? = nil, tagLocation: SourceLocation? = nil, answers: [StudentAnswer] = []) {
        self.id = id
        self.location = location
        self.variantEntries = variantEntries
        self.variantLocation = variantLocation
        self.tag = tag
        self.tagLocation = tagLocation
        self.answers = answers
    }

    /// The `variant:` block as written (values as text), if any.
    public var variant: [String: String]? {
        variantEntries.map { Dictionary($0.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }) }
    }

    public func answer(_ id: String) -> StudentAnswer? { answers.first { $0.questionID == id } }
}

/// One `name: value` of a `variant:` block as written.
public struct VariantEntry: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
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

public struct StudentAnswer: Sendable, Equatable {
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
    static let exerciseKeys = ["variant", "tag", "answers"]

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
        if bytes.withUnsafeBufferPointer({ memchr($0.baseAddress!, 0, $0.count) != nil }) {
            throw DiagnosticError(Diagnostic(at: at, id: "answer.binary", "the file contains NUL bytes: it is binary, not a YAML or JSON answer file"))
        }
        // The template's shape, read straight into a sheet (most files of a grading run).
        if let sheet = FastAnswerReader.sheet(bytes, file: file), isUTF8(bytes) { return sheet }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DiagnosticError(Diagnostic(at: at, id: "answer.not-utf8", "the file is not UTF-8 text: save it as UTF-8 YAML or JSON"))
        }
        return try parse(text: text, file: file, tree: FastAnswerReader.parse(bytes))
    }

    /// Whether the bytes are UTF-8, without copying them when they are ASCII (eight at a time).
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        let ascii = bytes.withUnsafeBytes { raw -> Bool in
            var i = 0
            var bits: UInt64 = 0
            while i + 8 <= raw.count {
                bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < raw.count { bits |= UInt64(raw[i]); i += 1 }
            return bits & 0x8080_8080_8080_8080 == 0
        }
        return ascii || String(validating: bytes, as: UTF8.self) != nil
    }

    /// Plain scalars that YAML reads as null: an answer left empty.
    static func isNullWord(_ t: String) -> Bool {
        t.utf8.count <= 4 && (t == "~" || t == "null" || t == "Null" || t == "NULL")
    }

    /// Whether the direct scanner reads this text (otherwise the general reader does, with Yams for
    /// what its tree reader cannot read); for benchmarks and tests.
    public static func readsFast(_ text: String) -> Bool { FastAnswerReader.sheet(Array(text.utf8), file: "") != nil }

    public static func parse(text: String, file: String) throws(DiagnosticError) -> AnswerSheet {
        try parse(text: text, file: file, tree: FastAnswerReader.parse(text))
    }

    static func parse(text: String, file: String, tree: AnswerTree?) throws(DiagnosticError) -> AnswerSheet {
        var r = SheetReader(file: file)
        let root: AnswerTree
        if let fast = tree {
            root = fast
        } else {
            // Yams for everything else, with the basic resolver: answers are read as text by their
            // question's kind, so resolving every scalar's type would be wasted work.
            try YAMLBudget.standard.check(text, file: file)
            do {
                guard let node = try Yams.compose(yaml: text, .basic) else {
                    throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: "answer.empty", "the file is empty"))
                }
                root = AnswerTree(node)
            } catch let e as DiagnosticError {
                throw e
            } catch {
                throw DiagnosticError(malformed(error, file: file, text: text))
            }
        }
        guard case .mapping(let top, _) = root else {
            throw DiagnosticError(r.error(root, "answer.shape", "an answer file must be a mapping with 'student:' and 'exercises:'"))
        }
        var student: String?
        var studentLoc = SourceLocation(file: file, line: 1)
        var exercises: [ExerciseAnswers] = []
        var sawExercises = false
        for (k, v) in top {
            let key = k.string ?? ""
            switch key {
            case "student":
                studentLoc = r.location(v)
                guard let s = r.string(v, "student") else { continue }
                if isValidStudentID(s.trimmed()) { student = s.trimmed() } else {
                    r.add(r.error(v, "answer.student-id", "'\(s)' is not a student id: use letters, digits, '.', '_' and '-' (at most 64)"))
                }
            case "exercises":
                sawExercises = true
                if case .scalar(let s, _, _) = v, s.isEmpty { continue }
                guard case .mapping(let list, _) = v else {
                    r.add(r.error(v, "answer.shape", "exercises must be a mapping of exercise ids to their answers"))
                    continue
                }
                for (ek, ev) in list {
                    exercises.append(exerciseAnswers(ek.string ?? "", ek, ev, &r))
                }
            default:
                r.add(r.error(k, "answer.unknown-key", "unknown key '\(key)' in an answer file", notes: ["expected one of: \(topKeys.joined(separator: ", "))"]))
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

    /// A parser error as a diagnostic at its line; a problem at the very end names truncation.
    static func malformed(_ error: Error, file: String, text: String) -> Diagnostic {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        var d: Diagnostic
        if let e = error as? YamlError {
            switch e {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                var msg = "not valid YAML: \(problem)"
                if let context { msg += " (\(context.text))" }
                d = Diagnostic(at: SourceLocation(file: file, line: mark.line, column: mark.column), id: "answer.malformed", msg)
            case .duplicatedKeysInMapping(let duplicates, let context):
                d = Diagnostic(at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                               id: "answer.duplicate-key", "duplicate key \(duplicates.joined(separator: ", "))")
            default:
                d = Diagnostic(at: SourceLocation(file: file), id: "answer.malformed", "not valid YAML: \(e)")
            }
        } else {
            d = Diagnostic(at: SourceLocation(file: file), id: "answer.malformed", "not valid YAML: \(error)")
        }
        if let l = d.location.line, l > lines { d.location.line = lines; d.location.column = nil }
        // A file that stops without its last line break and fails at its end was most likely cut short.
        if let l = d.location.line, l >= lines - 1, d.id == "answer.malformed", !text.hasSuffix("\n") {
            d.notes.append("the file may be truncated")
        }
        return d
    }

    static func exerciseAnswers(_ id: String, _ keyNode: AnswerTree, _ node: AnswerTree, _ r: inout SheetReader) -> ExerciseAnswers {
        var out = ExerciseAnswers(id: id, location: r.location(keyNode))
        if case .scalar(let s, _, _) = node, s.isEmpty { return out }
        guard case .mapping(let fields, _) = node else {
            r.add(r.error(node, "answer.shape", "exercise \(id) must be a mapping with 'answers:' (and 'variant:')"))
            return out
        }
        for (k, v) in fields {
            switch k.string ?? "" {
            case "variant":
                out.variantLocation = r.location(v)
                guard case .mapping(let pairs, _) = v else {
                    r.add(r.error(v, "answer.shape", "variant of \(id) must be a mapping such as {n: 700}"))
                    continue
                }
                var values: [VariantEntry] = []
                for (pk, pv) in pairs {
                    if let s = r.string(pv, "variant value \(pk.string ?? "")") { values.append(VariantEntry(name: pk.string ?? "", value: s.trimmed())) }
                }
                out.variantEntries = values
            case "tag":
                out.tagLocation = r.location(v)
                if let s = r.string(v, "tag of \(id)") { out.tag = s.trimmed() }
            case "answers":
                if case .scalar(let s, _, _) = v, s.isEmpty { continue }
                guard case .mapping(let pairs, _) = v else {
                    r.add(r.error(v, "answer.shape", "answers of \(id) must be a mapping of question ids to answers"))
                    continue
                }
                for (pk, pv) in pairs {
                    out.answers.append(StudentAnswer(questionID: pk.string ?? "", raw: raw(pv), location: r.location(pk)))
                }
            default:
                r.add(r.error(k, "answer.unknown-key", "unknown key '\(k.string ?? "")' in exercise \(id)", notes: ["expected one of: \(exerciseKeys.joined(separator: ", "))"]))
            }
        }
        return out
    }

    static func raw(_ node: AnswerTree) -> RawAnswer {
        switch node {
        case .scalar(let s, let plain, _):
            let t = s.trimmed()
            if t.isEmpty || (plain && isNullWord(t)) { return .empty }
            return .scalar(t)
        case .sequence(let seq, _):
            return .list(seq.map { $0.string?.trimmed() ?? flatten($0) })
        case .mapping(let m, _):
            var d: [String: String] = [:]
            for (k, v) in m { d[k.string ?? flatten(k)] = v.string?.trimmed() ?? flatten(v) }
            return .mapping(d)
        }
    }

    static func flatten(_ n: AnswerTree) -> String {
        switch n {
        case .scalar(let s, _, _): return s
        case .sequence(let seq, _): return seq.map(flatten).joined(separator: ", ")
        case .mapping(let m, _): return m.map { "\(flatten($0.key)): \(flatten($0.value))" }.joined(separator: ", ")
        }
    }
}

/// Collects diagnostics while reading an answer file's nodes.
struct SheetReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    func location(_ node: AnswerTree) -> SourceLocation {
        SourceLocation(file: file, line: node.position.line, column: node.position.column)
    }

    func error(_ node: AnswerTree, _ id: String, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(at: location(node), id: id, message, notes: notes)
    }

    mutating func add(_ d: Diagnostic) { diagnostics.append(d) }

    mutating func string(_ node: AnswerTree, _ what: String) -> String? {
        guard case .scalar(let s, _, _) = node else {
            add(error(node, "answer.shape", "\(what) must be text, not a list or mapping"))
            return nil
        }
        return s
    }
}

extension StringProtocol {
    func trimmed() -> String {
        // Most strings have nothing to trim: check the ends' scalars before any Character work.
        if let f = unicodeScalars.first, let l = unicodeScalars.last, f.value > 32, l.value > 32, f.isASCII, l.isASCII {
            return String(self)
        }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension String {
    /// `StringProtocol.trimmed()`, looking at the ends' bytes first (most answers have nothing to trim).
    func trimmed() -> String {
        if let f = utf8.first, let l = utf8.last, f > 32, l > 32, f < 0x80, l < 0x80 { return self }
        return Substring(self).trimmed()
    }
}
