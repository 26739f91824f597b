import ArgumentParser
import CourseModel
import Foundation
import SiteBuilder
import SourceFiles

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the chapter site (HTML + SVG, works offline from file://).",
        discussion: """
        Every figure, worked example and answer key is computed by the simulator from content/. \
        A rebuild writes only the files whose bytes changed, each one atomically. \
        Without --solutions nothing in the output reveals an answer.
        """)

    @OptionGroup var folder: ContentFolder

    @Option(help: "The templates folder (Mustache templates and assets/).")
    var templates: String = "templates"

    @Option(help: "Output folder (default: _site, or _site-instructor with --solutions).")
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a course parameter, e.g. --set sqs=1000 (repeatable).", valueName: "KEY=VALUE"))
    var settings: [String] = []

    @Flag(help: "The instructor build: include answer keys and explanations.")
    var solutions = false

    @Flag(name: .shortAndLong, help: "Print only errors and the summary line.")
    var quiet = false

    func run() throws {
        let started = Date()
        let options = BuildOptions(overrides: try parseSettings(settings), solutions: solutions)
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let outDir = URL(fileURLWithPath: out ?? (solutions ? "_site-instructor" : "_site"), relativeTo: cwd).standardizedFileURL
        // Not a success with nothing built: a script that builds from the wrong folder must hear about it.
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder.content, relativeTo: cwd).appendingPathComponent("course.yaml").path) else {
            let missing = Diagnostic(at: SourceLocation(file: "\(folder.content)/course.yaml"), id: .buildNoCourse,
                                     "no course to build: run socklab build where content/ is, or pass --content DIR")
            FileHandle.standardError.write(Data((missing.description + "\n").utf8))
            throw ExitCode.failure
        }
        let tree: SourceTree
        do {
            // Paths in diagnostics read "content/…" and "templates/…" whatever the folders are called.
            var files: [String: String] = [:]
            for (path, alias) in [(folder.content, "content"), (templates, "templates")] {
                let base = URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL
                let t = try readTree(base: base.deletingLastPathComponent(), folders: [base.lastPathComponent])
                for (k, v) in t.files { files[alias + k.dropFirst(base.lastPathComponent.count)] = v }
            }
            tree = SourceTree(files: files)
        } catch {
            for l in error.lines { FileHandle.standardError.write(Data((l + "\n").utf8)) }
            throw ExitCode.failure
        }
        var writer = SiteWriter(root: outDir)
        writer.fault = Self.fault(from: ProcessInfo.processInfo.environment)
        // A killed build's temporaries go first, whether or not this build has anything to write.
        let cleaned = writer.removeStaleTemporaries()
        if !quiet { for p in cleaned { print("removed stale temporary \(p)") } }
        let key = SiteBuilder.inputKey(tree, options: options)
        if writer.isUpToDate(inputKey: key) {
            print("up to date: \(outDir.path) (nothing changed, no file written) in \(ms(since: started)) ms")
            return
        }
        let result = SiteBuilder.build(tree, options: options, workers: .machine, caches: CourseCaches())
        // In the builder's order, not sorted by file: a cause comes before what it caused.
        for d in result.diagnostics { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
        if result.hasErrors {
            let n = result.diagnostics.filter { $0.severity == .error }.count
            FileHandle.standardError.write(Data("build failed: \(n) error\(n == 1 ? "" : "s"); nothing was written\n".utf8))
            throw ExitCode.failure
        }
        let summary: SiteWriter.Summary
        do { summary = try writer.write(result.files, inputKey: key) } catch {
            FileHandle.standardError.write(Data("\(outDir.path): error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if !quiet {
            for p in summary.written { print("wrote \(p)") }
            for p in summary.removed { print("removed \(p)") }
        }
        print("\(solutions ? "instructor" : "student") site in \(outDir.path): \(summary.written.count) written, \(summary.unchanged) unchanged, \(summary.removed.count) removed, in \(ms(since: started)) ms")
    }

    /// The writer's test seam, `SOCKLAB_BUILD_FAULT=fail-after:N` or `kill-after:N` (N renames).
    static func fault(from environment: [String: String]) -> SiteWriter.Fault? {
        guard let spec = environment["SOCKLAB_BUILD_FAULT"] else { return nil }
        let parts = spec.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]), n > 0 else { return nil }
        switch parts[0] {
        case "fail-after": return .failAfterRenames(n)
        case "kill-after": return .killAfterRenames(n)
        default: return nil
        }
    }

    func ms(since d: Date) -> Int { Int(Date().timeIntervalSince(d) * 1000) }
}
