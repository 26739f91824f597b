import SourceFiles
import SocketSim
import Yams

/// A scenario with the names its expressions were evaluated with.
public struct LoadedScenario: Sendable, Hashable {
    public var scenario: Scenario
    public var variables: [String: Int]
}

/// Reads scenario files (the contract in README "Scenario files") into `Scenario` values.
///
/// Numbers may be `{expressions}` over the course parameters and the scenario's own `let:` names, so
/// that a change of SQS or RQS moves every example. Every mistake becomes a diagnostic naming the
/// file, the line and what was expected; the loader reports all it finds, not just the first.
public enum ScenarioLoader {
    public static let knownKeys = [
        "title", "description", "sqs", "rqs", "mss", "network", "msl", "rto", "maxRetransmissions",
        "finWait2Timeout", "ephemeralPorts", "backlog", "let", "hosts", "start", "steps",
    ]

    /// Parameter names that `--set` may override, besides the scenario's own `let:` names.
    public static let settableNames = Parameters.integerNames + ["network", "start"]

    /// Loads a scenario.
    /// - Parameters:
    ///   - variables: values visible to `{expressions}` before the scenario's own (course parameters,
    ///     an exercise variant's parameters). A scenario that does not set `sqs` takes `variables["sqs"]`.
    ///   - overrides: `--set KEY=VALUE` pairs, applied over the file's own values; a key that names
    ///     no parameter is an error.
    public static func load(text: String, file: String, variables: [String: Int] = [:],
                            overrides: [String: String] = [:]) throws(DiagnosticError) -> Scenario {
        let doc = try YAMLDocument(text: text, file: file)
        return try load(doc, variables: variables, overrides: overrides)
    }

    public static func load(_ doc: YAMLDocument, variables base: [String: Int] = [:],
                            overrides: [String: String] = [:]) throws(DiagnosticError) -> Scenario {
        try loadWithVariables(doc, variables: base, overrides: overrides).scenario
    }

    /// Loads a scenario and also returns every name its `{expressions}` could see (course parameters,
    /// the scenario's final parameters and its `let:` names), for `param NAME` queries.
    public static func loadWithVariables(text: String, file: String, variables: [String: Int] = [:],
                                         overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        try loadWithVariables(YAMLDocument(text: text, file: file), variables: variables, overrides: overrides)
    }

    public static func loadWithVariables(_ doc: YAMLDocument, variables base: [String: Int] = [:],
                                         overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        try CompiledScenario(doc).instantiate(variables: base, overrides: overrides)
    }

    /// Runs a scenario loaded from `text`, keeping its trace; a run over the kept-trace budget
    /// (`WorkBudget.kept`) is a diagnostic at the step where it went over.
    public static func simulate(_ scenario: Scenario, text: String, file: String) throws(DiagnosticError) -> Trace {
        do throws(WorkBudget.Exceeded) { return try Simulator.run(scenario) } catch {
            // Only on this path is the text read again, to find the step.
            let compiled = try CompiledScenario(text: text, file: file)
            throw DiagnosticError(compiled.tooLarge(error))
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { Int($0).map { (0...255).contains($0) } ?? false }
    }
}
