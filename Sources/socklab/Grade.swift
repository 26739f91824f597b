import ArgumentParser
import CourseModel
import Foundation
import Grader

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
        let course = try report { () throws(DiagnosticError) in try CourseConfig.load(text: try readText(coursePath), file: coursePath) }
        let scenarios = try report { () throws(DiagnosticError) in
            try yamlFiles(in: root.appendingPathComponent("scenarios")).map { path throws(DiagnosticError) in
                ScenarioFile(name: (path as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: ""), path: path, text: try readText(path))
            }
        }
        let files = try report { () throws(DiagnosticError) in
            try yamlFiles(in: root.appendingPathComponent("exercises")).map { path throws(DiagnosticError) in (path: path, text: try readText(path)) }
        }
        let (catalog, problems) = ExerciseCatalog.load(files: files, course: course, scenarios: scenarios)
        if !problems.isEmpty {
            printDiagnostics(problems)
            throw ExitCode.failure
        }
        if catalog.exercises.isEmpty {
            printDiagnostics([Diagnostic(at: SourceLocation(file: root.appendingPathComponent("exercises").path), id: "content.no-exercises", "no exercises to grade")])
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
        Grader(catalog: catalog, secret: try secret(), roster: roster)
    }
}

/// `*.yaml` files of a folder, sorted; a missing folder has none.
func yamlFiles(in dir: URL) throws(DiagnosticError) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
    return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0).path }
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// reader never sees half a report and an old report is never lost to a failed write.
func writeAtomically(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
        try Data(text.utf8).write(to: tmp)
        guard rename(tmp.path, url.path) == 0 else {
            let err = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw ValidationError("cannot write \(path): \(err)")
        }
    } catch let e as ValidationError {
        throw e
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        throw ValidationError("cannot write \(path): \((error as NSError).localizedDescription)")
    }
}

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade students' answer files (YAML or JSON) against keys computed by the simulation.",
        discussion: """
        PATH is an answer file or a folder of them (*.yaml, *.yml, *.json, searched recursively). A file \
        that cannot be graded (not YAML, truncated, binary, larger than 1 MB, unknown student or \
        question, another student's variant) becomes that student's error row; everyone else is \
        still graded. Exit status 0 means grading ran, whatever the scores.
        The course secret for variants comes from SOCKLAB_SECRET or course.yaml's 'secret'.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, gradescope, csv
    }

    @Argument(help: "Answer files or folders of answer files.")
    var paths: [String] = []

    @Option(help: "Output format: table, json, gradescope (results.json for one submission) or csv.")
    var format: Format = .table

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var out: String?

    @Flag(help: "Show the expected answers in the feedback.")
    var reveal = false

    @Option(help: "A file of student ids, one per line; ids not in it are error rows.")
    var roster: String?

    @Option(help: "Gradescope visibility: visible, hidden, after_due_date or after_published.")
    var visibility: String = "visible"

    @Option(help: "The content folder (course.yaml, scenarios/, exercises/).")
    var content: String = "content"

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one answer file or folder, e.g. 'socklab grade submissions/'") }
        for p in paths where !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("'\(p)' does not exist")
        }
        if GradeReport.Visibility(rawValue: visibility) == nil {
            throw ValidationError("--visibility must be one of \(GradeReport.Visibility.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let content = try GradingContent.load(self.content)
        var rosterIDs: Set<String>?
        if let roster {
            let text = try report { () throws(DiagnosticError) in try readText(roster) }
            rosterIDs = Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
        }
        let grader = try content.grader(roster: rosterIDs)
        let inputs = Self.readInputs(paths)
        if format == .gradescope && inputs.count != 1 {
            throw ValidationError("--format gradescope writes results.json for one submission; got \(inputs.count) answer files")
        }
        let report = try report { () throws(DiagnosticError) in try grader.grade(inputs, reveal: reveal) }
        let text: String
        switch format {
        case .table: text = report.table()
        case .json: text = try report.json()
        case .csv: text = report.csv()
        case .gradescope: text = try report.gradescope(visibility: GradeReport.Visibility(rawValue: visibility)!)
        }
        if let out { try writeAtomically(text, to: out) } else { print(text, terminator: "") }
    }

    /// The answer files under `paths`: files as given, folders searched for *.yaml, *.yml and *.json.
    /// A file too large is not read at all; an unreadable one becomes an error for its row.
    static func readInputs(_ paths: [String]) -> [AnswerInput] {
        var files: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: p, isDirectory: &isDir)
            if isDir.boolValue {
                let base = URL(fileURLWithPath: p)
                let found = (FileManager.default.enumerator(atPath: p)?.allObjects as? [String] ?? []).filter { rel in
                    let name = (rel as NSString).lastPathComponent
                    return !name.hasPrefix(".") && [".yaml", ".yml", ".json"].contains { name.lowercased().hasSuffix($0) }
                }
                files += found.sorted().map { base.appendingPathComponent($0).path }
            } else {
                files.append(p)
            }
        }
        return Parallel.map(files) { path in
            let at = SourceLocation(file: path)
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > AnswerSheet.maxBytes {
                return AnswerInput(path: path, content: .failure(DiagnosticError(Diagnostic(at: at, id: "answer.too-large",
                    "the file is \(size) bytes; an answer file is at most \(AnswerSheet.maxBytes) bytes"))))
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                var isFolder: ObjCBool = false
                let why = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                    ? "this is a folder named like an answer file, not a file" : "cannot read the file"
                return AnswerInput(path: path, content: .failure(DiagnosticError(Diagnostic(at: at, id: "answer.unreadable", why))))
            }
            return AnswerInput(path: path, content: .success([UInt8](data)))
        }
    }
}
