import ArgumentParser
import CourseModel
import Foundation

@main
struct SockLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socklab",
        abstract: "Build the \"TCP sockets under the hood\" chapter site and grade students' answer files.",
        discussion: "Every figure, worked example and answer key is computed by the socket simulator.",
        subcommands: [Build.self, Simulate.self, Template.self, Check.self, Grade.self, Report.self, Autograder.self])
}
