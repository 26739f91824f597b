import Foundation

/// Runs the built `socklab` command, as a user would.
///
/// The binary sits beside the test bundle (`swift build` makes it; `scripts/test` builds before
/// testing). A missing binary fails the test with that advice: it never skips.
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
        let fallback = repositoryRoot.appendingPathComponent(".build/debug/socklab")
        if FileManager.default.isExecutableFile(atPath: fallback.path) { return fallback }
        throw CLIError(description: "the socklab binary is not built: run `swift build` first (scripts/test does)")
    }

    /// Runs `socklab ARGS` in `directory` (default: the repository root), with a 60 s limit.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    unsetting unset: [String] = []) throws -> Output {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        for k in unset { env[k] = nil }
        process.environment = env
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
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
            throw CLIError(description: "socklab \(arguments.joined(separator: " ")) did not finish within 60 s")
        }
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
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
