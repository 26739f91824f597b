import ArgumentParser
import CourseModel
import Foundation
import Grader
import SourceFiles

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that answer files are well-formed (never whether their answers are right).",
        discussion: """
        For TAs (students use the site's check.html, which needs no secret and no content). Reports \
        unknown exercise or question ids (with the id meant, for a near miss), answers that cannot be \
        read as their kind, lines YAML cannot read, answers written twice, missing answers, a variant \
        whose tag does not verify, and an untagged variant that is not the student's. PATH is an \
        answer file or a folder: every *.yaml, *.yml and *.json in it is checked. Exit status 1 when \
        any file has an error.
        """)

    @Argument(help: "Answer files (YAML or JSON) or folders of them.")
    var paths: [String] = []

    @OptionGroup var folder: ContentFolder

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give an answer file or a folder, e.g. 'socklab check answers.yaml'") }
        for p in paths where !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("'\(terminalSafe(p))' does not exist")
        }
    }

    func run() throws {
        let content = try GradingContent.load(folder.content)
        let grader = try content.grader()
        let files = AnswerFiles.find(paths)
        if files.isEmpty {
            printSafely([Diagnostic(at: SourceLocation(file: paths.joined(separator: ", ")), id: .answerNone, "답안 파일(`*.yaml`, `*.yml`, `*.json`)을 찾지 못했습니다")])
            throw ExitCode.failure
        }
        let total = content.catalog.exercises.reduce(0) { $0 + $1.questions.count }
        var failed = 0
        for file in files {
            let problems: [Diagnostic]
            let summary: String
            switch AnswerFiles.readFile(file) {
            case .failure(let e):
                problems = e.diagnostics
                summary = "not read"
            case .success(let bytes):
                do throws(DiagnosticError) {
                    let sheet = try AnswerSheet.parse(bytes: bytes, file: file)
                    problems = grader.check(sheet)
                    let answered = sheet.exercises.reduce(0) { $0 + $1.answers.filter { $0.raw != .empty && $0.problem == nil }.count }
                    summary = "student \(sheet.student), \(answered) of \(total) questions answered"
                } catch {
                    problems = error.diagnostics
                    summary = AnswerSheet.recoverStudent(bytes).map { "student \($0), not readable" } ?? "not readable"
                }
            }
            printSafely(problems)
            let errors = problems.filter { $0.severity == .error }.count
            let warnings = problems.count - errors
            if errors > 0 { failed += 1 }
            print(terminalSafe("\(file): \(summary), \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"))
        }
        if files.count > 1 { print("\(files.count) files checked, \(failed) with errors") }
        if failed > 0 { throw ExitCode.failure }
    }
}
