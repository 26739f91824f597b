import CourseModel
import SocketSim
import SourceFiles
import TraceQueries

/// Worked-example values: a query over a scenario's run, shown as prose text.
extension BuildContext {
    /// Evaluates a value's query on its scenario's run. A `min`/`max` search re-runs the scenario
    /// as an exercise's search does (`ScenarioRun.evaluate`), so a query means the same on a page
    /// and in an exercise.
    mutating func value(_ spec: ValueSpec) throws(DiagnosticError) -> String {
        let scenario: ScenarioRun, base: QueryRun
        switch run(spec.scenario) {
        case .failure(let e): throw e
        case .success(let r): (scenario, base) = r
        }
        let words = spec.query.split(separator: " ")
        if words.count == 2, words[0] == "param", Parameters.durationNames.contains(String(words[1])), let v = base.variables[String(words[1])] {
            return DurationText.korean(v)
        }
        let query: Query
        do throws(QueryError) { query = try Query.parse(spec.query) } catch {
            throw DiagnosticError(Diagnostic(at: spec.location, id: .contentQuery, "value \(spec.id): query '\(spec.query)': \(error.message)"))
        }
        let answer: Result<AnswerValue, QueryError>
        if query.needsRerun {
            answer = try scenario.evaluate([query])[0]
        } else {
            // Only a search re-runs the scenario, so this query is answered from the run at hand.
            answer = Result { () throws(QueryError) in
                try query.evaluate(on: base, rerun: { (_, _) throws(QueryError) -> QueryRun in throw QueryError("no search, no re-run") })
            }
        }
        switch answer {
        case .success(let value): return value.korean
        case .failure(let error):
            throw DiagnosticError(Diagnostic(at: spec.location, id: .contentQuery, "value \(spec.id): query '\(spec.query)': \(error.message)"))
        }
    }
}
