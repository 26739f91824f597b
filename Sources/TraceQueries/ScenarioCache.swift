import ScenarioLoading
import SourceFiles

/// Each scenario text compiled once per file and words, shared by every run made from it: a
/// grading run loads the same few scenarios for every variant, misconception and search.
///
/// Owned by whoever loads the course (`CourseCaches.scenarios`); a run made alone gets its own.
public final class ScenarioCache: Sendable {
    let scenarios = LockedMemo<ScenarioKey, Result<CompiledScenario, DiagnosticError>>(limit: 4096)

    public init() {}

    /// A scenario's identity: its text, file and words. The key hashes only the file, the text's
    /// length and the words; equal keys compare the whole text, which is quick when it is the
    /// same string (every run of an exercise shares its scenario's text).
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

    /// How many scenarios are kept (for tests).
    public var count: Int { scenarios.count }
}
