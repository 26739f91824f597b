import CourseModel
import Foundation
import Grader
import ScenarioLoading
import SiteBuilder
import SocketSim
import SourceFiles
import TraceQueries

/// The inputs SockLab reads from people, each driven through the code the commands run on it.
///
/// One harness serves two callers: the libFuzzer executables (`Fuzz/<target>/main.swift`, built only
/// with `SOCKLAB_FUZZ=1`) and `swift test`, which replays every input the fuzzers ever found through
/// the very same path. So a regression file exercises what crashed, not a copy of it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A scenario file: `socklab simulate` (load with the course's parameters, run, text and JSON trace).
    case scenario
    /// One `{expression}` text: parsed, evaluated and substituted as scenario steps and prose use it.
    case expression
    /// An answer file: `socklab check` and `socklab grade` against the real chapter's keys, every format.
    case answers
    /// An exercise file: loaded with the real course and scenarios, keys computed, the template written.
    case exercise
    /// A section page: front matter, figures, values, Mustache names and Markdown, built into a site.
    case content

    /// The largest input a run reads; longer inputs are cut here, so the harness is never the hang.
    /// libFuzzer is given the same bound (`-max_len`).
    public var maxInputBytes: Int {
        switch self {
        case .scenario: 4_096
        case .expression: 512
        case .answers: 32_768
        case .exercise: 16_384  // twice the chapter's largest exercise file (8.3 KB)
        case .content: 16_384
        }
    }

    /// The name of the file an input is read as (diagnostics name it).
    public var fileName: String {
        switch self {
        case .scenario: "content/scenarios/fuzz.yaml"
        case .expression: "expression"
        case .answers: "answers/fuzz.yaml"
        case .exercise: "content/exercises/fuzz.yaml"
        case .content: "content/sections/01-fuzz.md"
        }
    }
}

/// What one run gave: the diagnostics the input earned (none when it was good input).
public struct FuzzOutcome: Sendable {
    public var diagnostics: [Diagnostic]
    /// A short word for what happened (`rejected`, `simulated`, `graded`, ...), for replay reports.
    public var summary: String

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// The real chapter, loaded once, and the functions that feed one input through each target.
public final class FuzzHarness: Sendable {
    /// Project-relative paths (`content/...`, `templates/...`) to their text.
    public let files: [String: String]
    let course: CourseConfig
    let scenarios: [ScenarioFile]
    let catalog: ExerciseCatalog
    let grader: Grader

    /// Loads the chapter from `files`; throws when the chapter itself has errors (nothing to fuzz against).
    public init(files: [String: String]) throws(DiagnosticError) {
        self.files = files
        guard let content = Course.Files(tree: files) else {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: "content/course.yaml"), id: .contentMissing, "no content/course.yaml"))
        }
        let (loaded, problems) = Course.load(content)
        guard let loaded, problems.isEmpty else { throw DiagnosticError(problems) }
        course = loaded.config
        scenarios = loaded.scenarios
        catalog = loaded.catalog
        grader = Grader(catalog: catalog, secret: course.secret ?? "fuzz")
    }

    /// Reads `content/` and `templates/` under `root` (for the fuzz executables and the tests).
    public static func files(under root: URL) -> [String: String] {
        var files: [String: String] = [:]
        for folder in ["content", "templates"] {
            let dir = root.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
            while let url = walker?.nextObject() as? URL {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue,
                      let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                files[folder + "/" + url.path.dropFirst(dir.path.count + 1)] = text
            }
        }
        return files
    }

    /// Feeds `bytes` (cut to the target's bound) through `target`.
    public func run(_ target: FuzzTarget, _ bytes: [UInt8]) -> FuzzOutcome {
        let input = Array(bytes.prefix(target.maxInputBytes))
        if target == .answers { return answers(input) }
        // The commands refuse text that is not UTF-8 before any loader sees it.
        guard let text = String(validating: input, as: UTF8.self) else {
            return FuzzOutcome(diagnostics: [Diagnostic(at: SourceLocation(file: target.fileName), id: .fileNotText, "not UTF-8")],
                               summary: "rejected")
        }
        switch target {
        case .scenario: return scenario(text)
        case .expression: return expression(text)
        case .answers: return answers(input)
        case .exercise: return exercise(text)
        case .content: return content(text)
        }
    }

    // MARK: - The targets

    /// `socklab simulate FILE` and `socklab simulate --format json FILE`.
    func scenario(_ text: String) -> FuzzOutcome {
        do throws(DiagnosticError) {
            let scenario = try ScenarioLoader.load(text: text, file: FuzzTarget.scenario.fileName, variables: course.parameters)
            let trace = try ScenarioLoader.simulate(scenario, text: text, file: FuzzTarget.scenario.fileName)
            _ = trace.textReport()
            _ = trace.jsonString()
            // What `socklab simulate` itself runs: the trace streamed as it is made.
            for format in [TraceWriter.Format.text, .json] {
                try? TraceWriter.write(scenario, format: format) { _ in }
            }
            return FuzzOutcome(diagnostics: [], summary: "simulated \(trace.steps.count) steps: \(trace.outcome)")
        } catch {
            return FuzzOutcome(diagnostics: error.diagnostics, summary: "rejected")
        }
    }

    /// An `{expression}` as a scenario step, a `let:` value and an exercise text use it: evaluated
    /// alone, substituted into a text, and with its first line as the expression and the rest as
    /// `name=value` variables (so the fuzzer reaches values no course sets).
    func expression(_ text: String) -> FuzzOutcome {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let source = String(lines.removeFirst())
        var variables = course.parameters
        for line in lines {
            guard let eq = line.firstIndex(of: "=") else { continue }
            if let v = Int(line[line.index(after: eq)...]) { variables[String(line[..<eq])] = v }
        }
        var failures: [String] = []
        var value: Int?
        do throws(Arithmetic.Failure) { value = try Arithmetic.evaluate(source, variables: variables) } catch { failures.append(error.message) }
        do throws(Arithmetic.Failure) { _ = try Arithmetic.substitute(in: "send {\(source)}", variables: variables) } catch { failures.append(error.message) }
        do throws(Arithmetic.Failure) { _ = try Arithmetic.substitute(in: source, variables: variables) } catch { failures.append(error.message) }
        let compiled = Arithmetic.Compiled(source)
        _ = try? compiled.evaluate(variables: [:])
        return FuzzOutcome(diagnostics: failures.map { Diagnostic(at: SourceLocation(file: FuzzTarget.expression.fileName), id: .fuzzExpression, $0) },
                           summary: value.map { "= \($0)" } ?? "rejected")
    }

    /// `socklab check FILE`, then `socklab grade FILE` in every output format, with and without --reveal.
    func answers(_ bytes: [UInt8]) -> FuzzOutcome {
        let file = FuzzTarget.answers.fileName
        var diagnostics: [Diagnostic] = []
        do throws(DiagnosticError) {
            let sheet = try AnswerSheet.parse(bytes: bytes, file: file)
            diagnostics += grader.check(sheet)
        } catch {
            diagnostics += error.diagnostics
        }
        let input = AnswerInput(path: file, content: .success(bytes))
        var summary = "graded"
        for reveal in [false, true] {
            do throws(DiagnosticError) {
                let report = try grader.grade([input], reveal: reveal)
                _ = report.table()
                _ = report.csv()
                _ = try? report.json()
                _ = try? report.gradescope()
                if let r = report.results.first, r.isError { summary = "error row" }
                for r in report.results { for m in r.exercises { for q in m.questions { _ = q.feedback } } }
            } catch {
                // A key that cannot be computed is a content error, never the student's.
                diagnostics += error.diagnostics
                summary = "content error"
            }
        }
        return FuzzOutcome(diagnostics: diagnostics, summary: summary)
    }

    /// `socklab grade` and `socklab build` loading an exercise: the file with the real course and
    /// scenarios, the keys of its default, first and last variants, its texts and the template.
    func exercise(_ text: String) -> FuzzOutcome {
        let file = FuzzTarget.exercise.fileName
        let (loaded, problems) = ExerciseCatalog.load(files: [(path: file, text: text)], course: course, scenarios: scenarios)
        guard problems.isEmpty, let e = loaded.exercises.first else { return FuzzOutcome(diagnostics: problems, summary: "rejected") }
        var diagnostics: [Diagnostic] = []
        let count = e.variantCount
        for variant in [e.defaultVariant, e.variant(at: 0), e.variant(at: max(0, count - 1))] {
            do throws(DiagnosticError) {
                let key = try e.answerKey(for: variant)
                _ = ExerciseText.render(e.prose, key: key)
                for q in e.questions {
                    _ = ExerciseText.render(q.prompt, key: key)
                    _ = ExerciseText.render(q.explanation, key: key, answer: key.values[q.id])
                }
            } catch {
                diagnostics += error.diagnostics
            }
        }
        if diagnostics.isEmpty {
            let grader = Grader(catalog: loaded, secret: "fuzz")
            do throws(DiagnosticError) {
                let template = try AnswerTemplate.render(student: "fuzz", catalog: loaded, grader: grader)
                _ = try grader.grade([AnswerInput(path: "fuzz.yaml", content: .success(Array(template.utf8)))], reveal: true).table()
            } catch {
                diagnostics += error.diagnostics
            }
        }
        return FuzzOutcome(diagnostics: diagnostics, summary: diagnostics.isEmpty ? "loaded, \(count) variants" : "key errors")
    }

    /// `socklab build` of a chapter whose only section is the input (the real templates and scenarios).
    func content(_ text: String) -> FuzzOutcome {
        var tree = files.filter { $0.key.hasPrefix("templates/") || $0.key.hasPrefix("content/scenarios/") }
        tree["content/sections/01-fuzz.md"] = text
        tree["content/course.yaml"] = """
        title: "fuzz"
        subtitle: "fuzz"
        parameters: {sqs: 500, rqs: 500, mss: 536, msl: 30s}
        sections: [\(Self.yamlQuoted(Self.pageID(in: text) ?? "fuzz"))]
        pages: []
        """
        let result = SiteBuilder.build(SourceTree(files: tree))
        return FuzzOutcome(diagnostics: result.diagnostics, summary: result.hasErrors ? "rejected" : "built \(result.files.count) files")
    }

    /// The page's `id:` as the front matter's first `id:` line gives it, so course.yaml can list it.
    static func pageID(in text: String) -> String? {
        for line in text.split(separator: "\n").prefix(50) where line.hasPrefix("id:") {
            var v = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            if v.count >= 2, let f = v.first, f == "\"" || f == "'", v.last == f { v = String(v.dropFirst().dropLast()) }
            return v.isEmpty ? nil : v
        }
        return nil
    }

    /// A YAML double-quoted scalar holding `s` exactly.
    static func yamlQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 || u.value == 0x7f { out += String(format: "\\x%02X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

// MARK: - The libFuzzer entry

/// The harness the fuzz executables share, loaded on first use from the current folder (or
/// `SOCKLAB_ROOT`). This module is a test tool like socklab-bench, not a layer of the product, so it
/// may read the disk and the environment; the libraries it drives never do.
private let sharedHarness: FuzzHarness = {
    let root = ProcessInfo.processInfo.environment["SOCKLAB_ROOT"] ?? FileManager.default.currentDirectoryPath
    do {
        return try FuzzHarness(files: FuzzHarness.files(under: URL(fileURLWithPath: root)))
    } catch {
        fatalError("fuzz: the chapter in \(root) does not load, so there is nothing to fuzz against:\n\(error)")
    }
}()

extension FuzzHarness {
    /// What `LLVMFuzzerInitialize` calls: loads the chapter once, before libFuzzer starts timing inputs.
    /// Loading computes every exercise's keys (the hint check), which takes seconds on a busy machine;
    /// left to the first input, that time was charged to it and reported as a timeout of the empty input.
    public static func prepare() {
        _ = sharedHarness
    }

    /// What `LLVMFuzzerTestOneInput` calls: one input through `target`. Always returns 0 (libFuzzer's
    /// "keep going"); a trap, hang or runaway allocation is what libFuzzer reports.
    public static func fuzzOne(_ target: FuzzTarget, _ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        let bytes = Array(UnsafeBufferPointer(start: data, count: min(size, target.maxInputBytes)))
        _ = sharedHarness.run(target, bytes)
        return 0
    }
}
