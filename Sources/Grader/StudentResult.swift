import CourseModel
import SourceFiles

/// One student's result: marks, or the errors that kept the file from being graded.
public struct StudentResult: Sendable {
    public var file: String
    public var student: String?
    public var exercises: [ExerciseMark]
    /// Non-empty: the file was not graded (an error row).
    public var errors: [Diagnostic]
    /// Problems that did not stop grading: slips that cost the questions they touch (severity
    /// error: an unknown id, an answer written twice or unreadable, a line YAML cannot read) and
    /// notes that cost nothing (severity warning: an extra key, a missing variant block).
    public var warnings: [Diagnostic]
    public var maxScore: Double

    public var isError: Bool { !errors.isEmpty }
    public var score: Double { isError ? 0 : exercises.reduce(0) { $0 + $1.score } }
}
