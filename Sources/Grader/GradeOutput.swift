import CourseModel
import Foundation
import SourceFiles

/// What a report keeps of one graded file for the whole run: who, the scores and how many
/// problems, never the answers or the feedback. A run of 10,000 files holds 10,000 of these
/// (a few hundred bytes each) while every student's text has been written out or spooled.
public struct ScoreRow: Sendable {
    public var student: String?
    public var file: String
    public var isError: Bool
    public var score: Double
    public var maxScore: Double
    /// Per exercise, in the catalog's order; empty for an error row.
    public var exerciseScores: [Double]
    /// Per question, in `questionColumns` order; empty for an error row.
    public var questionScores: [Double]
    /// Warnings of severity error (slips that cost a question) and the others.
    public var slips: Int
    public var warnings: Int

    public init(_ r: StudentResult) {
        student = r.student
        file = r.file
        isError = r.isError
        score = r.score
        maxScore = r.maxScore
        exerciseScores = r.exercises.map(\.score)
        questionScores = r.exercises.flatMap { $0.questions.map(\.score) }
        slips = r.warnings.count { $0.severity == .error }
        warnings = r.warnings.count - slips
    }
}

/// The report's order and what it adds to the results for it: shared by the whole-report run
/// (`Grader.grade`) and the streamed one (`Grader.gradeStreamed`), so both order and warn alike.
extension Grader {
    /// The positions of `keys` in report order (by student id, files without one last, then by
    /// file, then as given) and, by position in that order, the warning that each file of a
    /// student with several files gets (both are graded, and both say so).
    static func reportOrder(_ keys: [(student: String?, file: String)]) -> (order: [Int], duplicates: [Int: Diagnostic]) {
        let order = keys.indices.sorted { a, b in
            let x = (keys[a].student ?? "\u{10FFFF}", keys[a].file), y = (keys[b].student ?? "\u{10FFFF}", keys[b].file)
            return x != y ? x < y : a < b
        }
        var files: [String: [String]] = [:]
        for i in order { if let s = keys[i].student { files[s, default: []].append(keys[i].file) } }
        var duplicates: [Int: Diagnostic] = [:]
        for (position, i) in order.enumerated() {
            guard let s = keys[i].student, let fs = files[s], fs.count > 1 else { continue }
            duplicates[position] = Diagnostic(.warning, at: SourceLocation(file: keys[i].file), id: .answerDuplicateStudent,
                                              "학생 \(Text.quoted(s))의 답안 파일이 \(fs.count)개 있습니다: \(Korean.codes(fs))")
        }
        return (order, duplicates)
    }
}

/// One output of `socklab grade` as pieces: what each student contributes, rendered on the core
/// that graded their file, and how the pieces are put together once the report's order is known.
///
/// The whole-report functions of `GradeReport` (`table()`, `writeJSON`, `csv()`, ...) and the
/// streamed run (`StreamedReport`) both write through here, so the two cannot drift apart.
public struct GradeOutput: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case table, json, gradescope, csv, prairielearn, canvas
    }
    public var format: Format
    public var catalog: ExerciseCatalog
    public var revealed: Bool
    public var visibility: GradeReport.Visibility
    /// Canvas's order and names.
    public var roster: Roster?

    public init(format: Format, catalog: ExerciseCatalog, revealed: Bool, visibility: GradeReport.Visibility = .visible, roster: Roster? = nil) {
        self.format = format
        self.catalog = catalog
        self.revealed = revealed
        self.visibility = visibility
        self.roster = roster
    }

    /// What this format writes for one student: the table's notes (errors and slips), the JSON
    /// object, the CSV row, the whole results.json (Gradescope, PrairieLearn: one submission),
    /// nothing for Canvas (its row is the student's scores).
    public func piece(_ r: StudentResult) throws -> String {
        switch format {
        case .table: return GradeReport.tableNotes(r)
        case .json: return try GradeReport.jsonPiece(r)
        case .csv: return GradeReport.csvRow(r, catalog: catalog)
        case .gradescope: return try GradeReport(results: [r], catalog: catalog, revealed: revealed).gradescope(visibility: visibility)
        case .prairielearn: return try GradeReport(results: [r], catalog: catalog, revealed: revealed).prairieLearn()
        case .canvas: return ""
        }
    }

    /// Whether a student's piece shows warnings of severity warning, such as the one a second
    /// file for the same student adds (the table's notes list only slips, Canvas none).
    var showsWarnings: Bool { format != .table && format != .canvas }

    /// Writes the report: `rows` in report order, `pieces(range)` their pieces, asked for a chunk
    /// at a time (so only one chunk's text is in memory).
    public func write(rows: [ScoreRow], pieces: (Range<Int>) throws -> [String], to write: (String) throws -> Void) throws {
        switch format {
        case .table: try GradeReport.writeTable(rows: rows, catalog: catalog, notes: pieces, to: write)
        case .json: try GradeReport.writeJSON(maxScore: catalog.maxPoints, revealed: revealed, count: rows.count, pieces: pieces, to: write)
        case .csv: try GradeReport.writeCSV(catalog: catalog, count: rows.count, rows: pieces, to: write)
        case .canvas: try write(GradeReport.canvas(rows: rows, catalog: catalog, roster: roster))
        case .gradescope, .prairielearn:
            if rows.isEmpty {
                let none = GradeReport(results: [], catalog: catalog, revealed: revealed)
                try write(format == .gradescope ? try none.gradescope(visibility: visibility) : try none.prairieLearn())
            } else {
                try write(try pieces(0..<1)[0])
            }
        }
    }
}

/// Where a streamed run keeps each student's pieces until the report's order is known: a file
/// (the command's spool), or memory (tests).
public protocol PieceStore: AnyObject {
    /// Keeps `text`; where it is.
    func put(_ text: String) throws -> PieceSpan
    /// The text kept at `span`.
    func get(_ span: PieceSpan) throws -> String
}

/// Where a piece is in its store.
public struct PieceSpan: Sendable, Hashable {
    public var offset: Int
    public var count: Int
    public init(offset: Int, count: Int) {
        self.offset = offset
        self.count = count
    }
}

/// Pieces kept in memory (for tests, and for callers that hold a small run whole anyway).
public final class MemoryPieceStore: PieceStore {
    private var bytes: [UInt8] = []
    public init() {}
    public var size: Int { bytes.count }

    public func put(_ text: String) throws -> PieceSpan {
        let span = PieceSpan(offset: bytes.count, count: text.utf8.count)
        bytes.append(contentsOf: text.utf8)
        return span
    }

    public func get(_ span: PieceSpan) throws -> String {
        String(decoding: bytes[span.offset..<(span.offset + span.count)], as: UTF8.self)
    }
}

/// A grading run written as it went: each student's pieces were rendered when their file was
/// graded and kept in a `PieceStore`, and only the `ScoreRow`s stay in memory. The report, the
/// feedback files and the comparison with an earlier run are made from these, byte for byte what
/// the same calls on the whole `GradeReport` give.
public final class StreamedReport {
    public let output: GradeOutput
    /// In report order.
    public let rows: [ScoreRow]
    /// By report position: the format's piece and, when feedback was asked for, the feedback file's.
    let spans: [[PieceSpan]]
    /// By report position: the warning a student's second file adds to each of their files.
    let duplicates: [Int: Diagnostic]
    /// By report position, to grade again a file whose pieces must show that warning.
    let inputs: [AnswerInput]
    let grader: Grader
    let reveal: Bool
    let store: PieceStore
    /// How many files were graded a second time (for the benchmark and tests).
    public private(set) var regraded = 0

    init(output: GradeOutput, rows: [ScoreRow], spans: [[PieceSpan]], duplicates: [Int: Diagnostic], inputs: [AnswerInput],
         grader: Grader, reveal: Bool, store: PieceStore) {
        self.output = output
        self.rows = rows
        self.spans = spans
        self.duplicates = duplicates
        self.inputs = inputs
        self.grader = grader
        self.reveal = reveal
        self.store = store
    }

    public var summary: GradeReport.Summary { GradeReport.Summary(rows) }

    /// The result at report position `i` graded again, with the warning it gets for its
    /// student's other files. Such files are rare (a student who handed in two), so reading one
    /// twice costs less than keeping every result for the few that need it.
    func regrade(_ i: Int) -> StudentResult {
        regraded += 1
        var r = grader.gradeOne(inputs[i], reveal: reveal).result
        if let d = duplicates[i] { r.warnings.append(d) }
        return r
    }

    /// The report, handed to `write` a piece at a time.
    public func write(_ write: (String) throws -> Void) throws {
        let needed: (Int) -> Bool
        switch output.format {
        case .canvas: needed = { _ in false }
        case .table: needed = { [spans] in spans[$0][0].count > 0 }
        default: needed = { _ in true }
        }
        try output.write(rows: rows, pieces: { range in
            try range.map { i in
                guard needed(i) else { return "" }
                if duplicates[i] != nil && output.showsWarnings { return try output.piece(regrade(i)) }
                return try store.get(spans[i][0])
            }
        }, to: write)
    }

    /// The feedback files (name, Markdown), in report order, as `GradeReport.feedbackFiles` names
    /// them; `gradeStreamed` must have been asked for them.
    public func writeFeedback(_ each: (_ name: String, _ text: String) throws -> Void) throws {
        let names = GradeReport.feedbackNames(rows.map { ($0.student, $0.file) })
        for (i, name) in names.enumerated() {
            let text: String
            if duplicates[i] != nil {
                text = GradeReport.feedbackMarkdown(regrade(i), catalog: output.catalog)
            } else {
                guard spans[i].count > 1 else { throw FeedbackNotKept() }
                text = try store.get(spans[i][1])
            }
            try each(name, text)
        }
    }

    struct FeedbackNotKept: Error, CustomStringConvertible {
        var description: String { "the run was graded without feedback (gradeStreamed(feedback: true) keeps it)" }
    }

    /// Every student whose score differs from the earlier run `old` (see `GradeReport.changes`).
    public func changes(since old: [UInt8], file: String) throws(DiagnosticError) -> [GradeReport.ScoreChange] {
        try GradeReport.changes(rows: rows, columns: GradeReport.questionColumns(output.catalog), since: old, file: file)
    }
}

extension Grader {
    /// Grades every input and renders each student's pieces of `output` (and their feedback file,
    /// with `feedback`) as their file is graded, keeping the pieces in `store` and only a
    /// `ScoreRow` per file in memory; the report is written from the result.
    ///
    /// Files are graded on the grader's `workers`, at most `window` ahead of the oldest one not yet stored,
    /// and stored in input order, so the store's layout is the same whatever the threads did.
    /// Throws content errors (a key that cannot be computed) once every file was graded, as
    /// `grade` does; and whatever `store` throws.
    public func gradeStreamed(_ inputs: [AnswerInput], reveal: Bool = false, output: GradeOutput, feedback: Bool = false,
                              store: PieceStore, window: Int = 256, progress: (@Sendable (Int) -> Void)? = nil) throws -> StreamedReport {
        struct Graded: Sendable {
            var row: ScoreRow
            var pieces: [Result<String, GradeReport.EncodingFailure>]
            var keyErrors: [Diagnostic]
        }
        let catalog = self.catalog
        let done = Counter()
        var rows: [ScoreRow] = []
        var spans: [[PieceSpan]] = []
        rows.reserveCapacity(inputs.count)
        spans.reserveCapacity(inputs.count)
        var keyErrors = Set<Diagnostic>()
        try orderedParallel(inputs.count, workers: workers, window: window, produce: { i in
            let (result, errors) = gradeOne(inputs[i], reveal: reveal)
            var pieces: [Result<String, GradeReport.EncodingFailure>] = [Result { try output.piece(result) }.mapError { GradeReport.EncodingFailure(description: "\($0)") }]
            if feedback { pieces.append(.success(GradeReport.feedbackMarkdown(result, catalog: catalog))) }
            if let progress { progress(done.increment()) }
            return Graded(row: ScoreRow(result), pieces: pieces, keyErrors: errors)
        }, consume: { _, g in
            rows.append(g.row)
            spans.append(try g.pieces.map { try store.put(try $0.get()) })
            keyErrors.formUnion(g.keyErrors)
        })
        if !keyErrors.isEmpty { throw DiagnosticError(keyErrors.sorted { $0.location < $1.location }) }
        let (order, duplicates) = Self.reportOrder(rows.map { ($0.student, $0.file) })
        var sorted = order.map { rows[$0] }
        for p in duplicates.keys { sorted[p].warnings += 1 }
        return StreamedReport(output: output, rows: sorted, spans: order.map { spans[$0] }, duplicates: duplicates,
                              inputs: order.map { inputs[$0] }, grader: self, reveal: reveal, store: store)
    }
}
