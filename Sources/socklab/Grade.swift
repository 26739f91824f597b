import ArgumentParser
import CourseModel
import Foundation
import Grader
import SourceFiles

/// The course content a grading command needs: course.yaml, the scenarios and the exercises.
struct GradingContent {
    var course: CourseConfig
    var catalog: ExerciseCatalog
    /// course.yaml's path, for diagnostics about its secret.
    var coursePath: String

    /// Loads the content folder; every problem in any file is printed and fails the command.
    static func load(_ content: String) throws -> GradingContent {
        let root = URL(fileURLWithPath: content)
        let coursePath = root.appendingPathComponent("course.yaml").path
        guard FileManager.default.fileExists(atPath: coursePath) else {
            throw ValidationError("no course.yaml in '\(content)': pass the content folder with --content")
        }
        let files = try report { () throws(DiagnosticError) in
            func read(_ folder: String) throws(DiagnosticError) -> [(path: String, text: String)] {
                try yamlFiles(in: root.appendingPathComponent(folder)).map { path throws(DiagnosticError) in (path: path, text: try readText(path)) }
            }
            return Course.Files(course: (coursePath, try readText(coursePath)), scenarios: try read("scenarios"), exercises: try read("exercises"))
        }
        let (loaded, problems) = Course.load(files, workers: .machine, caches: CourseCaches())
        guard let loaded, problems.isEmpty else {
            printDiagnostics(problems)
            throw ExitCode.failure
        }
        let (course, catalog) = (loaded.config, loaded.catalog)
        if catalog.exercises.isEmpty {
            printDiagnostics([Diagnostic(at: SourceLocation(file: root.appendingPathComponent("exercises").path), id: .contentNoExercises, "no exercises to grade")])
            throw ExitCode.failure
        }
        return GradingContent(course: course, catalog: catalog, coursePath: coursePath)
    }

    /// The course secret (variants and their tags): SOCKLAB_SECRET, else course.yaml's `secret`
    /// with a warning; an empty or short SOCKLAB_SECRET fails the command (`CourseSecret`).
    func secret() throws -> String {
        let (secret, diagnostics) = CourseSecret.resolve(environment: ProcessInfo.processInfo.environment["SOCKLAB_SECRET"],
                                                         course: course.secret, courseFile: coursePath,
                                                         needed: catalog.exercises.contains(where: \.hasVariants))
        printDiagnostics(diagnostics)
        guard let secret else { throw ExitCode.failure }
        return secret
    }

    func grader(roster: Set<String>? = nil) throws -> Grader {
        Grader(catalog: catalog, secret: try secret(), roster: roster, workers: .machine)
    }
}

/// `*.yaml` files of a folder, sorted; a missing folder has none.
func yamlFiles(in dir: URL) throws(DiagnosticError) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
    return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0).path }
}

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade students' answer files (YAML or JSON) against keys computed by the simulation.",
        discussion: """
        PATH is an answer file or a folder of them (*.yaml, *.yml, *.json, searched recursively). A file \
        that cannot be graded at all (binary, larger than 1 MB, no readable student id, unknown \
        student, another student's variant) becomes that student's error row; a slip inside a file \
        (an unknown or misspelt id, an extra key, an answer written twice, a line YAML cannot read) \
        costs only the questions it touches. Everyone else is always graded and the report always \
        written. A summary line goes to standard error. Exit status 0 means grading ran, whatever \
        the scores; with --strict, 2 when any file was an error row.
        The course secret for variants comes from SOCKLAB_SECRET or course.yaml's 'secret'.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, gradescope, csv, prairielearn, canvas

        var output: GradeOutput.Format {
            switch self {
            case .table: .table
            case .json: .json
            case .gradescope: .gradescope
            case .csv: .csv
            case .prairielearn: .prairielearn
            case .canvas: .canvas
            }
        }
    }

    @Argument(help: "Answer files or folders of answer files.")
    var paths: [String] = []

    @Option(help: "Output format: table, json, gradescope (results.json for one submission), csv, prairielearn (results.json for one submission) or canvas (a gradebook to import).")
    var format: Format = .table

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var out: String?

    @Flag(help: "Show the expected answers in the feedback.")
    var reveal = false

    @Option(help: "A file of student ids, one per line, or a CSV roster (a 'student' column, or Canvas's gradebook export); ids not in it are error rows.")
    var roster: String?

    @Option(help: "Also write one Markdown feedback file per student into this folder (keys only with --reveal).")
    var feedbackDir: String?

    @Option(help: "An earlier '--format json' output: list every student whose score changed since, and on which questions.")
    var compare: String?

    @OptionGroup var gradescope: GradescopeVisibility

    @OptionGroup var folder: ContentFolder

    @Flag(help: "Exit with status 2 when any file was an error row (the report is still written).")
    var strict = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one answer file or folder, e.g. 'socklab grade submissions/'") }
        for p in paths where !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("'\(p)' does not exist")
        }
    }

    func run() throws {
        let content = try GradingContent.load(folder.content)
        let roster = try self.roster.map(loadRoster)
        let grader = try content.grader(roster: roster?.ids)
        let files = AnswerFiles.find(paths)
        if (format == .gradescope || format == .prairielearn) && files.count != 1 {
            throw ValidationError("--format \(format.rawValue) writes results.json for one submission; got \(files.count) answer files")
        }
        let progress = ProgressLine(total: files.count, label: "socklab grade")
        let output = GradeOutput(format: format.output, catalog: content.catalog, revealed: reveal,
                                 visibility: gradescope.visibility, roster: roster)
        // Each student's part of the report is rendered as their file is graded and spooled to
        // disk; memory holds one score row per file, whatever the format (README, Benchmarks).
        let spool = try SpoolFile(near: out)
        let report: StreamedReport
        do {
            report = try grader.gradeStreamed(AnswerFiles.inputs(files), reveal: reveal, output: output, feedback: feedbackDir != nil,
                                              store: spool, progress: { progress.update($0) })
        } catch let error as DiagnosticError {
            progress.finish()
            printDiagnostics(error.diagnostics)
            throw ExitCode.failure
        }
        progress.finish()
        if let feedbackDir { try writeFeedback(report, to: feedbackDir) }
        var changes: [GradeReport.ScoreChange]?
        if let compare { changes = try Self.changes(in: report, since: compare) }
        if let out {
            try AtomicFile.write(to: out) { write in try report.write(write) }
        } else if changes == nil {
            try report.write { chunk in FileHandle.standardOutput.write(Data(chunk.utf8)) }
        }
        // With --compare, standard output carries only the changes (the report goes to --out, if given).
        if let changes { print(GradeReport.describe(changes), terminator: "") }
        let s = report.summary
        var line = "socklab grade: \(s.files) file\(s.files == 1 ? "" : "s"): \(s.graded) graded, \(s.errorRows) error row\(s.errorRows == 1 ? "" : "s")"
        line += ", \(s.slips) slip\(s.slips == 1 ? "" : "s") that cost a question, \(s.warnings) warning\(s.warnings == 1 ? "" : "s")"
        line += out.map { "; \(format.rawValue) written to \($0)" } ?? (changes == nil ? "; \(format.rawValue) on standard output" : "; changes on standard output")
        FileHandle.standardError.write(Data((terminalSafe(line) + "\n").utf8))
        if strict && s.errorRows > 0 { throw ExitCode(2) }
    }

    /// The answer files under `paths` read as `grade` reads them (`AnswerFiles`), for the other
    /// commands that grade (`report`, `autograder`).
    static func readInputs(_ paths: [String]) -> [AnswerInput] {
        AnswerFiles.inputs(AnswerFiles.find(paths))
    }
}
