import Foundation
import CourseModel
import SourceFiles
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
/// The same structure in JSON is accepted too. A file of the template's shape is read by the fast
/// path (`AnswerLineReader.sheet`); any other is cut into its entries by `AnswerLineReader.read`,
/// each entry's value read by Yams (a file that is not a block mapping is read by Yams whole),
/// and `SheetBuilder` turns the tree into this sheet.
public struct AnswerSheet: Sendable, Equatable {
    public var file: String
    public var student: String
    public var studentLocation: SourceLocation
    /// Exercises in file order (a second block of one id is merged into the first).
    public var exercises: [ExerciseAnswers]
    /// The slips found while reading, each costing at most the questions on its lines: an
    /// unknown key, a key written twice, a line that cannot be read. Ids and questions that the
    /// course does not know are found later, by `Grader.check`.
    public var diagnostics: [Diagnostic]

    public init(file: String, student: String, studentLocation: SourceLocation, exercises: [ExerciseAnswers], diagnostics: [Diagnostic] = []) {
        self.file = file
        self.student = student
        self.studentLocation = studentLocation
        self.exercises = exercises
        self.diagnostics = diagnostics
    }

    public func exercise(_ id: String) -> ExerciseAnswers? { exercises.first { $0.id == id } }
}

public struct ExerciseAnswers: Sendable, Equatable {
    public var id: String
    public var location: SourceLocation
    /// The `variant:` block as written, names and values (as text) in file order, if any (a name
    /// written twice is read once, with a diagnostic).
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
    /// Why the answer cannot be read, whatever its kind (its line is not valid YAML, or the
    /// question is answered twice): the question is marked unreadable.
    public var problem: Diagnostic?

    public init(questionID: String, raw: RawAnswer, location: SourceLocation, problem: Diagnostic? = nil) {
        self.questionID = questionID
        self.raw = raw
        self.location = location
        self.problem = problem
    }
}

extension AnswerSheet {
    /// The largest answer file read (1 MB); a larger one is refused before parsing.
    public static let maxBytes = 1_000_000

    /// Student ids: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 64 characters.
    public static func isValidStudentID(_ s: String) -> Bool {
        guard let f = s.first, s.utf8.count <= 64, f.isASCII, f.isLetter || f.isNumber else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    static let topKeys = ["student", "exercises"]
    static let exerciseKeys = ["variant", "tag", "answers"]

    /// Reads an answer file from its bytes.
    ///
    /// It throws only when the file cannot be graded at all: too large, binary, empty, no readable
    /// student id, or not shaped like an answer file. Every other slip (an extra key, a key
    /// written twice, a line YAML cannot read, a wrong indentation) is a diagnostic in
    /// `diagnostics` naming the file, the line and the field, and costs only the questions on
    /// the lines it spoils (their answers carry it as `problem`).
    public static func parse(bytes: [UInt8], file: String) throws(DiagnosticError) -> AnswerSheet {
        try parse(bytes: bytes, file: file, fastPath: true)
    }

    /// `parse`, with the fast path switched off when `fastPath` is false: for the benchmark that
    /// measures what the fast path buys alone (`SOCKLAB_BENCH_GENERAL=1`), and for tests.
    public static func parse(bytes: [UInt8], file: String, fastPath: Bool) throws(DiagnosticError) -> AnswerSheet {
        let at = SourceLocation(file: file)
        if bytes.count > maxBytes {
            throw DiagnosticError(Diagnostic(at: at, id: .answerTooLarge, "파일이 \(bytes.count)바이트입니다. 답안 파일은 \(maxBytes)바이트까지만 받습니다"))
        }
        if bytes.isEmpty {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: .answerEmpty, "파일이 비어 있습니다"))
        }
        if bytes.withUnsafeBufferPointer({ memchr($0.baseAddress!, 0, $0.count) != nil }) {
            let utf16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
            throw DiagnosticError(Diagnostic(at: at, id: .answerBinary, "파일에 NUL 바이트가 있습니다: YAML이나 JSON 답안 파일이 아니라 바이너리 파일입니다",
                                             notes: utf16 ? ["UTF-16 텍스트로 보입니다: UTF-8로 저장하세요"] : []))
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let utf8 = isUTF8(body)
        // The template's shape with nothing amiss, read straight into a sheet (most files of a run).
        if fastPath, utf8, let sheet = AnswerLineReader.sheet(body, file: file) { return sheet }
        let tree: AnswerTree
        if let t = AnswerLineReader.read(body, file: file, validUTF8: utf8) {
            tree = t
        } else {
            guard utf8, let text = String(validating: body, as: UTF8.self) else {
                throw DiagnosticError(Diagnostic(at: at, id: .answerNotUTF8, "파일이 UTF-8 텍스트가 아닙니다: UTF-8로 된 YAML이나 JSON으로 저장하세요"))
            }
            tree = try whole(text, file: file)
        }
        var b = SheetBuilder(file: file)
        return try b.sheet(tree)
    }

    public static func parse(text: String, file: String) throws(DiagnosticError) -> AnswerSheet {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Whether the fast path reads this text (otherwise the general way does); for tests and benchmarks.
    public static func readsFast(_ text: String) -> Bool { AnswerLineReader.sheet(Array(text.utf8), file: "") != nil }

    /// The general way alone (the file cut into entries, each read by Yams, then `SheetBuilder`),
    /// for the tests that hold the fast path to it.
    static func parseGeneral(bytes: [UInt8], file: String) throws(DiagnosticError) -> AnswerSheet {
        guard let tree = AnswerLineReader.read(bytes, file: file) else { throw DiagnosticError(Diagnostic(at: SourceLocation(file: file), id: .answerShape, "`키: 값` 줄로 된 블록 매핑이 아닙니다")) }
        var b = SheetBuilder(file: file)
        return try b.sheet(tree)
    }

    /// Every Yams parse of answer text goes through here (whole files and single entries), so
    /// that the limits on what a document may make Yams build are applied in one place.
    static func compose(_ text: String, file: String) throws(DiagnosticError) -> Node? {
        // Nesting, values and aliases expanded, counted on libyaml's events before Yams builds a node.
        try YAMLBudget.standard.check(text, file: file)
        do {
            // The basic resolver: answers are read as text by their question's kind.
            return try Yams.compose(yaml: text, .basic)
        } catch {
            throw DiagnosticError(malformed(error, file: file, text: text))
        }
    }

    /// A file that is not a block mapping at its top (JSON, a `---` document), read by Yams whole.
    static func whole(_ text: String, file: String) throws(DiagnosticError) -> AnswerTree {
        guard let node = try compose(text, file: file) else {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: .answerEmpty, "파일이 비어 있습니다"))
        }
        return AnswerTree(node)
    }

    /// The student id a file names, read from its `student:` line alone: for the error row of a
    /// file that cannot be graded, so that the gradebook still says whose it is.
    public static func recoverStudent(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "," || $0 == "{" }).prefix(2_000) {
            var s = Substring(line).drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if s.first == "\"" || s.first == "'" { s = s.dropFirst() }
            guard s.hasPrefix("student") else { continue }
            s = s.dropFirst("student".count)
            if s.first == "\"" || s.first == "'" { s = s.dropFirst() }
            s = s.drop { $0 == " " }
            guard s.first == ":" else { continue }
            s = s.dropFirst().drop { $0 == " " }
            if s.first == "\"" || s.first == "'" { s = s.dropFirst() }
            let id = String(s.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
            if isValidStudentID(id) { return id }
        }
        return nil
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

    /// A parser error as a diagnostic at its line; a problem at the very end names truncation.
    static func malformed(_ error: Error, file: String, text: String) -> Diagnostic {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        var d: Diagnostic
        switch YAMLFailure(error) {
        case .malformed(let problem, let context, let line, let column):
            var msg = "YAML로 읽을 수 없습니다: \(Korean.yamlProblem(problem))"
            if let context { msg += " (\(Korean.yamlContext(context)))" }
            d = Diagnostic(at: SourceLocation(file: file, line: line, column: column), id: .answerMalformed, msg)
        case .duplicateKeys(let duplicates, let line, let column):
            d = Diagnostic(at: SourceLocation(file: file, line: line, column: column),
                           id: .answerDuplicateKey, "같은 키를 두 번 썼습니다: \(Korean.codes(duplicates))")
        case .other(let description):
            d = Diagnostic(at: SourceLocation(file: file), id: .answerMalformed, "YAML로 읽을 수 없습니다: \(Text.quoted(description))")
        }
        if let l = d.location.line, l > lines { d.location.line = lines; d.location.column = nil }
        // A file that stops without its last line break and fails at its end was most likely cut short.
        if let l = d.location.line, l >= lines - 1, d.id == .answerMalformed, !text.hasSuffix("\n") {
            d.notes.append("파일이 중간에 잘렸을 수 있습니다")
        }
        return d
    }

    /// The most diagnostics kept for one file: a hostile file of 100,000 bad lines gets the first
    /// ones and a count, not a report larger than itself.
    public static let maxDiagnostics = 100

    static func capped(_ ds: [Diagnostic], file: String) -> [Diagnostic] {
        guard ds.count > maxDiagnostics else { return ds }
        return Array(ds.prefix(maxDiagnostics))
            + [Diagnostic(at: SourceLocation(file: file), id: .answerMore, "이 파일에는 문제가 \(ds.count - maxDiagnostics)개 더 있지만 여기에 싣지 않았습니다")]
    }

    /// The closest of `candidates` to a misspelt `id` (at most two edits, or one for short ids).
    public static func nearest(_ id: String, in candidates: [String]) -> String? {
        let a = Array(id.lowercased().unicodeScalars)
        guard a.count <= 64 else { return nil }
        var best: (String, Int)?
        for c in candidates {
            let b = Array(c.lowercased().unicodeScalars)
            guard abs(a.count - b.count) <= 2 else { continue }
            let d = editDistance(a, b)
            if d <= (b.count <= 4 ? 1 : 2), d < (best?.1 ?? .max) { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance, with a swap of two neighbours counted as one edit.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                var d = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, rows[i - 2][j - 2] + 1) }
                rows[i][j] = d
            }
        }
        return rows[a.count][b.count]
    }
}

/// Student text as diagnostics quote it: as a `code` span (a backtick inside it shown as `'`, so
/// the span cannot end early), control characters and other invisible format characters shown
/// as `\u{1B}`, at most 80 characters, so that a message printed on a terminal can neither move
/// the cursor nor recolour it, nor hide text (bidirectional overrides).
public enum Text {
    public static func quoted(_ s: String) -> String {
        // Character by character: Foundation's replacingOccurrences was 2 % of a grading run.
        "`" + String(visible(s, limit: 80).map { $0 == "`" ? "'" : $0 }) + "`"
    }

    /// `s` with every control or format character escaped, cut to `limit` characters.
    public static func visible(_ s: String, limit: Int = .max) -> String {
        var out = ""
        var n = 0
        for u in s.unicodeScalars {
            if n >= limit { out += "…"; break }
            n += 1
            switch u.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// Turns a file's tree into a sheet, collecting each slip as a diagnostic of its own.
struct SheetBuilder {
    let file: String
    /// Slips that cost at most the questions they touch.
    var diagnostics: [Diagnostic] = []
    /// Positions of the exercises read so far, and of each one's answers (hashed: a hostile file
    /// may hold 100,000 keys, and a linear search per key would take minutes).
    var exercisePositions: [String: Int] = [:]
    var answerPositions: [Int: [String: Int]] = [:]

    func location(_ node: AnswerTree) -> SourceLocation {
        SourceLocation(file: file, line: node.position.line, column: node.position.column)
    }

    func error(_ node: AnswerTree, _ id: DiagnosticID, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(at: location(node), id: id, message, notes: notes)
    }

    mutating func add(_ d: Diagnostic) { diagnostics.append(d) }

    /// The structural key a key names: itself, or a near miss (`exercise:`, `Answers:`) read as
    /// the key it misspells, with a warning.
    mutating func structural(_ key: String, _ node: AnswerTree, among known: [String]) -> String? {
        if known.contains(key) { return key }
        guard let near = AnswerSheet.nearest(key.trimmed(), in: known) else { return nil }
        add(Diagnostic(.warning, at: location(node), id: .answerMisspeltKey, "\(Text.quoted(key)) 키를 `\(near)` 키로 읽었습니다",
                       notes: ["템플릿처럼 `\(near):`로 쓰세요"]))
        return near
    }

    mutating func sheet(_ root: AnswerTree) throws(DiagnosticError) -> AnswerSheet {
        guard case .mapping(let top, _) = root else {
            if case .broken(_, let d, _) = root { throw DiagnosticError(d) }
            throw DiagnosticError(error(root, .answerShape, "답안 파일은 `student:`와 `exercises:`가 있는 매핑이어야 합니다"))
        }
        var student: (id: String, location: SourceLocation)?
        var fatal: [Diagnostic] = []
        var exercises: [ExerciseAnswers] = []
        var sawExercises = false
        for pair in top {
            let (k, v) = (pair.key, pair.value)
            let key = k.string ?? ""
            switch structural(key, k, among: AnswerSheet.topKeys) {
            case "student":
                switch v {
                case .scalar(let s, _, _):
                    let id = s.trimmed()
                    guard AnswerSheet.isValidStudentID(id) else {
                        fatal.append(error(v, .answerStudentID, "학번으로 쓸 수 없는 값입니다: \(Text.quoted(s)). 학번에는 영문자, 숫자, `.`, `_`, `-`만 64자까지 쓸 수 있습니다"))
                        continue
                    }
                    if let first = student {
                        if first.id != id {
                            fatal.append(error(v, .answerTwoStudents, "파일에 두 학생이 적혀 있습니다: \(Text.quoted(first.id))(\(first.location.line ?? 0)번째 줄), \(Text.quoted(id))"))
                        } else {
                            add(Diagnostic(.warning, at: location(k), id: .answerDuplicateKey, "`student:` 줄을 두 번 썼습니다"))
                        }
                    } else {
                        student = (id, location(v))
                    }
                case .broken(_, let d, _): fatal.append(d)
                default: fatal.append(error(v, .answerShape, "`student:`의 값은 목록이나 매핑이 아닌 텍스트여야 합니다"))
                }
            case "exercises":
                sawExercises = true
                switch v {
                case .scalar(let s, _, _) where s.trimmed().isEmpty: continue
                case .mapping(let list, _):
                    for p in list { exercise(p.key.string ?? "", p.key, p.value, into: &exercises) }
                case .broken(_, let d, _): add(d)
                default: add(error(v, .answerShape, "`exercises:` 아래에는 연습 ID와 그 답을 매핑으로 써야 합니다"))
                }
            default:
                if case .broken(_, let d, _) = v { add(d); continue }
                add(Diagnostic(.warning, at: location(k), id: .answerUnknownKey, "답안 파일의 \(Text.quoted(key)) 키는 알 수 없는 키라서 읽지 않았습니다",
                               notes: ["쓸 수 있는 키: \(Korean.codes(AnswerSheet.topKeys))"]))
            }
        }
        if student == nil && fatal.isEmpty {
            fatal.append(Diagnostic(at: SourceLocation(file: file, line: 1), id: .answerNoStudent, "파일에 `student:` 줄이 없습니다"))
        }
        if !sawExercises {
            fatal.append(Diagnostic(at: SourceLocation(file: file, line: 1), id: .answerNoExercises, "파일에 `exercises:` 부분이 없습니다"))
        }
        if !fatal.isEmpty { throw DiagnosticError(fatal) }
        return AnswerSheet(file: file, student: student!.id, studentLocation: student!.location, exercises: exercises,
                           diagnostics: AnswerSheet.capped(diagnostics, file: file))
    }

    /// One exercise's block; a second block of the same id adds its answers to the first.
    mutating func exercise(_ rawID: String, _ keyNode: AnswerTree, _ node: AnswerTree, into list: inout [ExerciseAnswers]) {
        let id = rawID.trimmed()
        let at: Int
        if let i = exercisePositions[id] {
            at = i
            add(Diagnostic(.warning, at: location(keyNode), id: .answerDuplicateExercise,
                           "\(Text.quoted(id)) 연습을 두 번 썼습니다(\(list[i].location.line ?? 0)번째 줄과 \(keyNode.position.line)번째 줄). 두 곳의 답을 모두 읽습니다"))
        } else {
            at = list.count
            exercisePositions[id] = at
            list.append(ExerciseAnswers(id: id, location: location(keyNode)))
        }
        switch node {
        case .scalar(let s, _, _) where s.trimmed().isEmpty: return
        case .mapping(let fields, _):
            for field in fields {
                let (k, v) = (field.key, field.value)
                switch structural(k.string ?? "", k, among: AnswerSheet.exerciseKeys) {
                case "variant": variant(v, id: id, into: &list[at])
                case "tag": tag(v, id: id, into: &list[at])
                case "answers": answers(v, id: id, position: at, into: &list[at])
                default:
                    if case .broken(_, let d, _) = v { add(d); continue }
                    add(Diagnostic(.warning, at: location(k), id: .answerUnknownKey, "\(Text.quoted(id)) 연습의 \(Text.quoted(k.string ?? "")) 키는 알 수 없는 키라서 읽지 않았습니다",
                                   notes: ["쓸 수 있는 키: \(Korean.codes(AnswerSheet.exerciseKeys)) (답은 `answers:` 아래에 씁니다)"]))
                }
            }
        case .broken(_, let d, _): add(d)
        default: add(error(node, .answerShape, "\(Text.quoted(id)) 연습 아래에는 `answers:`, `variant:` 같은 키를 매핑으로 써야 합니다"))
        }
    }

    mutating func variant(_ v: AnswerTree, id: String, into ex: inout ExerciseAnswers) {
        if ex.variantEntries != nil {
            add(error(v, .answerDuplicateKey, "\(Text.quoted(id)) 연습에 `variant:` 줄이 두 개 있습니다. 첫 번째 것을 읽습니다"))
            return
        }
        switch v {
        case .mapping(let pairs, _):
            var values: [VariantEntry] = []
            var names: Set<String> = []
            for pair in pairs {
                let (pk, pv) = (pair.key, pair.value)
                let name = pk.string ?? ""
                guard case .scalar(let s, _, _) = pv else {
                    add(error(pv, .answerShape, "`variant:`의 \(Text.quoted(name)) 값은 숫자나 단어 하나여야 합니다"))
                    continue
                }
                if !names.insert(name).inserted {
                    add(error(pk, .answerDuplicateKey, "`variant:`의 \(Text.quoted(name)) 값을 두 번 썼습니다. 첫 번째 것을 읽습니다"))
                    continue
                }
                values.append(VariantEntry(name: name, value: s.trimmed()))
            }
            ex.variantEntries = values
            ex.variantLocation = location(v)
        case .broken(_, let d, _): add(d)
        default: add(error(v, .answerShape, "\(Text.quoted(id)) 연습의 `variant:`는 `{n: 700}`처럼 매핑이어야 합니다"))
        }
    }

    /// The `tag:` sealing the variant (`VariantTag`); a second one is not read.
    mutating func tag(_ v: AnswerTree, id: String, into ex: inout ExerciseAnswers) {
        if ex.tag != nil {
            add(error(v, .answerDuplicateKey, "\(Text.quoted(id)) 연습에 `tag:` 줄이 두 개 있습니다. 첫 번째 것을 읽습니다"))
            return
        }
        switch v {
        case .scalar(let s, _, _):
            ex.tag = s.trimmed()
            ex.tagLocation = location(v)
        case .broken(_, let d, _): add(d)
        default: add(error(v, .answerShape, "\(Text.quoted(id)) 연습의 `tag:`에는 템플릿이 써 준 텍스트를 그대로 두어야 합니다"))
        }
    }

    mutating func answers(_ v: AnswerTree, id: String, position: Int, into ex: inout ExerciseAnswers) {
        switch v {
        case .scalar(let s, _, _) where s.trimmed().isEmpty: return
        case .mapping(let pairs, _):
            for pair in pairs {
                let (pk, pv) = (pair.key, pair.value)
                let qid = (pk.string ?? "").trimmed()
                var (raw, problem) = Self.raw(pv)
                if let problem { add(problem) }
                if let first = firstAnswer(qid, in: ex, position: position) {
                    let d = error(pk, .answerDuplicateAnswer,
                                  "\(Text.quoted(qid)) 문항에 답을 두 번 썼습니다(\(ex.answers[first].location.line ?? 0)번째 줄과 \(pk.position.line)번째 줄). 이 문항은 읽을 수 없는 답으로 처리합니다",
                                  notes: ["답 하나만 남기고 다른 하나는 지우세요"])
                    add(d)
                    if ex.answers[first].problem == nil { ex.answers[first].problem = d }
                    continue
                }
                if case .empty = raw, problem != nil { raw = .scalar("") }
                answerPositions[position]?[qid] = ex.answers.count
                ex.answers.append(StudentAnswer(questionID: qid, raw: raw, location: location(pk), problem: problem))
            }
        case .broken(_, let d, _): add(d)
        default: add(error(v, .answerShape, "\(Text.quoted(id)) 연습의 `answers:` 아래에는 문항 ID와 답을 매핑으로 써야 합니다"))
        }
    }

    /// Where `qid` is already answered in `ex`: by looking while the exercise has few answers,
    /// by hashing once it has many.
    mutating func firstAnswer(_ qid: String, in ex: ExerciseAnswers, position: Int) -> Int? {
        if ex.answers.count < 32 { return ex.answers.firstIndex { $0.questionID == qid } }
        if answerPositions[position] == nil {
            answerPositions[position] = Dictionary(ex.answers.enumerated().map { ($1.questionID, $0) }, uniquingKeysWith: { a, _ in a })
        }
        return answerPositions[position]?[qid]
    }

    /// An answer as written, and what kept it from being read (a broken line within it).
    static func raw(_ node: AnswerTree) -> (RawAnswer, Diagnostic?) {
        switch node {
        case .scalar(let s, let plain, _):
            let t = s.trimmed()
            if t.isEmpty || (plain && AnswerSheet.isNullWord(t)) { return (.empty, nil) }
            return (.scalar(t), nil)
        case .broken(let text, let d, _):
            return (.scalar(text), d)
        case .sequence(let seq, _):
            return (.list(seq.map { $0.string?.trimmed() ?? flatten($0) }), firstProblem(node))
        case .mapping(let m, _):
            var d: [String: String] = [:]
            for p in m { d[p.key.string ?? flatten(p.key)] = p.value.string?.trimmed() ?? flatten(p.value) }
            return (.mapping(d), firstProblem(node))
        }
    }

    static func firstProblem(_ n: AnswerTree) -> Diagnostic? {
        switch n {
        case .scalar: return nil
        case .broken(_, let d, _): return d
        case .sequence(let seq, _): return seq.lazy.compactMap(firstProblem).first
        case .mapping(let m, _): return m.lazy.compactMap { firstProblem($0.key) ?? firstProblem($0.value) }.first
        }
    }

    static func flatten(_ n: AnswerTree) -> String {
        switch n {
        case .scalar(let s, _, _), .broken(let s, _, _): return s
        case .sequence(let seq, _): return seq.map(flatten).joined(separator: ", ")
        case .mapping(let m, _): return m.map { "\(flatten($0.key)): \(flatten($0.value))" }.joined(separator: ", ")
        }
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
