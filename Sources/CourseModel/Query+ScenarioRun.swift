import SocketSim
import Yams

/// A scenario's text plus the names it runs with: everything needed to run it, and to run it again
/// with one name changed, which is what `min`/`max` queries and carried-forward answers do.
public struct ScenarioRun: Sendable, Hashable {
    /// The scenario's YAML text (for a scenario written inside an exercise: the exercise file's text
    /// with everything but the scenario blanked out, so that lines still match the file).
    public var text: String
    public var file: String
    /// Course parameters and integer variant values, visible to `{expressions}`.
    public var variables: [String: Int]
    /// Variant values that are words; `{name}` is replaced by the word before the scenario is read,
    /// and `network` / `start` also become overrides.
    public var textVariables: [String: String]
    /// `--set`-style overrides: parameter names and the scenario's `let` names.
    public var overrides: [String: String]

    public init(text: String, file: String, variables: [String: Int] = [:], textVariables: [String: String] = [:],
                overrides: [String: String] = [:]) {
        self.text = text
        self.file = file
        self.variables = variables
        self.textVariables = textVariables
        self.overrides = overrides
    }

    /// The same run with `name` set to `value`: a `let` name or a parameter is overridden (so it wins
    /// over the scenario's own value); any other name becomes a variable.
    public func setting(_ name: String, to value: Int, letNames: Set<String>) -> ScenarioRun {
        var copy = self
        if letNames.contains(name) || ScenarioLoader.settableNames.contains(name) {
            copy.overrides[name] = String(value)
        }
        copy.variables[name] = value
        return copy
    }

    func document() throws(DiagnosticError) -> YAMLDocument {
        var t = text
        for (name, value) in textVariables { t = t.replacingAll("{\(name)}", with: value) }
        return try YAMLDocument(text: t, file: file)
    }

    var effectiveOverrides: [String: String] {
        var o = overrides
        for key in ["network", "start"] { if let v = textVariables[key] { o[key] = v } }
        return o
    }

    /// Loads the scenario and computes every name it defines (parameters and `let` values).
    public func load() throws(DiagnosticError) -> (scenario: Scenario, variables: [String: Int], letNames: [String]) {
        try load(document())
    }

    func load(_ doc: YAMLDocument) throws(DiagnosticError) -> (scenario: Scenario, variables: [String: Int], letNames: [String]) {
        let o = effectiveOverrides
        let scenario = try ScenarioLoader.load(doc, variables: variables, overrides: o)
        var vars = variables
        for name in Parameters.integerNames { vars[name] = scenario.parameters[integer: name] }
        var names: [String] = []
        if case .mapping(let m) = doc.root, let letNode = m["let"], case .mapping(let pairs) = letNode {
            for (k, v) in pairs {
                guard let name = k.string else { continue }
                names.append(name)
                let source = o[name] ?? v.string ?? ""
                if let value = try? Expression.evaluate(Self.unbrace(source), variables: vars) { vars[name] = value }
            }
        }
        return (scenario, vars, names)
    }

    static func unbrace(_ s: String) -> String {
        let t = s.trimmed()
        if t.hasPrefix("{") && t.hasSuffix("}") && t.filter({ $0 == "{" }).count == 1 { return String(t.dropFirst().dropLast()) }
        return t
    }

    /// Runs the scenario once.
    public func run() throws(DiagnosticError) -> QueryRun {
        let (scenario, vars, _) = try load()
        return QueryRun(trace: Simulator.run(scenario), variables: vars, textVariables: textVariables)
    }

    /// Evaluates queries on one run of the scenario, re-running it only for searches.
    /// `transform` changes the scenario before each run and `view` the trace after it (the
    /// misconception variations of the model).
    public func evaluate(_ queries: [Query], transform: (@Sendable (Scenario) -> Scenario)? = nil,
                         view: (@Sendable (Trace) -> Trace)? = nil) throws(DiagnosticError) -> [Result<AnswerValue, QueryError>] {
        let doc = try document()
        let (scenario, vars, letNames) = try load(doc)
        let base = QueryRun(trace: Self.simulate(scenario, transform, view), variables: vars, textVariables: textVariables)
        let lets = Set(letNames)
        let rerun: QueryRerun = { (name: String, value: Int) throws(QueryError) -> QueryRun in
            let again = self.setting(name, to: value, letNames: lets)
            do throws(DiagnosticError) {
                let (s, v, _) = try again.load(doc)
                return QueryRun(trace: Self.simulate(s, transform, view), variables: v, textVariables: self.textVariables)
            } catch {
                throw QueryError("with \(name) = \(value) the scenario does not load: \(error.diagnostics.map(\.message).joined(separator: "; "))")
            }
        }
        return queries.map { q in
            do throws(QueryError) { return .success(try q.evaluate(on: base, rerun: rerun)) } catch { return .failure(error) }
        }
    }

    static func simulate(_ s: Scenario, _ transform: ((Scenario) -> Scenario)?, _ view: ((Trace) -> Trace)?) -> Trace {
        let trace = Simulator.run(transform?(s) ?? s)
        return view?(trace) ?? trace
    }
}

extension String {
    /// Every occurrence of `target` replaced (the standard library alone, for the core-adjacent code).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
