@testable import CourseModel
import CourseModelTestSupport
import Foundation
@testable import ScenarioLoading
import SocketSim
import SocklabTestSupport
import SourceFiles
import Testing
@testable import TraceQueries

/// The scenario compiler held to golden files instead of to an older loader kept as an oracle.
///
/// `Golden/ScenarioCompiler/` holds scenarios that between them earn every diagnostic the loader
/// gives (and some that load). Each is loaded under every pair of `variableSets` × `overrideSets`,
/// and its `.expect` file records every distinct outcome (the scenario as loaded, or the exact
/// diagnostics in order) with the pairs that give it. The files were recorded when the compiled
/// loader still agreed, pair by pair, with the loader it replaced.
///
/// Beside the goldens, properties that need no recorded answer: one compiled scenario instantiated
/// many times, in any order, gives what a fresh compile gives (it keeps nothing from one load to the
/// next), for the corpus and for every scenario of the real course.
@Suite struct ScenarioCompilerCorpusTests {
    static let variableSets: [[String: Int]] = [
        [:],
        ["sqs": 500, "rqs": 500, "mss": 536],
        ["sqs": 300, "rqs": 900, "n": 5, "k": 2],
        ["sqs": 2000, "rqs": 100, "n": 7000, "k": 0],
        ["sqs": -1],
        ["sqs": 2_000_000_000, "rqs": 1],
        ["x": 3, "y": 0],
    ]

    static let overrideSets: [[String: String]] = [
        [:], ["sqs": "1000"], ["rqs": "{sqs + 1}"], ["sqs": "0"], ["network": "manual"], ["start": "closed"],
        ["start": "established"], ["nosuch": "3"], ["network": "bogus"], ["start": "bogus"], ["msl": "5s"], ["msl": "abc"],
        ["n": "7"], ["n": "{zz}"], ["n": "{n + 1"], ["sqs": "{1/0}"], ["k": "4", "n": "{sqs}"], ["n": "2", "bogus": "1"],
    ]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden").appendingPathComponent("ScenarioCompiler")

    /// The corpus scenarios: file name and text, in name order.
    static let corpus: [(name: String, text: String)] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            (name, (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? "")
        }
    }()

    /// Every (variables, overrides) pair, then the same pairs in reverse: a compiled scenario that
    /// remembered anything from an earlier load would give a different answer the second time.
    static let pairs: [(v: Int, o: Int)] = {
        let forward = variableSets.indices.flatMap { v in overrideSets.indices.map { (v: v, o: $0) } }
        return forward + forward.reversed()
    }()

    /// A load's outcome as text: the scenario field by field, or the diagnostics in order.
    static func describe(_ body: () throws(DiagnosticError) -> LoadedScenario) -> String {
        do throws(DiagnosticError) {
            let loaded = try body()
            return describe(loaded.scenario) + "\n  variables: " + describe(loaded.variables)
        } catch {
            return refused(error)
        }
    }

    /// The diagnostics in order, each with its id (the part a test of a refusal keys on).
    static func refused(_ error: DiagnosticError) -> String {
        "refused\n" + error.diagnostics.map { "  [\($0.id.rawValue)] \($0)" }.joined(separator: "\n")
    }

    static func describe(_ s: Scenario) -> String {
        let p = s.parameters
        var lines = ["loaded \"\(s.title)\", start \(s.start.rawValue), network \(p.network)"]
        lines.append("  parameters: " + Parameters.integerNames.map { "\($0)=\(p[integer: $0].map(String.init) ?? "-")" }.joined(separator: " "))
        for h in s.hosts {
            lines.append("  host \(h.name) \(h.addresses) sqs=\(h.sqs.map(String.init) ?? "-") rqs=\(h.rqs.map(String.init) ?? "-")")
        }
        for step in s.steps { lines.append("  step \(step.actor.name): \(step.text) = \(step.action)") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ variables: [String: Int]) -> String {
        variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    /// The golden text of one corpus file: the pairs, then each distinct outcome with the pairs giving it.
    static func golden(name: String, outcomes: [(v: Int, o: Int, outcome: String)]) -> String {
        var order: [String] = []
        var pairsOf: [String: [String]] = [:]
        for (v, o, outcome) in outcomes {
            if pairsOf[outcome] == nil { order.append(outcome) }
            pairsOf[outcome, default: []].append("v\(v)o\(o)")
        }
        var out = "# \(name) loaded with variables vN and overrides oM:\n"
        for (i, v) in variableSets.enumerated() { out += "# v\(i) = \(describe(v))\n" }
        for (i, o) in overrideSets.enumerated() {
            out += "# o\(i) = " + o.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n"
        }
        for (i, outcome) in order.enumerated() {
            out += "\n## outcome \(i + 1), for \(pairsOf[outcome]!.joined(separator: " "))\n\(outcome)\n"
        }
        return out
    }

    @Test func theCorpusIsThere() {
        #expect(Self.corpus.count >= 16, "\(Self.folder.path) holds \(Self.corpus.count) scenarios")
    }

    @Test(arguments: corpus.map(\.name))
    func corpusScenarioLoadsAsRecorded(_ name: String) throws {
        let text = try #require(Self.corpus.first { $0.name == name }).text
        let doc = try YAMLDocument(text: text, file: name)
        let compiled = CompiledScenario(doc)
        var outcomes: [(v: Int, o: Int, outcome: String)] = []
        for (index, (v, o)) in Self.pairs.enumerated() {
            let variables = Self.variableSets[v], overrides = Self.overrideSets[o]
            let got = Self.describe { () throws(DiagnosticError) in try compiled.instantiate(variables: variables, overrides: overrides) }
            let fresh = Self.describe { () throws(DiagnosticError) in try ScenarioLoader.loadWithVariables(text: text, file: name, variables: variables, overrides: overrides) }
            #expect(got == fresh, "\(name) v\(v)o\(o): the compiled scenario differs from a fresh load")
            if index < Self.pairs.count / 2 { outcomes.append((v, o, got)) }
        }
        GoldenFile.check(Self.golden(name: name, outcomes: outcomes),
                         file: Self.folder.appendingPathComponent(String(name.dropLast(5)) + ".expect"))
    }

    @Test func courseScenariosLoadAsAFreshCompileDoes() throws {
        let content = try Content.load(caches: sharedCaches)
        var docs = try content.scenarios.map { try YAMLDocument(text: $0.text, file: $0.path) }
        // Scenarios written inside exercises (the exercise file with the rest blanked out).
        docs += try content.catalog.exercises.filter { $0.scenarioName == nil }.map { try YAMLDocument(text: $0.scenario.text, file: $0.scenario.file) }
        #expect(docs.count > content.scenarios.count, "the course has scenarios inside exercises")
        var loaded = 0
        for doc in docs {
            let compiled = CompiledScenario(doc)
            for (v, o) in Self.pairs {
                let variables = Self.variableSets[v], overrides = Self.overrideSets[o]
                let got = Self.describe { () throws(DiagnosticError) in try compiled.instantiate(variables: variables, overrides: overrides) }
                let fresh = Self.describe { () throws(DiagnosticError) in try CompiledScenario(doc).instantiate(variables: variables, overrides: overrides) }
                #expect(got == fresh, "\(doc.file) v\(v)o\(o)")
                if got.hasPrefix("loaded") { loaded += 1 }
            }
        }
        #expect(loaded > 0, "no course scenario loaded under any pair")
    }

    // MARK: - Scenario runs: text variables, `let` values and `setting`

    /// The runs whose loads the golden `runs.expect` records: the corpus with course-like values, and
    /// word variables that change the scenario's text before it is read.
    static let runs: [ScenarioRun] = {
        var runs = corpus.map { ScenarioRun(text: $0.text, file: $0.name, variables: ["sqs": 400, "rqs": 600]) }
        runs.append(ScenarioRun(text: "network: {mode}\nsteps:\n  - client: send {n}\n", file: "words.yaml",
                                variables: ["n": 10], textVariables: ["mode": "manual"]))
        runs.append(ScenarioRun(text: "steps:\n  - client: {verb} 10\n", file: "words.yaml", textVariables: ["verb": "recv", "start": "closed"]))
        runs.append(ScenarioRun(text: "steps:\n  - client: {verb} 10\n", file: "words.yaml", textVariables: ["verb": "bogus", "network": "x"]))
        runs.append(ScenarioRun(text: "steps: [\n", file: "broken.yaml"))
        return runs
    }()

    /// A run and the runs `setting` makes from it: a parameter, a name the scenario may not have, a
    /// name no scenario has, and each of its own `let` names.
    static func variations(of base: ScenarioRun) -> [(label: String, run: ScenarioRun)] {
        let lets = Set((try? base.load().letNames) ?? [])
        var out = [("as given", base), ("sqs=123", base.setting("sqs", to: 123, letNames: lets)),
                   ("n=4321", base.setting("n", to: 4321, letNames: lets)), ("zz=1", base.setting("zz", to: 1, letNames: lets))]
        out += lets.sorted().map { ("\($0)=77", base.setting($0, to: 77, letNames: lets)) }
        return out
    }

    static func describe(run: ScenarioRun) -> String {
        do throws(DiagnosticError) {
            let r = try run.load()
            return describe(r.scenario) + "\n  variables: " + describe(r.variables) + "\n  let: " + r.letNames.joined(separator: " ")
        } catch {
            return refused(error)
        }
    }

    @Test func scenarioRunsLoadAsRecorded() {
        var out = ""
        for base in Self.runs {
            let words = base.textVariables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            for (label, run) in Self.variations(of: base) {
                let first = Self.describe(run: run)
                #expect(Self.describe(run: run) == first, "\(run.file) \(label): a second load differs")
                out += "\n## \(run.file) with \(Self.describe(base.variables))\(words.isEmpty ? "" : " words " + words), \(label)\n\(first)\n"
            }
        }
        GoldenFile.check(out, file: Self.folder.appendingPathComponent("runs.expect"))
    }

    @Test func courseRunsLoadAsAFreshCompileDoes() throws {
        let content = try Content.load(caches: sharedCaches)
        let runs = content.catalog.exercises.flatMap { e in (0..<min(6, e.variantCount)).map { e.run(for: e.variant(at: $0)) } }
        #expect(runs.count >= content.catalog.exercises.count)
        for base in runs {
            for (label, run) in Self.variations(of: base) {
                let cached = Self.describe(run: run)
                let fresh: String
                do throws(DiagnosticError) {
                    let r = try run.load(CompiledScenario(YAMLDocument(text: run.substitutedText(), file: run.file)))
                    fresh = Self.describe(r.scenario) + "\n  variables: " + Self.describe(r.variables) + "\n  let: " + r.letNames.joined(separator: " ")
                } catch {
                    fresh = Self.refused(error)
                }
                #expect(cached == fresh, "\(run.file) \(label)")
            }
        }
    }

    // MARK: - Arithmetic

    static let expressions = [
        "1", " 1 + 2 * 3 ", "(1 + 2) * 3", "-sqs", "--3", "- -x", "a", "x + a", "a + x", "x / y", "x % y", "y / 0 + a",
        "a + 1/0", "1/0 + a", "x * (", "x * (a", "(x", "x)", "x y", "min(x, a)", "max(a, x)", "min(x", "min x", "min()",
        "max(1, 2, 3)", "min(3, x, y)", "9999999999999999999999", "a + 9999999999999999999999", "9223372036854775807 + 1",
        "a + 9223372036854775807 * 2", "9223372036854775807 * 2 + a", "", "   ", "+", "x +", "x + )", "x + y + z + a",
        "sqs - rqs", "min(sqs, rqs) + max(sqs, rqs)", "x_1 + _y", "٣ + 1", "x,y", "(x, y)", "x\t*\t3", "x $ 3", "{x}",
    ]
    static let expressionVariables: [[String: Int]] = [[:], ["x": 3, "y": 0, "sqs": 500, "rqs": 700, "x_1": 1, "_y": 2], ["a": 1, "x": -4, "y": 2, "z": 5]]

    /// "= value" or "! message".
    static func outcome<T>(_ body: () throws(Arithmetic.Failure) -> T) -> String {
        do throws(Arithmetic.Failure) { return "= \(try body())" } catch { return "! \(error.message)" }
    }

    /// Expressions fail as reading left to right does: the first mistake is the one named. The
    /// compiled form, the one-shot evaluation and a template holding the expression all agree with
    /// `expressions.expect`.
    @Test func expressionsEvaluateAsRecorded() {
        var out = "# expression | variables → value, or the failure's message; then in \"send {expression} and {x}\"\n"
        for (i, v) in Self.expressionVariables.enumerated() { out += "# v\(i) = \(Self.describe(v))\n" }
        for text in Self.expressions {
            let compiled = Arithmetic.Compiled(text)
            for (i, v) in Self.expressionVariables.enumerated() {
                let value = Self.outcome { () throws(Arithmetic.Failure) in try compiled.evaluate(variables: v) }
                #expect(Self.outcome { () throws(Arithmetic.Failure) in try Arithmetic.evaluate(text, variables: v) } == value, "'\(text)' v\(i)")
                let t = "send {\(text)} and {x}"
                let substituted = Self.outcome { () throws(Arithmetic.Failure) in try Arithmetic.Template(t).substitute(variables: v) }
                #expect(Self.outcome { () throws(Arithmetic.Failure) in try Arithmetic.substitute(in: t, variables: v) } == substituted, "'\(t)' v\(i)")
                out += "\(text.debugDescription) v\(i) \(value) | \(substituted)\n"
            }
        }
        for t in ["plain", "", "{", "a {x} b {", "}{x}{", "{x}{y}", "}"] {
            for (i, v) in Self.expressionVariables.enumerated() {
                let substituted = Self.outcome { () throws(Arithmetic.Failure) in try Arithmetic.substitute(in: t, variables: v) }
                #expect(Self.outcome { () throws(Arithmetic.Failure) in try Arithmetic.Template(t).substitute(variables: v) } == substituted, "'\(t)' v\(i)")
                out += "template \(t.debugDescription) v\(i) \(substituted)\n"
            }
        }
        GoldenFile.check(out, file: Self.folder.appendingPathComponent("expressions.expect"))
    }
}
