import CourseModel
import Foundation
import FuzzHarness
import SourceFiles
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The real chapter, loaded once for every replay.
let harness: FuzzHarness = {
    do { return try FuzzHarness(files: FuzzHarness.files(under: repositoryRoot)) } catch {
        fatalError("the real chapter does not load: \(error)")
    }
}()

/// One input a fuzzer once found (a crash, a timeout or a runaway allocation), kept forever.
struct Regression: CustomTestStringConvertible, Sendable {
    var target: FuzzTarget
    var url: URL
    var testDescription: String { "\(target.rawValue)/\(url.lastPathComponent)" }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Regressions")

    static func all() -> [Regression] {
        FuzzTarget.allCases.flatMap { t in
            let dir = folder.appendingPathComponent(t.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { Regression(target: t, url: dir.appendingPathComponent($0)) }
        }
    }
}

@Suite("Fuzz regressions: every input a fuzzer found, replayed through the same code path")
struct RegressionReplayTests {
    /// Reaching the end is the "no trap" half (a trap ends the test process); the rest is that what
    /// the input earned is a located diagnostic with a stable id, or a clean run.
    @Test(arguments: Regression.all())
    func replay(_ r: Regression) throws {
        let bytes = try [UInt8](Data(contentsOf: r.url))
        let outcome = harness.run(r.target, bytes)
        for d in outcome.diagnostics {
            #expect(d.id.rawValue.contains("."), "diagnostic id '\(d.id)' is not a stable dotted id: \(d)")
            #expect(!d.message.isEmpty)
            #expect(!d.location.file.isEmpty)
        }
        // Findings are traps, hangs and runaway allocations on bad input: after the fix, bad input
        // is refused with a diagnostic. (An input that turned out to be good runs cleanly.)
        if outcome.errors.isEmpty {
            #expect(["simulated", "graded", "loaded", "built", "="].contains { outcome.summary.hasPrefix($0) }, "\(outcome.summary)")
        }
    }
}

@Suite("Fuzz harness: the real content goes through every target cleanly")
struct HarnessSeedTests {
    static func contentFiles(_ folder: String, _ suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { "\(folder)/\($0)" }
    }

    @Test(arguments: contentFiles("content/scenarios", ".yaml"))
    func scenario(_ path: String) throws {
        let outcome = harness.run(.scenario, Array(try #require(harness.files[path]).utf8))
        #expect(outcome.errors.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.summary.hasPrefix("simulated"))
    }

    @Test(arguments: contentFiles("content/exercises", ".yaml"))
    func exercise(_ path: String) throws {
        let outcome = harness.run(.exercise, Array(try #require(harness.files[path]).utf8))
        #expect(outcome.errors.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.summary.hasPrefix("loaded"))
    }

    @Test(arguments: ["sqs + rqs + 1", "min(sqs, rqs) * 2", "max(1, 2, 3) - 4 % 3"])
    func expression(_ text: String) {
        let outcome = harness.run(.expression, Array(text.utf8))
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(outcome.summary.hasPrefix("= "))
    }

    @Test("an expression with a variable line after it sees that variable")
    func expressionVariables() {
        #expect(harness.run(.expression, Array("x * 2\nx=21".utf8)).summary == "= 42")
        #expect(harness.run(.expression, Array("x * 2".utf8)).summary == "rejected")
    }

    @Test("a section alone builds into a site, and a broken one is refused with its line")
    func content() throws {
        let page = "---\nid: solo\ntitle: \"혼자\"\nsummary: \"요약\"\n---\n\n# 제목\n\nSQS는 {{sqs}}바이트입니다.\n"
        let good = harness.run(.content, Array(page.utf8))
        #expect(good.errors.isEmpty, "\(good.diagnostics)")
        #expect(good.summary.hasPrefix("built"))
        let bad = harness.run(.content, Array(page.replacingOccurrences(of: "{{sqs}}", with: "{{sqz}}").utf8))
        let d = try #require(bad.errors.first)
        #expect(d.id.rawValue == "content.unknown-name")
        #expect(d.location == SourceLocation(file: FuzzTarget.content.fileName, line: 9))
    }

    @Test("an answer file: a template-shaped file is graded, garbage is an error row")
    func answers() {
        let good = harness.run(.answers, Array("student: \"20231234\"\nexercises: {}\n".utf8))
        #expect(good.summary == "graded", "\(good.diagnostics)")
        let bad = harness.run(.answers, Array("student: [\n".utf8))
        #expect(bad.summary == "error row")
        #expect(bad.errors.contains { $0.location.file == FuzzTarget.answers.fileName && $0.location.line != nil })
    }

    @Test("input beyond a target's bound is cut, not read")
    func bound() {
        let long = Array(String(repeating: "1+", count: 10_000).utf8) + Array("1".utf8)
        // Cut at 512 bytes the text ends in '+', so it is refused as too short, never evaluated whole.
        #expect(harness.run(.expression, long).summary == "rejected")
    }
}
