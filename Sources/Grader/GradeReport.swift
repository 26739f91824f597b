import CourseModel
import SourceFiles

/// Everything one `socklab grade` run produced, in a stable order (by student id, then file).
public struct GradeReport: Sendable {
    public var results: [StudentResult]
    public var catalog: ExerciseCatalog
    public var revealed: Bool
    /// How many threads rendering the report may use (the grader's).
    public var workers: Workers = .one
    public var maxScore: Double { catalog.maxPoints }
}
