import CourseModel
import SocketSim
import SourceFiles

/// Worked-example values: a query over a scenario's run, shown as prose text.
extension BuildContext {
    /// Evaluates a value's query on its scenario, re-running the scenario for `min`/`max` searches.
    mutating func value(_ spec: ValueSpec) throws(DiagnosticError) -> String {
        let run: (Trace, [String: Int])
        switch trace(spec.scenario) {
        case .failure(let e): throw e
        case .success(let r): run = r
        }
        let words = spec.query.split(separator: " ")
        if words.count == 2, words[0] == "param", Parameters.durationNames.contains(String(words[1])), let v = run.1[String(words[1])] {
            return DurationText.korean(v)
        }
        guard let (path, text) = chapter.scenarios[spec.scenario] else {
            throw DiagnosticError(Diagnostic(at: spec.location, id: .contentUnknownScenario, "no scenario '\(spec.scenario)'"))
        }
        let base = courseVariables
        let rerun: QueryRerun = { (name: String, value: Int) throws(QueryError) -> QueryRun in
            do throws(DiagnosticError) {
                let loaded = try ScenarioLoader.loadWithVariables(text: text, file: path, variables: base, overrides: [name: String(value)])
                return QueryRun(trace: try ScenarioLoader.simulate(loaded.scenario, text: text, file: path), variables: loaded.variables)
            } catch {
                throw QueryError("re-running \(spec.scenario) with \(name) = \(value): \(error.description)")
            }
        }
        do throws(QueryError) {
            let q = try Query.parse(spec.query)
            return try q.evaluate(on: QueryRun(trace: run.0, variables: run.1), rerun: rerun).korean
        } catch {
            throw DiagnosticError(Diagnostic(at: spec.location, id: .contentQuery, "value \(spec.id): query '\(spec.query)': \(error.message)"))
        }
    }
}
