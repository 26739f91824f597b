import SocketSim
import SourceFiles
import ScenarioLoading
import Synchronization

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
