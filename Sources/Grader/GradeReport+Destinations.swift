import CourseModel
import Foundation
import SourceFiles

/// Outputs for where a course keeps its grades: PrairieLearn's external grader, Canvas's gradebook
/// import, one feedback file per student, and a comparison with an earlier run.
extension GradeReport {
    /// The same run restricted to some results (the autograder grades several files and reports one).
    public func restricted(to results: [StudentResult]) -> GradeReport {
        GradeReport(results: results, catalog: catalog, revealed: revealed)
    }

    // MARK: - PrairieLearn

    struct PLResults: Encodable {
        var gradable: Bool
        var score: Double
        var message: String
        var output: String
        var format_errors: [String]?
        var tests: [PLTest]
    }
    struct PLTest: Encodable {
        var name: String
        var description: String
        var points: Double
        var max_points: Double
        var output: String
        var message: String
    }

    /// PrairieLearn's external-grader `results.json` for one submission: `gradable`, `score` as a
    /// fraction in 0...1, `message`, `output` and per question a test with `name`, `description`,
    /// `points`, `max_points`, `output`, `message`. A file that cannot be graded is
    /// `gradable: false` with its problems in `format_errors` (PrairieLearn then keeps the
    /// student's score and attempt).
    public func prairieLearn() throws -> String {
        guard let r = results.first else {
            return try Self.encode(PLResults(gradable: false, score: 0, message: "답안 파일을 찾지 못했습니다.", output: "",
                                             format_errors: ["답안 파일을 찾지 못했습니다."], tests: []))
        }
        if r.isError {
            return try Self.encode(PLResults(gradable: false, score: 0, message: "답안 파일을 채점할 수 없습니다.", output: "",
                                             format_errors: r.errors.map(\.koreanDescription), tests: []))
        }
        var tests: [PLTest] = []
        for e in r.exercises {
            let title = catalog.exercise(e.exerciseID)?.title ?? e.exerciseID
            for q in e.questions {
                let answer = q.answer.isEmpty ? "" : "여러분의 답: \(Self.codeSpan(q.answer))\n\n"
                tests.append(PLTest(name: "\(e.exerciseID).\(q.questionID)", description: title, points: q.score, max_points: q.maxScore,
                                    output: answer + q.feedback, message: q.status == .correct ? "맞았습니다." : ""))
            }
        }
        let fraction = r.maxScore > 0 ? min(1, max(0, r.score / r.maxScore)) : 0
        let message = "\(r.student ?? "") 학생: \(Feedback.format(r.score))/\(Feedback.format(r.maxScore))점"
        return try Self.encode(PLResults(gradable: true, score: (fraction * 10_000).rounded() / 10_000, message: message,
                                         output: r.warnings.map(\.koreanDescription).joined(separator: "\n"), format_errors: nil, tests: tests))
    }

    // MARK: - Canvas

    /// The Canvas columns every import file starts with.
    public static let canvasColumns = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

    /// A gradebook Canvas imports as is: `Student, ID, SIS User ID, SIS Login ID, Section`, one
    /// column per exercise (named by its id) and `SockLab total`, a `Points Possible` row, then one
    /// row per student. Names, Canvas ids, logins and sections come from the roster (best: Canvas's
    /// own export used as `--roster`); the SIS User ID is the id in the answer file. Students on
    /// the roster without a file get empty cells (Canvas leaves those grades alone); a file that
    /// could not be graded scores 0, as in the CSV gradebook.
    public func canvas(roster: Roster?) -> String {
        Self.canvas(rows: rows, catalog: catalog, roster: roster)
    }

    /// The Canvas gradebook from the rows in report order (a student's first file counts).
    static func canvas(rows results: [ScoreRow], catalog: ExerciseCatalog, roster: Roster?) -> String {
        let exercises = catalog.exercises
        var rows: [[String]] = [Self.canvasColumns + exercises.map(\.id) + ["SockLab total"]]
        rows.append(["Points Possible", "", "", "", ""] + exercises.map { Feedback.format($0.maxPoints) } + [Feedback.format(catalog.maxPoints)])
        var byStudent: [String: ScoreRow] = [:]
        for r in results { if let s = r.student, byStudent[s] == nil { byStudent[s] = r } }
        var order: [String] = roster?.entries.map(\.student) ?? []
        let listed = Set(order)
        order += results.compactMap(\.student).filter { !listed.contains($0) }
        var done = Set<String>()
        for s in order where done.insert(s).inserted {
            let entry = roster?.entry(s) ?? Roster.Entry(student: s)
            var cells = [entry.name, entry.canvasID, s, entry.sisLoginID, entry.section]
            if let r = byStudent[s] {
                if r.isError {
                    cells += exercises.map { _ in "0" } + ["0"]
                } else {
                    cells += r.exerciseScores.map { Feedback.format($0) } + [Feedback.format(r.score)]
                }
            } else {
                cells += exercises.map { _ in "" } + [""]
            }
            rows.append(cells)
        }
        return rows.map { $0.map(Self.csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: - Feedback files

    /// One Markdown file per student (name -> text), for courses that mail feedback: scores and
    /// the feedback of every question, in Korean; keys only when the run reveals them. File
    /// names are the student id made safe for a file system (or the answer file's name for a file
    /// without one), `-2`, `-3`... when two results share a name.
    public func feedbackFiles() -> [(name: String, text: String)] {
        zip(Self.feedbackNames(results.map { ($0.student, $0.file) }), results).map { ($0, Self.feedbackMarkdown($1, catalog: catalog)) }
    }

    /// The feedback files' names for results in report order.
    static func feedbackNames(_ results: [(student: String?, file: String)]) -> [String] {
        var used: [String: Int] = [:]
        return results.map { r in
            let base = safeFileName(r.student ?? (r.file as NSString).lastPathComponent)
            used[base, default: 0] += 1
            return used[base]! == 1 ? "\(base).md" : "\(base)-\(used[base]!).md"
        }
    }

    static func feedbackMarkdown(_ r: StudentResult, catalog: ExerciseCatalog) -> String {
        var out = "# \(Self.markdownText(r.student ?? "?")) 학생 피드백\n\n"
        out += "답안 파일: `\(Self.codeSpan((r.file as NSString).lastPathComponent))`\n\n"
        if r.isError {
            out += "답안 파일을 채점할 수 없었습니다. 다음 문제를 고쳐 다시 제출하세요.\n\n"
            for d in r.errors { out += Self.feedbackDiagnostic(d, lead: "- 오류 ", indent: "  ") + "\n" }
            return out
        }
        out += "**총점: \(Feedback.format(r.score)) / \(Feedback.format(r.maxScore))점**\n\n"
        for w in r.warnings { out += Self.feedbackDiagnostic(w, lead: "> 참고 ", indent: "> ") + "\n\n" }
        for e in r.exercises {
            let title = catalog.exercise(e.exerciseID)?.title ?? e.exerciseID
            out += "## \(Self.markdownText(title)) (\(Feedback.format(e.score)) / \(Feedback.format(e.maxScore))점)\n\n"
            for q in e.questions {
                out += "### \(Self.markdownText(q.questionID)) — \(Feedback.format(q.score)) / \(Feedback.format(q.maxScore))점\n\n"
                if !q.answer.isEmpty { out += "여러분의 답: `\(Self.codeSpan(q.answer))`\n\n" }
                out += q.feedback + "\n\n"
            }
        }
        return out
    }

    /// Letters, digits, `-`, `_` and `.` kept; anything else (path separators included) becomes `_`.
    static func safeFileName(_ s: String) -> String {
        let kept = String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
            (u.properties.isAlphabetic || ("0"..."9").contains(u) || u == "-" || u == "_" || u == ".") ? u : "_"
        }))
        let trimmed = kept.hasPrefix(".") ? "_" + kept.dropFirst() : kept
        return trimmed.isEmpty ? "_" : String(trimmed.prefix(100))
    }

    /// Student-written text outside a code span: Markdown and HTML characters escaped.
    static func markdownText(_ s: String) -> String {
        var out = ""
        for ch in codeSpan(s) {
            if "\\`*_[]<>&#|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    // MARK: - Comparing with an earlier run

    /// What changed for one student between an earlier `--format json` output and this run.
    public struct ScoreChange: Sendable, Hashable {
        public var student: String
        /// nil: the student was not in the earlier run (or was an error row there).
        public var oldScore: Double?
        public var newScore: Double?
        /// `exercise.question`, old and new score, for every question whose score moved.
        public var questions: [(column: String, old: Double, new: Double)]
        public static func == (a: ScoreChange, b: ScoreChange) -> Bool {
            a.student == b.student && a.oldScore == b.oldScore && a.newScore == b.newScore
                && a.questions.map(\.column) == b.questions.map(\.column) && a.questions.map(\.old) == b.questions.map(\.old)
                && a.questions.map(\.new) == b.questions.map(\.new)
        }
        public func hash(into h: inout Hasher) { h.combine(student) }
    }

    struct OldReport: Decodable {
        struct Student: Decodable {
            var student: String?
            var file: String
            var status: String
            var score: Double
            var exercises: [Exercise]
        }
        struct Exercise: Decodable {
            var id: String
            var questions: [Question]
        }
        struct Question: Decodable {
            var id: String
            var score: Double
        }
        var students: [Student]
    }

    /// Every student whose score differs from the earlier run `old` (the bytes of a `--format json`
    /// output), by student id (the file name for a file without one), sorted.
    public func changes(since old: [UInt8], file: String) throws(DiagnosticError) -> [ScoreChange] {
        try Self.changes(rows: rows, columns: questionColumns, since: old, file: file)
    }

    /// `changes(since:file:)` from the rows in report order; `columns` name their question scores.
    static func changes(rows: [ScoreRow], columns: [String], since old: [UInt8], file: String) throws(DiagnosticError) -> [ScoreChange] {
        let decoded: OldReport
        do {
            decoded = try JSONDecoder().decode(OldReport.self, from: Data(old))
        } catch {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file), id: .compareNotAReport,
                                             "this is not the output of 'socklab grade --format json': \(Self.decodingProblem(error))"))
        }
        // The same comparison as a report read a student at a time (`EarlierReportReader`).
        var comparison = Comparison(rows: rows, columns: columns)
        for s in decoded.students { try comparison.add(s, at: SourceLocation(file: file)) }
        return comparison.changes()
    }

    /// The changes as an announcement can quote them, one student per paragraph.
    public static func describe(_ changes: [ScoreChange]) -> String {
        guard !changes.isEmpty else { return "no student's score changed\n" }
        func f(_ x: Double?) -> String { x.map { Feedback.format($0) } ?? "-" }
        func delta(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b else { return "" }
            let d = b - a
            return " (\(d >= 0 ? "+" : "")\(Feedback.format(d)))"
        }
        var out = ""
        for c in changes {
            out += "\(safe(c.student)): \(f(c.oldScore)) -> \(f(c.newScore))\(delta(c.oldScore, c.newScore))"
            if c.oldScore == nil { out += " (not graded before)" }
            if c.newScore == nil { out += c.questions.isEmpty && c.oldScore != nil ? " (not in this run or not graded)" : " (not graded now)" }
            out += "\n"
            for q in c.questions { out += "  \(q.column): \(Feedback.format(q.old)) -> \(Feedback.format(q.new))\(delta(q.old, q.new))\n" }
        }
        out += "\(changes.count) student\(changes.count == 1 ? "" : "s") changed\n"
        return out
    }

    static func decodingProblem(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): return "missing '\(key.stringValue)' at \(path(ctx))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx): return "unexpected value at \(path(ctx))"
        case DecodingError.dataCorrupted(let ctx): return ctx.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(ctx))"
        default: return "not valid JSON"
        }
    }

    static func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.isEmpty ? "the top level" : ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

extension GradeReport {
    /// A Gradescope `results.json` that grades nothing: score 0 and a message for the student
    /// (no answer file, an answer file of someone else, an autograder that is not set up).
    public static func gradescopeMessage(_ text: String, visibility: Visibility = .visible, executionTime: Int? = nil) throws -> String {
        try encode(GSResults(score: 0, output: text, output_format: "text", visibility: visibility.rawValue, tests: [],
                             execution_time: executionTime))
    }
}
