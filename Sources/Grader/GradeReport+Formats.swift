import CourseModel
import Foundation
import SourceFiles

extension GradeReport {
    /// The columns of per-question reports: every question of every exercise, as `exercise.question`.
    public var questionColumns: [String] { Self.questionColumns(catalog) }

    static func questionColumns(_ catalog: ExerciseCatalog) -> [String] {
        catalog.exercises.flatMap { e in e.questions.map { "\(e.id).\($0.id)" } }
    }

    /// Every result's `ScoreRow`, in report order.
    var rows: [ScoreRow] { results.map(ScoreRow.init) }

    /// Terminal text with control characters made visible, so a student's answer cannot move the
    /// cursor or recolour the terminal.
    static func safe(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    // MARK: - Table

    /// The terminal table: per student the score, the maximum and the marks of each exercise's
    /// questions; error rows say why the file was not graded.
    public func table() -> String {
        var out = ""
        let results = self.results
        Self.writeTable(rows: rows, catalog: catalog, notes: { range in range.map { Self.tableNotes(results[$0]) } }, to: { out += $0 })
        return out
    }

    /// The lines a student adds below the table (each ending in a line break): why an error row
    /// was not graded, and the slips that cost a question (an unknown id, an unreadable line, a
    /// forged variant tag that refuses its exercise), which are worth a TA's look.
    static func tableNotes(_ r: StudentResult) -> String {
        let who = safe(r.student ?? "?")
        var notes = ""
        if r.isError {
            for d in r.errors {
                for (i, line) in d.description.split(separator: "\n").enumerated() {
                    notes += (i == 0 ? "\(who): \(safe(String(line)))" : "  \(safe(String(line)))") + "\n"
                }
            }
            return notes
        }
        for d in r.warnings where d.severity == .error {
            notes += "\(who): \(safe(d.description.replacingOccurrences(of: "\n", with: " ")))\n"
        }
        return notes
    }

    /// The table from the rows in report order (a column's width is its widest cell, so every row
    /// is seen before the first is written), then each row's notes (`notes`, a chunk at a time).
    static func writeTable(rows: [ScoreRow], catalog: ExerciseCatalog, notes: (Range<Int>) throws -> [String],
                           to write: (String) throws -> Void) rethrows {
        let exs = catalog.exercises
        let counts = exs.map(\.questions.count)
        var header = ["student", "score", "max"] + exs.indices.map { "E\($0 + 1)" }
        if rows.isEmpty { header = ["student", "score", "max"] }
        func cells(_ r: ScoreRow) -> [String] {
            let who = safe(r.student ?? "?")
            if r.isError { return [who, "error", Feedback.format(r.maxScore)] + exs.map { _ in "-" } }
            var cells = [who, Feedback.format(r.score), Feedback.format(r.maxScore)]
            var q = 0
            for n in counts {
                cells.append(r.questionScores[q..<(q + n)].map { Feedback.format($0) }.joined(separator: " "))
                q += n
            }
            return cells
        }
        var widths = header.map(\.count)
        for r in rows {
            for (i, c) in cells(r).enumerated() { widths[i] = max(widths[i], c.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        try write(line(header) + line(widths.map { String(repeating: "-", count: $0) }))
        for start in stride(from: 0, to: rows.count, by: chunk * 4) {
            try write(rows[start..<min(start + chunk * 4, rows.count)].map { line(cells($0)) }.joined())
        }
        var tail = "\n"
        for (i, e) in exs.enumerated() {
            tail += "E\(i + 1) = \(e.id): \(e.questions.map { "\($0.id) (\(Feedback.format($0.points)))" }.joined(separator: ", "))\n"
        }
        let graded = rows.count { !$0.isError }
        tail += "\(rows.count) file\(rows.count == 1 ? "" : "s"): \(graded) graded, \(rows.count - graded) with errors\n"
        try write(tail)
        var first = true
        for start in stride(from: 0, to: rows.count, by: chunk * 4) {
            let piece = try notes(start..<min(start + chunk * 4, rows.count)).joined()
            if piece.isEmpty { continue }
            try write((first ? "\n" : "") + piece)
            first = false
        }
    }

    // MARK: - JSON

    struct JSONReport: Encodable {
        var maxScore: Double
        var revealed: Bool
        var students: [JSONStudent]
    }
    struct JSONStudent: Encodable {
        var student: String?
        var file: String
        var status: String
        var score: Double
        var maxScore: Double
        var errors: [JSONDiagnostic]
        var warnings: [JSONDiagnostic]
        var exercises: [JSONExercise]
    }
    struct JSONDiagnostic: Encodable {
        var file: String
        var line: Int?
        var column: Int?
        var id: String
        /// `error` for a problem that cost points, `warning` for one that did not.
        var severity: String
        var message: String
        var notes: [String]
        init(_ d: Diagnostic) {
            file = d.location.file
            line = d.location.line
            column = d.location.column
            id = d.id.rawValue
            severity = d.severity.rawValue
            message = d.message
            notes = d.notes
        }
    }
    struct JSONExercise: Encodable {
        var id: String
        var variant: [String: String]
        var score: Double
        var maxScore: Double
        var questions: [JSONQuestion]
    }
    struct JSONQuestion: Encodable {
        var id: String
        var status: String
        var score: Double
        var maxScore: Double
        var answer: String
        var expected: String?
        var misconception: String?
        var carriedForward: Bool
        var feedback: String
    }

    struct JSONHeader: Encodable {
        var maxScore: Double
        var revealed: Bool
    }

    static func jsonStudent(_ r: StudentResult) -> JSONStudent {
        JSONStudent(student: r.student, file: r.file, status: r.isError ? "error" : "graded", score: r.score, maxScore: r.maxScore,
                    errors: r.errors.map(JSONDiagnostic.init), warnings: r.warnings.map(JSONDiagnostic.init),
                    exercises: r.exercises.map { e in
                        JSONExercise(id: e.exerciseID, variant: e.variant.values.mapValues(\.description), score: e.score,
                                     maxScore: e.maxScore, questions: e.questions.map { q in
                            JSONQuestion(id: q.questionID, status: q.status.rawValue, score: q.score, maxScore: q.maxScore,
                                         answer: q.answer, expected: q.expected?.display, misconception: q.misconception?.rawValue,
                                         carriedForward: q.carriedForward, feedback: q.feedback)
                        })
                    })
    }

    /// The JSON report; every string goes through the encoder, which escapes it.
    public func json() throws -> String {
        var out = ""
        try writeJSON { out += $0 }
        return out
    }

    /// How many students' reports are formatted at once: on the `workers`, and few enough that
    /// their feedback text (tens of kilobytes each) stays small beside the run.
    static let chunk = 256

    /// The JSON report written piece by piece, byte for byte what encoding `JSONReport` whole
    /// gives: the students are encoded a chunk at a time (in parallel) and handed to `write`, so
    /// the feedback of only one chunk is in memory at once, whatever the number of students.
    public func writeJSON(_ write: (String) throws -> Void) throws {
        let (results, workers) = (self.results, self.workers)
        try Self.writeJSON(maxScore: maxScore, revealed: revealed, count: results.count, pieces: { range in
            try workers.map(range.count) { i in
                Result { try Self.jsonPiece(results[range.lowerBound + i]) }.mapError { EncodingFailure(description: "\($0)") }
            }
                .map { try $0.get() }
        }, to: write)
    }

    /// One student's object as it stands in the report's `students` array (indented, no comma).
    static func jsonPiece(_ r: StudentResult) throws -> String {
        let text = try encode(jsonStudent(r))
        return text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    /// The report around `count` students' pieces (`jsonPiece`), asked for a chunk at a time.
    static func writeJSON(maxScore: Double, revealed: Bool, count: Int, pieces: (Range<Int>) throws -> [String],
                          to write: (String) throws -> Void) throws {
        var header = try encode(JSONHeader(maxScore: maxScore, revealed: revealed))
        // "{\n  ...\n}\n" without its closing brace, then the students array.
        header.removeLast(3)
        try write(header + ",\n  \"students\" : [\n")
        if count == 0 {
            try write("\n  ]\n}\n")
            return
        }
        var first = true
        for start in stride(from: 0, to: count, by: chunk) {
            var piece = ""
            for p in try pieces(start..<min(start + chunk, count)) {
                piece += first ? "" : ",\n"
                piece += p
                first = false
            }
            try write(piece)
        }
        try write("\n  ]\n}\n")
    }

    struct EncodingFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The whole report as one value (what `writeJSON` writes, for tests).
    var jsonReport: JSONReport {
        JSONReport(maxScore: maxScore, revealed: revealed, students: results.map(Self.jsonStudent))
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try enc.encode(value), as: UTF8.self) + "\n"
    }

    // MARK: - Gradescope

    /// Who sees a Gradescope test or the whole result, as the autograder specification names it.
    public enum Visibility: String, Sendable, CaseIterable {
        case visible, hidden
        case afterDueDate = "after_due_date"
        case afterPublished = "after_published"
    }

    struct GSResults: Encodable {
        var score: Double
        var output: String
        var output_format: String
        var visibility: String
        var tests: [GSTest]
        /// Seconds the autograder ran (`socklab autograder run` fills it).
        var execution_time: Int? = nil
        /// The misconceptions the submission's wrong answers matched (sorted ids).
        var extra_data: [String: [String]]? = nil
    }
    struct GSTest: Encodable {
        var name: String
        var number: String
        var score: Double
        var max_score: Double
        var status: String
        var output: String
        var output_format: String
        var visibility: String
        /// The exercise the question belongs to.
        var tags: [String]? = nil
        /// The misconception the wrong answer matched, for the instructor's exports.
        var extra_data: [String: String]? = nil
    }

    /// Gradescope's `results.json` for one submission (the autograder runs once per student).
    /// Fields: top-level `score`, `output`, `visibility`, and per question a test with `name`,
    /// `number`, `score`, `max_score`, `status` (passed/failed), `output`, `output_format`, `visibility`.
    /// `executionTime` and `notes` (lines put before the summary) come from the autograder run.
    public func gradescope(visibility: Visibility = .visible, executionTime: Int? = nil, notes: [String] = []) throws -> String {
        let prefix = notes.map { $0 + "\n" }.joined()
        guard let r = results.first else {
            return try Self.encode(GSResults(score: 0, output: prefix + "답안 파일을 찾지 못했습니다.", output_format: "text",
                                             visibility: visibility.rawValue, tests: [], execution_time: executionTime))
        }
        if r.isError {
            let msg = prefix + "답안 파일을 채점할 수 없습니다:\n" + r.errors.map(\.koreanDescription).joined(separator: "\n")
            return try Self.encode(GSResults(score: 0, output: msg, output_format: "text", visibility: visibility.rawValue, tests: [],
                                             execution_time: executionTime))
        }
        var tests: [GSTest] = []
        for (ei, e) in r.exercises.enumerated() {
            let exercise = catalog.exercise(e.exerciseID)
            for (qi, q) in e.questions.enumerated() {
                let title = exercise?.title ?? e.exerciseID
                var output = q.answer.isEmpty ? "" : "여러분의 답: `\(Self.codeSpan(q.answer))`\n\n"
                output += q.feedback
                tests.append(GSTest(name: "\(title) — \(q.questionID)", number: "\(ei + 1).\(qi + 1)", score: q.score,
                                    max_score: q.maxScore, status: q.score >= q.maxScore ? "passed" : "failed",
                                    output: output, output_format: "md", visibility: visibility.rawValue,
                                    tags: [e.exerciseID], extra_data: q.misconception.map { ["misconception": $0.rawValue] } ?? [:]))
            }
        }
        let summary = prefix + "\(r.student ?? "") 학생: \(Feedback.format(r.score))/\(Feedback.format(r.maxScore))점"
            + (r.warnings.isEmpty ? "" : "\n" + r.warnings.map(\.koreanDescription).joined(separator: "\n"))
        let found = Set(r.exercises.flatMap { $0.questions.compactMap(\.misconception) }).map(\.rawValue).sorted()
        return try Self.encode(GSResults(score: r.score, output: summary, output_format: "text", visibility: visibility.rawValue, tests: tests,
                                         execution_time: executionTime, extra_data: ["misconceptions": found]))
    }

    /// Student text made safe inside a Markdown code span: one line, no backticks, so the span
    /// cannot be closed early and its content renders as text, never as HTML.
    static func codeSpan(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
            if u == "`" { return "'" }
            return u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}" ? " " : u
        }))
    }

    // MARK: - CSV

    /// A gradebook: one row per student, one column per question (`exercise.question`), the total,
    /// the reason for an error row, then one subtotal per exercise (`exercise.total`), then the
    /// problems that did not stop grading (`warnings`: an unreadable line, an unknown id). Columns
    /// are added after the original ones, which keep their names and places. RFC 4180 quoting; a
    /// cell that a spreadsheet would take for a formula (starting with = + - @, tab or CR) gets a
    /// leading apostrophe.
    public func csv() -> String {
        var out = ""
        writeCSV { out += $0 }
        return out
    }

    /// The gradebook written a chunk of rows at a time (rows formatted on the report's `workers`).
    public func writeCSV(_ write: (String) throws -> Void) rethrows {
        let (results, catalog, workers) = (self.results, self.catalog, self.workers)
        try Self.writeCSV(catalog: catalog, count: results.count, rows: { range in
            workers.map(range.count) { Self.csvRow(results[range.lowerBound + $0], catalog: catalog) }
        }, to: write)
    }

    /// The header, then `count` rows (`csvRow`), asked for a chunk at a time.
    static func writeCSV(catalog: ExerciseCatalog, count: Int, rows: (Range<Int>) throws -> [String], to write: (String) throws -> Void) rethrows {
        let subtotals = catalog.exercises.map { "\($0.id).total" }
        try write((["student", "file"] + questionColumns(catalog) + ["total", "max", "error"] + subtotals + ["warnings"]).map(csvCell).joined(separator: ",") + "\r\n")
        for start in stride(from: 0, to: count, by: chunk * 4) {
            try write(try rows(start..<min(start + chunk * 4, count)).joined())
        }
    }

    /// One student's row of the gradebook, line break included.
    static func csvRow(_ r: StudentResult, catalog: ExerciseCatalog) -> String {
        var cells = [r.student ?? "", r.file]
        if r.isError {
            cells += catalog.exercises.flatMap { $0.questions.map { _ in "" } }
            cells += ["0", Feedback.format(r.maxScore), oneLine(r.errors)]
            cells += catalog.exercises.map { _ in "" }
        } else {
            cells += r.exercises.flatMap { $0.questions.map { Feedback.format($0.score) } }
            cells += [Feedback.format(r.score), Feedback.format(r.maxScore), ""]
            cells += r.exercises.map { Feedback.format($0.score) }
        }
        cells.append(oneLine(r.warnings))
        return cells.map(csvCell).joined(separator: ",") + "\r\n"
    }

    /// Diagnostics in one cell, as the error column always had them.
    static func oneLine(_ ds: [Diagnostic]) -> String {
        ds.map(\.description).joined(separator: "; ")
    }

    // MARK: - Summary

    /// What a run did, in numbers: for the command's closing line.
    public struct Summary: Sendable, Equatable {
        public var files: Int
        public var graded: Int
        public var errorRows: Int
        /// Problems in graded files that cost points (an unknown id, an unreadable line).
        public var slips: Int
        /// Problems that cost nothing (an extra key, a missing variant block).
        public var warnings: Int

        init(_ rows: [ScoreRow]) {
            files = rows.count
            graded = rows.count { !$0.isError }
            errorRows = files - graded
            slips = rows.reduce(0) { $0 + $1.slips }
            warnings = rows.reduce(0) { $0 + $1.warnings }
        }
    }

    public var summary: Summary { Summary(rows) }

    static func csvCell(_ s: String) -> String {
        var v = s
        if let f = v.utf8.first, "=+-@\t\r".utf8.contains(f) { v = "'" + v }
        // Bytes, not characters: every cell of every row passes here (splitting and joining
        // characters was 4 % of a grading run to CSV), and a CRLF is one character equal to
        // neither CR nor LF, but two bytes.
        let special = v.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard special || v.first == " " || v.last == " " else { return v }
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(v.utf8.count + 8)
        for b in v.utf8 {
            quoted.append(b)
            if b == UInt8(ascii: "\"") { quoted.append(b) }
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }
}
