import ArgumentParser
import CourseModel
import Foundation
import ScenarioLoading
import SocketSim
import SourceFiles
import TraceQueries

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario file and print its trace.",
        discussion: """
        A scenario that leaves out sqs, rqs, mss or msl takes the course's values from \
        CONTENT/course.yaml when that file exists.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter, e.g. --set sqs=1000 (repeatable).", valueName: "KEY=VALUE"))
    var settings: [String] = []

    @OptionGroup var folder: ContentFolder

    func run() throws {
        let overrides = try parseSettings(settings)
        var variables: [String: Int] = [:]
        let coursePath = (folder.content as NSString).appendingPathComponent("course.yaml")
        if FileManager.default.fileExists(atPath: coursePath) {
            let course = try report { () throws(DiagnosticError) in try CourseConfig.load(text: try readText(coursePath), file: coursePath) }
            variables = course.parameters
        }
        let text = try report { () throws(DiagnosticError) in try readText(file) }
        let compiled = try report { () throws(DiagnosticError) in try CompiledScenario(text: text, file: file) }
        let scenario = try report { () throws(DiagnosticError) in
            try compiled.instantiate(variables: variables, overrides: overrides).scenario
        }
        // Streamed: the trace is written as it is made, in 64 KiB pieces, and never held whole.
        do throws(WorkBudget.Exceeded) {
            try TraceWriter.write(scenario, format: format == .json ? .json : .text) { writeStandardOutput($0) }
        } catch {
            printDiagnostics([compiled.tooLarge(error)])
            throw ExitCode.failure
        }
    }
}

/// Writes all of `bytes` to standard output (file descriptor 1), retrying short writes.
func writeStandardOutput(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buf in
        var offset = 0
        while offset < buf.count {
            let n = write(1, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing more can be written
            }
            offset += n
        }
    }
}

/// `--set KEY=VALUE` pairs as a dictionary; a malformed one is a usage error.
func parseSettings(_ settings: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for s in settings {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
            throw ValidationError("--set needs KEY=VALUE, e.g. --set sqs=1000; got '\(s)'")
        }
        out[String(s[..<eq])] = String(s[s.index(after: eq)...])
    }
    return out
}

/// Reads a UTF-8 text file; a missing, unreadable or non-text file is a diagnostic.
func readText(_ path: String, limit: Int = YAMLDocument.maxBytes) throws(DiagnosticError) -> String {
    let at = SourceLocation(file: path)
    let data: [UInt8]
    switch BoundedFile.read(path, limit: limit) {
    case .success(let bytes): data = bytes
    case .failure(.unreadable(let e)):
        throw DiagnosticError(Diagnostic(at: at, id: .fileUnreadable, "cannot read the file: \(String(cString: strerror(e)))"))
    case .failure(.folder):
        throw DiagnosticError(Diagnostic(at: at, id: .fileUnreadable, "cannot read the file: it is a folder"))
    case .failure(.notRegular):
        throw DiagnosticError(Diagnostic(at: at, id: .fileUnreadable, "cannot read the file: not a regular file (a device, pipe or socket)"))
    case .failure(.tooLarge(let size)):
        throw DiagnosticError(Diagnostic(at: at, id: .fileTooLarge, size.map { "the file is \($0) bytes; at most \(limit) are read" } ?? "the file is larger than \(limit) bytes; at most that is read"))
    }
    guard let text = String(validating: data, as: UTF8.self) else {
        throw DiagnosticError(Diagnostic(at: SourceLocation(file: path), id: .fileNotText, "the file is not UTF-8 text"))
    }
    return text
}

/// Prints diagnostics to standard error and turns them into a failing exit code.
func report<T>(_ body: () throws(DiagnosticError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printDiagnostics(error.diagnostics)
        throw ExitCode.failure
    }
}

func printDiagnostics(_ diagnostics: [Diagnostic]) {
    for d in diagnostics.sorted(by: { $0.location < $1.location }) {
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
}
