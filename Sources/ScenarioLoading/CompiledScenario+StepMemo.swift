import SourceFiles
import SocketSim

extension CompiledScenario {
    /// The steps one `{...}` step of a scenario has read, by their text once substituted: searches
    /// and misconceptions load a scenario again and again with the same few values.
    struct StepMemo: Sendable {
        private let steps = LockedMemo<String, Result<Step, StepParser.Failure>>(limit: 256)

        /// The memoized result of `parse` for `text`; `parse` must depend on `text` alone.
        func step(for text: String, _ parse: () throws(StepParser.Failure) -> Step) -> Result<Step, StepParser.Failure> {
            steps.value(text) { () -> Result<Step, StepParser.Failure> in
                do throws(StepParser.Failure) { return .success(try parse()) } catch { return .failure(error) }
            }
        }
    }
}
