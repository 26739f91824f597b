import CourseModel
import SourceFiles

public struct ExerciseMark: Sendable {
    /// The key the exercise was marked against (shared by every student with the variant).
    let key: GradingKey
    public var exerciseID: String { key.key.exerciseID }
    public var variant: Variant { key.key.variant }
    /// The variant's index (`Exercise.variant(at:)`), an integer to tell variants apart by
    /// where hashing `variant` would be the cost (the class report); nil for a variant frozen in
    /// an answer file outside the exercise's current space.
    public var variantIndex: Int? { key.variantIndex }
    public var questions: [QuestionMark]
    public var score: Double { questions.reduce(0) { $0 + $1.score } }
    public var maxScore: Double { questions.reduce(0) { $0 + $1.maxScore } }
}
