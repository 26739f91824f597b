import CourseModel
import Foundation
import SocketSim
import Testing

/// One malformed input of the corpus in `Malformed/KIND/`, with the diagnostics it must earn.
///
/// Each file says what it expects in a comment line `# expect: ID LOCATION` (several lines for
/// several diagnostics), LOCATION being `LINE:COLUMN`, `LINE`, `-` (no line: the whole file) or
/// `FILE:LINE[:COLUMN]` when the diagnostic names another file. Lines count from the file's first line.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    struct Expectation: Sendable, CustomStringConvertible {
        var id: String
        var location: CourseModel.SourceLocation
        var description: String { "\(id) at \(location)" }
    }

    var name: String
    var bytes: [UInt8]
    var expectations: [Expectation]
    var testDescription: String { name }

    /// Every input is small: the corpus checks refusals, so no case may need much memory to refuse.
    static let maxBytes = 128 * 1024

    static func load(kind: String, file: String = #filePath) -> [MalformedCase] {
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Malformed").appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".expect") }.sorted().map { name in
            let bytes = (try? [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))) ?? []
            var header = String(decoding: bytes.prefix(4096), as: UTF8.self)
            // A file that cannot hold a comment (JSON) has its expectations in NAME.expect.
            if let side = try? String(contentsOf: dir.appendingPathComponent(name + ".expect"), encoding: .utf8) { header = side }
            return MalformedCase(name: name, bytes: bytes, expectations: expectations(in: header, file: name))
        }
    }

    static func expectations(in text: String, file: String) -> [Expectation] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap { line in
            guard let r = line.range(of: "expect:") else { return nil }
            let parts = line[r.upperBound...].split(separator: " ").map(String.init).filter { $0 != "-->" }
            guard parts.count == 2 else { return nil }
            return Expectation(id: parts[0], location: location(parts[1], file: file))
        }
    }

    static func location(_ text: String, file: String) -> CourseModel.SourceLocation {
        if text == "-" { return CourseModel.SourceLocation(file: file) }
        var fields = text.split(separator: ":").map(String.init)
        var path = file
        if let first = fields.first, Int(first) == nil { path = first; fields.removeFirst() }
        return CourseModel.SourceLocation(file: path, line: fields.first.flatMap { Int($0) }, column: fields.count > 1 ? Int(fields[1]) : nil)
    }

    /// Checks `diagnostics` against the expectations: each expected one is there, exactly.
    func verify(_ diagnostics: [Diagnostic], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(!expectations.isEmpty, "\(name) has no '# expect: ID LOCATION' line", sourceLocation: sourceLocation)
        #expect(bytes.count <= Self.maxBytes, "\(name) is \(bytes.count) bytes; corpus inputs stay under \(Self.maxBytes)", sourceLocation: sourceLocation)
        let got = diagnostics.map { "\($0.id) at \($0.location)" }.joined(separator: "; ")
        for e in expectations {
            #expect(diagnostics.contains { $0.id == e.id && $0.location == e.location },
                    "\(name): expected \(e), got: \(got.isEmpty ? "no diagnostic" : got)", sourceLocation: sourceLocation)
        }
    }
}

/// The course the real chapter's scenarios and exercises are loaded with.
let realCourse: CourseConfig = {
    let path = contentRoot.appendingPathComponent("course.yaml").path
    return try! CourseConfig.load(text: String(contentsOfFile: path, encoding: .utf8), file: "content/course.yaml")
}()

let realScenarioFiles: [ScenarioFile] = {
    let dir = contentRoot.appendingPathComponent("scenarios")
    return (try! FileManager.default.contentsOfDirectory(atPath: dir.path)).filter { $0.hasSuffix(".yaml") }.sorted().map {
        ScenarioFile(name: String($0.dropLast(5)), path: "content/scenarios/\($0)",
                     text: try! String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8))
    }
}()

/// Text as the commands read it: UTF-8 or refused.
func commandText(_ c: MalformedCase) -> Result<String, DiagnosticError> {
    guard let text = String(validating: c.bytes, as: UTF8.self) else {
        return .failure(DiagnosticError(Diagnostic(at: CourseModel.SourceLocation(file: c.name), id: "file.not-text", "the file is not UTF-8 text")))
    }
    return .success(text)
}

@Suite("Malformed scenarios and exercises: each refused with its exact diagnostic, none traps")
struct MalformedCorpusTests {
    /// What `socklab simulate` does with the file: load with the course's parameters, then run.
    @Test(arguments: MalformedCase.load(kind: "scenarios"))
    func scenario(_ c: MalformedCase) {
        var diagnostics: [Diagnostic] = []
        switch commandText(c) {
        case .failure(let e): diagnostics = e.diagnostics
        case .success(let text):
            do throws(DiagnosticError) {
                let scenario = try ScenarioLoader.load(text: text, file: c.name, variables: realCourse.parameters)
                _ = try ScenarioLoader.simulate(scenario, text: text, file: c.name)
            } catch {
                diagnostics = error.diagnostics
            }
        }
        c.verify(diagnostics)
    }

    /// What `socklab grade` and `socklab build` do with an exercise file: load it with the real course
    /// and scenarios, then compute its default variant's key.
    @Test(arguments: MalformedCase.load(kind: "exercises"))
    func exercise(_ c: MalformedCase) {
        var diagnostics: [Diagnostic] = []
        switch commandText(c) {
        case .failure(let e): diagnostics = e.diagnostics
        case .success(let text):
            let (catalog, problems) = ExerciseCatalog.load(files: [(path: c.name, text: text)], course: realCourse, scenarios: realScenarioFiles)
            diagnostics = problems
            if problems.isEmpty, let e = catalog.exercises.first {
                do throws(DiagnosticError) { _ = try e.answerKey(for: e.defaultVariant) } catch { diagnostics = error.diagnostics }
            }
        }
        c.verify(diagnostics)
    }

    @Test("the corpus is at least 100 files across scenarios, exercises, answer files and content")
    func size() {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let tests = here.deletingLastPathComponent()
        var count = 0
        for dir in ["CourseModelTests/Malformed/scenarios", "CourseModelTests/Malformed/exercises",
                    "GraderTests/Malformed/answers", "SiteBuilderTests/Malformed/sections", "SiteBuilderTests/Malformed/course"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: tests.appendingPathComponent(dir).path)) ?? []
            count += names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".expect") }.count
        }
        #expect(count >= 100, "the malformed corpus has \(count) files")
    }
}
