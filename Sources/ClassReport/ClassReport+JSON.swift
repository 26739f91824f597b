import Foundation


extension ClassReport {
    /// What `copies` means, in the page and in report.json.
    public static let copiesNote = "단서일 뿐 증거가 아닙니다: 한 학생의 틀린 답이 다른 학생 변형의 정답과 우연보다 훨씬 자주 같다는 뜻입니다. 함께 공부했거나 같은 메모를 보았을 수도 있으니, 판단하기 전에 두 학생과 이야기해 보세요."

    struct JSONDocument: Encodable {
        var format = "socklab-class-report"
        var version = 1
        var options: Options
        var summary: Summary
        var questions: [QuestionStats]
        var exercises: [ExerciseStats]
        var misconceptions: [MisconceptionStats]
        var copiesNote: String
        var copies: [CopyLead]
    }

    /// `report.json`: every number the page shows, keys sorted. Fields are only ever added.
    /// Optional numbers that do not apply (a discrimination of a question nobody varies on) are
    /// left out rather than written as null.
    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let doc = JSONDocument(options: options, summary: summary, questions: questions, exercises: exercises,
                               misconceptions: misconceptions, copiesNote: Self.copiesNote, copies: copies)
        return String(decoding: try enc.encode(doc), as: UTF8.self) + "\n"
    }
}
