import SourceFiles
import Foundation
import SocketSim

extension CompiledScenario {
    /// The steps one `{...}` step of a scenario has read, by their text once substituted: searches
    /// and misconceptions load a scenario again and again with the same few values.
    final class StepMemo: @unchecked Sendable {
        private let lock = NSLock()
        private var steps: [String: Result<Step, StepParser.Failure>] = [:]

        /// The memoized result of `parse` for `text`; `parse` must depend on `text` alone.
        func step(for text: String, _ parse: () throws(StepParser.Failure) -> Step) -> Result<Step, StepParser.Failure> {
            lock.lock()
            let cached = steps[text]
            lock.unlock()
            if let cached { return cached }
            let result: Result<Step, StepParser.Failure>
            do throws(StepParser.Failure) { result = .success(try parse()) } catch { result = .failure(error) }
            lock.lock()
            if steps.count >= 256 { steps.removeAll(keepingCapacity: true) }
            steps[text] = result
            lock.unlock()
            return result
        }
    }
}
