import ArgumentParser
import CourseModel
import Foundation
import Grader
import SourceFiles

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a student's empty answer file, with their variant of every exercise.")

    @Option(help: "The student id (letters, digits, '.', '_', '-').")
    var student: String

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var out: String?

    @OptionGroup var folder: ContentFolder

    func validate() throws {
        guard AnswerSheet.isValidStudentID(student) else {
            throw ValidationError("'\(student)' is not a student id: use letters, digits, '.', '_' and '-' (at most 64)")
        }
    }

    func run() throws {
        let content = try GradingContent.load(folder.content)
        let grader = try content.grader()
        let text = try report { () throws(DiagnosticError) in try AnswerTemplate.render(student: student, catalog: content.catalog, grader: grader) }
        if let out { try AtomicFile.write(text, to: out) } else { print(text, terminator: "") }
    }
}
