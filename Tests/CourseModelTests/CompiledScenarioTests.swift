import CourseModel
import Foundation
import SocketSim
import Testing

/// A scenario compiled once and instantiated per variable set gives exactly what loading it from
/// scratch gave before (ReferenceScenarioLoader): the same scenario and names, or the same
/// diagnostics, in the same order, at the same places.
@Suite struct CompiledScenarioTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case loaded(LoadedScenario)
        case failed([Diagnostic])

        init(_ body: () throws(DiagnosticError) -> LoadedScenario) {
            do throws(DiagnosticError) { self = .loaded(try body()) } catch { self = .failed(error.diagnostics) }
        }

        var description: String {
            switch self {
            case .loaded(let l): return "\(l)"
            case .failed(let ds): return ds.map(\.description).joined(separator: "\n")
            }
        }
    }

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

    /// Scenarios that exercise every diagnostic the loader gives, and some that load.
    static let texts: [String] = [
        "- not a mapping",
        "just text",
        """
        title: [a, list]
        colour: blue
        sqs: {a: 1}
        rqs: "{sqs + }"
        mss: "12x"
        msl: "forever"
        rto: "{1/0}s"
        ephemeralPorts: 9-3
        network: sideways
        start: later
        steps:
          - client: send 1
        """,
        """
        sqs: "{n}"
        rqs: "{sqs * 2}"
        msl: "{sqs}ms"
        maxRetransmissions: 99
        backlog: -1
        ephemeralPorts: [1, 2]
        network: [auto]
        start: {a: b}
        steps:
          - client: send {sqs}
        """,
        """
        let:
          n: "{sqs + rqs + 1}"
          m: "{n * 2}"
          9bad: 3
          big: "{m * m * m * m * m * m * m * m * m * m}"
          l: [1, 2]
          u: "{nothere}"
        steps:
          - client: send {n}
          - server: recv {m
          - server: recv {min(n, m)} nonblock
          - server: recv {max(n, m, 3) - 1}
          - client: send {big}
        """,
        """
        let: [n, m]
        hosts: [a, b]
        steps: nothing
        """,
        """
        hosts:
          net: {}
          a1:
            address: 10.0.0.9
            sqs: "{sqs / 2}"
            rqs: 0
            colour: red
          b_2:
            addresses: [10.0.0.2, 300.1.1.1, [x], "not-an-ip"]
            sqs: "{zz}"
            rqs: [1]
          c3: ~
          d4: [1, 2]
          e5:
            address: [x]
            addresses: bare
        steps:
          - a1: listen 80
          - b_2: connect a1:80
          - c3: send {sqs}
          - zz: send 1
          - net: transfer all
          - time: +{msl}ms
          - net: deliver {0 - 1}
          - [a, list]
          - {a1: x, b_2: y}
          - a1: {call: send}
          - a1:
          - "": send 1
        """,
        """
        hosts:
          solo: {}
        start: established
        steps:
          - solo: socket
        """,
        """
        hosts:
          solo: {}
        steps:
          - solo: send 10
        """,
        """
        hosts:
          9x: {}
          time: {}
        steps:
          - client: send 1
        """,
        """
        title: no steps at all
        sqs: 100
        """,
        """
        steps:
        """,
        """
        steps: ~
        """,
        """
        title: a fine one
        sqs: 700
        rqs: "{sqs - 200}"
        mss: 100
        network: manual
        msl: 2min
        rto: 500ms
        finWait2Timeout: "{msl}"
        ephemeralPorts: 50000-50010
        backlog: 3
        let:
          n: "{sqs + rqs + 1}"
          half: "{n / 2}"
        steps:
          - client: send {n}
          - server: send {half} nonblock
          - net: transfer {mss * 2} client
          - net: deliver all
          - net: drop
          - time: +{msl / 1000}s
          - client: shutdown SHUT_WR
          - server: recv {min(n, 10)}
          - server: close fd=3
          - client: close
        """,
        """
        steps:
          - client: send {sqs + }
          - client: send {1/0}
          - client: send {9999999999999999999999}
          - client: send {a b}
          - client: send {min 3}
          - client: send {max(1, 2}
          - client: send {(1 + 2}
          - client: send {-sqs}
          - client: send {}
          - client: send {sqs} {
          - client: bogus 1
          - client: send
          - server: listen 99999
          - server: bind nowhere
          - net: transfer 1 nobody
          - net: deliver 0
          - time: soon
          - client: send {sqs * sqs * sqs * sqs * sqs * sqs * sqs * sqs}
        """,
        """
        sqs: 100
        let:
          n: 5
        steps:
          - client: socket
          - client: bind 10.0.0.1:{n + 1000} reuseaddr
          - client: listen backlog={n}
          - server: socket
          - server: connect client:{n + 1000}
          - client: accept
          - client: send {n} fd=4
        """,
    ]

    static func compare(_ compiled: CompiledScenario, _ doc: YAMLDocument, label: String) {
        // Twice over, in both orders: a compiled scenario keeps nothing from one load to the next.
        let cases = variableSets.flatMap { v in overrideSets.map { (v, $0) } }
        for (v, o) in cases + cases.reversed() {
            let expected = Outcome { () throws(DiagnosticError) in try ReferenceScenarioLoader.loadWithVariables(doc, variables: v, overrides: o) }
            let got = Outcome { () throws(DiagnosticError) in try compiled.instantiate(variables: v, overrides: o) }
            #expect(got == expected, "\(label) with \(v) / \(o)")
            let direct = Outcome { () throws(DiagnosticError) in try ScenarioLoader.loadWithVariables(doc, variables: v, overrides: o) }
            #expect(direct == expected, "\(label) with \(v) / \(o), loaded directly")
        }
    }

    @Test func badAndGoodScenariosLoadAsFromScratch() throws {
        for (i, text) in Self.texts.enumerated() {
            let doc = try YAMLDocument(text: text, file: "case\(i).yaml")
            Self.compare(CompiledScenario(doc), doc, label: "case \(i)")
        }
    }

    @Test func courseScenariosLoadAsFromScratch() throws {
        let content = try Content.load()
        for s in content.scenarios {
            let doc = try YAMLDocument(text: s.text, file: s.path)
            Self.compare(CompiledScenario(doc), doc, label: s.name)
        }
        // Scenarios written inside exercises (the exercise file with the rest blanked out).
        for e in content.catalog.exercises where e.scenarioName == nil {
            let doc = try YAMLDocument(text: e.scenario.text, file: e.scenario.file)
            Self.compare(CompiledScenario(doc), doc, label: e.id)
        }
    }

    @Test func scenarioRunsLoadAsFromScratch() throws {
        let content = try Content.load()
        var runs: [ScenarioRun] = content.catalog.exercises.flatMap { e in
            (0..<min(6, e.variantCount)).map { e.run(for: e.variant(at: $0)) }
        }
        runs += Self.texts.enumerated().map { ScenarioRun(text: $1, file: "case\($0).yaml", variables: ["sqs": 400, "rqs": 600]) }
        runs.append(ScenarioRun(text: "network: {mode}\nsteps:\n  - client: send {n}\n", file: "words.yaml",
                                variables: ["n": 10], textVariables: ["mode": "manual"]))
        runs.append(ScenarioRun(text: "steps:\n  - client: {verb} 10\n", file: "words.yaml", textVariables: ["verb": "recv", "start": "closed"]))
        runs.append(ScenarioRun(text: "steps:\n  - client: {verb} 10\n", file: "words.yaml", textVariables: ["verb": "bogus", "network": "x"]))
        runs.append(ScenarioRun(text: "steps: [\n", file: "broken.yaml"))
        for base in runs {
            let lets = Set((try? base.referenceLoad().letNames) ?? [])
            var variations = [base, base.setting("sqs", to: 123, letNames: lets), base.setting("n", to: 4321, letNames: lets),
                              base.setting("zz", to: 1, letNames: lets)]
            variations += lets.sorted().map { base.setting($0, to: 77, letNames: lets) }
            for run in variations + variations {
                let expected = Result { () throws(DiagnosticError) in try run.referenceLoad() }
                let got = Result { () throws(DiagnosticError) in try run.load() }
                switch (expected, got) {
                case (.success(let a), .success(let b)):
                    #expect(a.scenario == b.scenario && a.variables == b.variables && a.letNames == b.letNames, "\(run.file) \(run.variables) \(run.overrides)")
                case (.failure(let a), .failure(let b)):
                    #expect(a.diagnostics == b.diagnostics, "\(run.file) \(run.variables) \(run.overrides)")
                default:
                    Issue.record("\(run.file) \(run.variables) \(run.overrides): \(expected) vs \(got)")
                }
            }
        }
    }

    @Test func compiledExpressionsFailAsReadingLeftToRight() {
        let expressions = [
            "1", " 1 + 2 * 3 ", "(1 + 2) * 3", "-sqs", "--3", "- -x", "a", "x + a", "a + x", "x / y", "x % y", "y / 0 + a",
            "a + 1/0", "1/0 + a", "x * (", "x * (a", "(x", "x)", "x y", "min(x, a)", "max(a, x)", "min(x", "min x", "min()",
            "max(1, 2, 3)", "min(3, x, y)", "9999999999999999999999", "a + 9999999999999999999999", "9223372036854775807 + 1",
            "a + 9223372036854775807 * 2", "9223372036854775807 * 2 + a", "", "   ", "+", "x +", "x + )", "x + y + z + a",
            "sqs - rqs", "min(sqs, rqs) + max(sqs, rqs)", "x_1 + _y", "٣ + 1", "x,y", "(x, y)", "x\t*\t3", "x $ 3", "{x}",
        ]
        let variables: [[String: Int]] = [[:], ["x": 3, "y": 0, "sqs": 500, "rqs": 700, "x_1": 1, "_y": 2], ["a": 1, "x": -4, "y": 2, "z": 5]]
        /// "= value" or "! message".
        func ref<T>(_ body: () throws(ReferenceExpression.Failure) -> T) -> String {
            do throws(ReferenceExpression.Failure) { return "= \(try body())" } catch { return "! \(error.message)" }
        }
        func new<T>(_ body: () throws(Arithmetic.Failure) -> T) -> String {
            do throws(Arithmetic.Failure) { return "= \(try body())" } catch { return "! \(error.message)" }
        }
        for text in expressions {
            let compiled = Arithmetic.Compiled(text)
            for v in variables {
                #expect(new { () throws(Arithmetic.Failure) in try compiled.evaluate(variables: v) }
                        == ref { () throws(ReferenceExpression.Failure) in try ReferenceExpression.evaluate(text, variables: v) }, "'\(text)' with \(v)")
                #expect(new { () throws(Arithmetic.Failure) in try Arithmetic.evaluate(text, variables: v) }
                        == ref { () throws(ReferenceExpression.Failure) in try ReferenceExpression.evaluate(text, variables: v) }, "'\(text)' with \(v)")
                let t = "send {\(text)} and {x}"
                #expect(new { () throws(Arithmetic.Failure) in try Arithmetic.Template(t).substitute(variables: v) }
                        == ref { () throws(ReferenceExpression.Failure) in try ReferenceExpression.substitute(in: t, variables: v) }, "'\(t)' with \(v)")
            }
        }
        for t in ["plain", "", "{", "a {x} b {", "}{x}{", "{x}{y}", "}"] {
            for v in variables {
                #expect(new { () throws(Arithmetic.Failure) in try Arithmetic.substitute(in: t, variables: v) }
                        == ref { () throws(ReferenceExpression.Failure) in try ReferenceExpression.substitute(in: t, variables: v) }, "'\(t)' with \(v)")
            }
        }
    }
}
