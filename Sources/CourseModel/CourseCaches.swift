import ScenarioLoading
import SourceFiles
import TraceQueries

/// What loading and grading a course compute once and reuse, owned by whoever loads the course:
/// the command makes one per run (the bench one per series of builds), a test makes its own, and
/// nothing is kept process-wide. `ExerciseCatalog.load` hands it to every exercise it loads (and
/// `scenarios` to the exercise's `ScenarioRun`), so the keys, the site and the grader reach it
/// without passing it along.
///
/// - `scenarios`: each scenario text read once per file and words (`ScenarioRun.compiled()`):
///   a grading run loads the same few scenarios for every variant, misconception and search.
/// - `exerciseNeeds`: what an exercise's texts ask of a key (`ExerciseText.Needs`), read once per exercise.
/// - `hintChecks`: the hint check of an exercise file (up to 65 keys), once per text, course
///   parameters and scenario files: a process that loads the same content again (the bench's
///   rebuilds, a grader built twice) does not pay for it again.
public final class CourseCaches: Sendable {
    public let scenarios = ScenarioCache()
    let exerciseNeeds = LockedMemo<NeedsKey, ExerciseText.Needs>(limit: 4096)
    let hintChecks = LockedMemo<HintCheckKey, HintCheck>(limit: 1024)

    public init() {}
}
