import ScenarioLoading
import SocketSim
import SourceFiles

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
    /// Where the scenario, once read, is kept: the cache of the course the run belongs to
    /// (`CourseCaches.scenarios`), shared by every run made from it. Not part of the run's
    /// identity: two runs of the same text are the same run.
    @NotCompared public var caches: ScenarioCache

    /// `caches`: the course's (`ExerciseCatalog.load` passes them); a run made alone gets its own.
    public init(text: String, file: String, variables: [String: Int] = [:], textVariables: [String: String] = [:],
                overrides: [String: String] = [:], caches: ScenarioCache = ScenarioCache()) {
        self.text = text
        self.file = file
        self.variables = variables
        self.textVariables = textVariables
        self.overrides = overrides
        self.caches = caches
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

    /// The scenario read once for its text, file and words (`caches`): loads after
    /// the first only evaluate what depends on the numbers.
    func compiled() throws(DiagnosticError) -> CompiledScenario {
        try caches.compiled(for: self)
    }

    /// The text with the word variables replaced, as the scenario is read.
    func substitutedText() -> String {
        var t = text
        for (name, value) in textVariables { t = t.replacingAll("{\(name)}", with: value) }
        return t
    }

    var effectiveOverrides: [String: String] {
        guard !textVariables.isEmpty else { return overrides }
        var o = overrides
        for key in ["network", "start"] { if let v = textVariables[key] { o[key] = v } }
        return o
    }

    /// Loads the scenario and computes every name it defines (parameters and `let` values).
    public func load() throws(DiagnosticError) -> (scenario: Scenario, variables: [String: Int], letNames: [String]) {
        try load(compiled())
    }

    /// The names are the ones the load computed (`LoadedScenario.variables`: these variables, every
    /// integer parameter as the file and the overrides left it, then the `let`s), so a `let` is
    /// evaluated once, with its diagnostics, and never a second way.
    func load(_ compiled: CompiledScenario) throws(DiagnosticError) -> (scenario: Scenario, variables: [String: Int], letNames: [String]) {
        let loaded = try compiled.instantiate(variables: variables, overrides: effectiveOverrides)
        return (loaded.scenario, loaded.variables, compiled.letNames)
    }

    /// Runs the scenario once.
    public func run() throws(DiagnosticError) -> QueryRun {
        let compiled = try compiled()
        let (scenario, vars, _) = try load(compiled)
        return QueryRun(trace: try compiled.simulate(scenario), variables: vars, textVariables: textVariables)
    }

    /// Loads the scenario once, for evaluating queries under several variations of the model.
    public func prepare() throws(DiagnosticError) -> PreparedRun {
        let compiled = try compiled()
        let (scenario, vars, letNames) = try load(compiled)
        return PreparedRun(run: self, compiled: compiled, scenario: scenario, variables: vars, letNames: Set(letNames))
    }

    /// Evaluates queries on one run of the scenario, re-running it only for searches.
    /// `transform` changes the scenario before each run and `view` the trace after it (the
    /// misconception variations of the model).
    public func evaluate(_ queries: [Query], transform: (@Sendable (Scenario) -> Scenario)? = nil,
                         view: (@Sendable (Trace) -> Trace)? = nil) throws(DiagnosticError) -> [Result<AnswerValue, QueryError>] {
        try prepare().evaluate(queries, transform: transform, view: view)
    }

    static func simulate(_ s: Scenario, _ transform: ((Scenario) -> Scenario)?, _ view: ((Trace) -> Trace)?) throws(WorkBudget.Exceeded) -> Trace {
        let trace = try Simulator.run(transform?(s) ?? s)
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
