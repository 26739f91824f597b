import ArgumentParser
import CourseModel
import Foundation
import Grader

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that an answer file is well-formed (never whether its answers are right).",
        discussion: "For TAs (students use the site's check.html, which needs no secret and no content). Reports unknown exercise or question ids, answers that cannot be read as their kind, missing answers, a variant whose tag does not verify, and an untagged variant that is not the student's.")

    @Argument(help: "The answer file (YAML or JSON).")
    var file: String

    @Option(help: "The content folder (course.yaml, scenarios/, exercises/).")
    var content: String = "content"

    func run() throws {
        let content = try GradingContent.load(self.content)
        let grader = try content.grader()
        let input = Grade.readInputs([file])[0]
        let sheet: AnswerSheet
        switch input.content {
        case .failure(let e):
            printDiagnostics(e.diagnostics)
            throw ExitCode.failure
        case .success(let bytes):
            sheet = try report { () throws(DiagnosticError) in try AnswerSheet.parse(bytes: bytes, file: file) }
        }
        let problems = grader.check(sheet)
        printDiagnostics(problems)
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        let answered = sheet.exercises.reduce(0) { $0 + $1.answers.filter { $0.raw != .empty }.count }
        let total = content.catalog.exercises.reduce(0) { $0 + $1.questions.count }
        print("\(file): student \(sheet.student), \(answered) of \(total) questions answered, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode.failure }
    }
}
