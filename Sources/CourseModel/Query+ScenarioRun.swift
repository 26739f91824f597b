import Foundation
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
        return try DocumentCache.shared.document(text: t, file: file)
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
        // Keys are compared as strings: a Yams node lookup would resolve (and mutate) tags of a
        // document that other threads share through the cache.
        if case .mapping(let m) = doc.root, let letNode = m.first(where: { $0.key.string == "let" })?.value,
           case .mapping(let pairs) = letNode {
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

    /// Loads the scenario once, for evaluating queries under several variations of the model.
    public func prepare() throws(DiagnosticError) -> PreparedRun {
        let doc = try document()
        let (scenario, vars, letNames) = try load(doc)
        return PreparedRun(run: self, doc: doc, scenario: scenario, variables: vars, letNames: Set(letNames))
    }

    /// Evaluates queries on one run of the scenario, re-running it only for searches.
    /// `transform` changes the scenario before each run and `view` the trace after it (the
    /// misconception variations of the model).
    public func evaluate(_ queries: [Query], transform: (@Sendable (Scenario) -> Scenario)? = nil,
                         view: (@Sendable (Trace) -> Trace)? = nil) throws(DiagnosticError) -> [Result<AnswerValue, QueryError>] {
        try prepare().evaluate(queries, transform: transform, view: view)
    }

    static func simulate(_ s: Scenario, _ transform: ((Scenario) -> Scenario)?, _ view: ((Trace) -> Trace)?) -> Trace {
        let trace = Simulator.run(transform?(s) ?? s)
        return view?(trace) ?? trace
    }
}

/// A scenario loaded once, with its names: queries under each variation of the model reuse it and
/// load the scenario again only to change a name (searches).
public struct PreparedRun: @unchecked Sendable {
    public let run: ScenarioRun
    let doc: YAMLDocument
    public let scenario: Scenario
    public let variables: [String: Int]
    public let letNames: Set<String>

    public func evaluate(_ queries: [Query], transform: (@Sendable (Scenario) -> Scenario)? = nil,
                         view: (@Sendable (Trace) -> Trace)? = nil) -> [Result<AnswerValue, QueryError>] {
        let base = QueryRun(trace: ScenarioRun.simulate(scenario, transform, view), variables: variables, textVariables: run.textVariables)
        let rerun: QueryRerun = { (name: String, value: Int) throws(QueryError) -> QueryRun in
            let again = run.setting(name, to: value, letNames: letNames)
            do throws(DiagnosticError) {
                let (s, v, _) = try again.load(doc)
                return QueryRun(trace: ScenarioRun.simulate(s, transform, view), variables: v, textVariables: run.textVariables)
            } catch {
                throw QueryError("with \(name) = \(value) the scenario does not load: \(error.diagnostics.map(\.message).joined(separator: "; "))")
            }
        }
        return queries.map { q in
            do throws(QueryError) { return .success(try q.evaluate(on: base, rerun: rerun)) } catch { return .failure(error) }
        }
    }
}

/// Parsed scenario documents by text: a grading run evaluates the same few scenarios for every
/// variant and misconception, and parsing is the dearest part of a small scenario's run.
final class DocumentCache: @unchecked Sendable {
    static let shared = DocumentCache()
    private let lock = NSLock()
    private var docs: [String: YAMLDocument] = [:]

    func document(text: String, file: String) throws(DiagnosticError) -> YAMLDocument {
        let key = file + "\u{0}" + text
        lock.lock()
        if let d = docs[key] { lock.unlock(); return d }
        lock.unlock()
        let d = try YAMLDocument(text: text, file: file)
        lock.lock()
        if docs.count > 4096 { docs.removeAll() }
        docs[key] = d
        lock.unlock()
        return d
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
