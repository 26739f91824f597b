import Foundation

/// Runs the built `socklab` command, as a user would.
///
/// The binary sits beside the test bundle: the test target depends on the `socklab` product, so
/// `swift test` builds a current one first, in the same configuration. Only that one is run (never
/// a binary of another build folder, which may be stale); a missing one fails the test with advice.
enum CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func binary() throws -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("socklab")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw CLIError(description: "no socklab binary beside the test bundle \(CommandLine.arguments[0]): run the tests with `swift test` (or scripts/test)")
    }

    /// Runs `socklab ARGS` in `directory` (default: the repository root), with a 60 s limit.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    unsetting unset: [String] = []) throws -> Output {
        try Program.run(try binary().path, arguments, in: directory ?? repositoryRoot, environment: environment, unsetting: unset)
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program (socklab, bash, unzip) as a user would, with a 60 s limit; its output is read from files.
enum Program {
    static func run(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    unsetting unset: [String] = []) throws -> CLI.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        for k in unset { env[k] = nil }
        process.environment = env
        let scratch = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            throw CLIError(description: "\(executable) \(arguments.joined(separator: " ")) did not finish within 60 s")
        }
        return CLI.Output(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                          stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
