import ArgumentParser
import CourseModel
import Foundation
import Grader

@main
struct SockLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socklab",
        abstract: "Build the \"TCP sockets under the hood\" chapter site and grade students' answer files.",
        discussion: "Every figure, worked example and answer key is computed by the socket simulator.",
        subcommands: [Build.self, Simulate.self, Template.self, Check.self, Grade.self, Report.self, Autograder.self])
}

/// `--content DIR`, the course's content folder, shared by every command that reads the course
/// (one declaration, one help text, one default).
struct ContentFolder: ParsableArguments {
    @Option(help: "The content folder: course.yaml, and the sections/, pages/, scenarios/ and exercises/ a command reads.")
    var content: String = "content"
}

/// `--visibility`, Gradescope's visibility of the results, shared by every command that writes a
/// results.json for Gradescope (one declaration, one help text, one default).
struct GradescopeVisibility: ParsableArguments {
    @Option(help: "Gradescope visibility of the results.")
    var visibility: GradeReport.Visibility = .visible
}
