import Foundation
import SocketSim
import SourceFiles
import Synchronization
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
    /// Where the scenario, once read, is kept (`CourseCaches.scenarios`): the caches of the course
    /// the run belongs to, shared by every run made from it. Not part of the run's identity
    /// (`==` and `hash` leave it out): two runs of the same text are the same run.
    public var caches: CourseCaches

    /// `caches`: the course's (`ExerciseCatalog.load` passes them); a run made alone gets its own.
    public init(text: String, file: String, variables: [String: Int] = [:], textVariables: [String: String] = [:],
                overrides: [String: String] = [:], caches: CourseCaches = CourseCaches()) {
        self.text = text
        self.file = file
        self.variables = variables
        self.textVariables = textVariables
        self.overrides = overrides
        self.caches = caches
    }

    public static func == (a: ScenarioRun, b: ScenarioRun) -> Bool {
        a.text == b.text && a.file == b.file && a.variables == b.variables && a.textVariables == b.textVariables
            && a.overrides == b.overrides
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(file)
        hasher.combine(variables)
        hasher.combine(textVariables)
        hasher.combine(overrides)
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

    /// The scenario read once for its text, file and words (`CourseCaches.scenarios`): loads after
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

    func load(_ compiled: CompiledScenario) throws(DiagnosticError) -> (scenario: Scenario, variables: [String: Int], letNames: [String]) {
        let o = effectiveOverrides
        let scenario = try compiled.instantiate(variables: variables, overrides: o).scenario
        var vars = variables
        vars.reserveCapacity(variables.count + Parameters.integerNames.count + compiled.runLets.count)
        for name in Parameters.integerNames { vars[name] = scenario.parameters[integer: name] }
        var names: [String] = []
        names.reserveCapacity(compiled.runLets.count)
        for l in compiled.runLets {
            names.append(l.name)
            if let source = o[l.name] {
                if let value = try? Arithmetic.evaluate(Self.unbrace(source), variables: vars) { vars[l.name] = value }
            } else if let value = try? l.expression.evaluate(variables: vars) {
                vars[l.name] = value
            }
        }
        return (scenario, vars, names)
    }

    static func unbrace(_ s: String) -> String {
        let t = s.trimmingSpacesTabsAndNewlines()
        if t.hasPrefix("{") && t.hasSuffix("}") && t.filter({ $0 == "{" }).count == 1 { return String(t.dropFirst().dropLast()) }
        return t
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

/// A scenario loaded once, with its names: queries under each variation of the model reuse it and
/// load the scenario again only to change a name (searches).
///
/// What it loads for searches, and the traces of the scenario as loaded, it keeps (`RunMemo`): the
/// variations of the model re-run the same search candidates, and most variations run the very
/// same scenario (they change only how the trace is read), which the simulator, being
/// deterministic, would only compute again.
public struct PreparedRun: Sendable {
    public let run: ScenarioRun
    let compiled: CompiledScenario
    public let scenario: Scenario
    public let variables: [String: Int]
    public let letNames: Set<String>
    let memo = RunMemo()

    public func evaluate(_ queries: [Query], transform: (@Sendable (Scenario) -> Scenario)? = nil,
                         view: (@Sendable (Trace) -> Trace)? = nil) -> [Result<AnswerValue, QueryError>] {
        let base: QueryRun
        do throws(WorkBudget.Exceeded) {
            base = QueryRun(trace: try simulate(scenario, nil, transform, view), variables: variables, textVariables: run.textVariables)
        } catch {
            let failure = QueryError(compiled.tooLarge(error).description)
            return queries.map { _ in .failure(failure) }
        }
        let rerun: QueryRerun = { (name: String, value: Int) throws(QueryError) -> QueryRun in
            let key = RunMemo.Rerun(name: name, value: value)
            switch memo.load(key, { () throws(DiagnosticError) in
                let (s, v, _) = try run.setting(name, to: value, letNames: letNames).load(compiled)
                return (s, v)
            }) {
            case .success(let (s, v)):
                do throws(WorkBudget.Exceeded) {
                    return QueryRun(trace: try simulate(s, key, transform, view), variables: v, textVariables: run.textVariables)
                } catch {
                    throw QueryError("with \(name) = \(value): \(compiled.tooLarge(error).description)")
                }
            case .failure(let error):
                throw QueryError("with \(name) = \(value) the scenario does not load: \(error.diagnostics.map(\.message).joined(separator: "; "))")
            }
        }
        return queries.map { q in
            do throws(QueryError) { return .success(try q.evaluate(on: base, rerun: rerun)) } catch { return .failure(error) }
        }
    }

    /// `ScenarioRun.simulate` for the prepared scenario (`rerun` nil) or a search's load of it; when
    /// `transform` leaves the scenario as it is, the trace of the scenario as loaded is reused.
    func simulate(_ s: Scenario, _ rerun: RunMemo.Rerun?, _ transform: ((Scenario) -> Scenario)?, _ view: ((Trace) -> Trace)?) throws(WorkBudget.Exceeded) -> Trace {
        let transformed = transform?(s) ?? s
        // Quick when the transform changed nothing: the arrays are still the same arrays.
        let trace = transformed == s ? try memo.trace(rerun) { () throws(WorkBudget.Exceeded) in try Simulator.run(s) } : try Simulator.run(transformed)
        return view?(trace) ?? trace
    }
}

/// The loads and traces of one prepared run (see `PreparedRun`), by search candidate. It keeps at
/// most `maxLoads` loads and `maxTraces` traces (a search that tries candidates one by one may try
/// 200,000); past that, it computes without keeping. The trace of the scenario as loaded is
/// always kept.
final class RunMemo: Sendable {
    static let maxLoads = 256
    static let maxTraces = 64
    private let loads = LockedMemo<Rerun, Result<(Scenario, [String: Int]), DiagnosticError>>(limit: maxLoads, whenFull: .keep)
    private let baseTrace = Mutex<Trace?>(nil)
    private let traces = LockedMemo<Rerun, Trace>(limit: maxTraces, whenFull: .keep)

    /// A search candidate: the prepared run with `name` set to `value`.
    struct Rerun: Hashable, Sendable {
        let name: String
        let value: Int
    }

    /// The scenario and names for a candidate, loaded by `load` the first time.
    func load(_ key: Rerun, _ load: () throws(DiagnosticError) -> (Scenario, [String: Int])) -> Result<(Scenario, [String: Int]), DiagnosticError> {
        loads.value(key) { () -> Result<(Scenario, [String: Int]), DiagnosticError> in
            do throws(DiagnosticError) { return .success(try load()) } catch { return .failure(error) }
        }
    }

    /// The trace of the prepared scenario (`key` nil) or of a candidate's load, simulated by `run`
    /// the first time.
    func trace(_ key: Rerun?, _ run: () throws(WorkBudget.Exceeded) -> Trace) throws(WorkBudget.Exceeded) -> Trace {
        if let key { return try traces.value(key, run) }
        if let cached = baseTrace.withLock({ $0 }) { return cached }
        let trace = try run()
        baseTrace.withLock { $0 = trace }
        return trace
    }
}

extension CourseCaches {
    /// A scenario's identity for `scenarios`: its text, file and words. The key hashes only the
    /// file, the text's length and the words; equal keys compare the whole text, which is quick
    /// when it is the same string (every run of an exercise shares its scenario's text).
    struct ScenarioKey: Hashable, Sendable {
        let text: String
        let file: String
        let textVariables: [String: String]

        func hash(into hasher: inout Hasher) {
            hasher.combine(file)
            hasher.combine(text.utf8.count)
            hasher.combine(textVariables)
        }
    }

    /// The run's scenario read (once per text, file and words), or why it cannot be read.
    func compiled(for run: ScenarioRun) throws(DiagnosticError) -> CompiledScenario {
        let key = ScenarioKey(text: run.text, file: run.file, textVariables: run.textVariables)
        return try scenarios.value(key) { () -> Result<CompiledScenario, DiagnosticError> in
            do throws(DiagnosticError) {
                return .success(CompiledScenario(try YAMLDocument(text: run.substitutedText(), file: run.file)))
            } catch {
                return .failure(error)
            }
        }.get()
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
