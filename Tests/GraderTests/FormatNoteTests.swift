import CourseModel
@testable import Grader
import Testing

/// The advice on how to write an answer is student-facing: a Korean sentence, in which only the
/// spellings a student may type (`never`, `yes`, a choice, a state name) appear, quoted as code.
@Suite struct FormatNotes {
    /// The text with its `code` spans taken out.
    static func prose(_ s: String) -> String {
        s.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined()
    }

    /// Hangul, and outside code no English word: only acronyms in capitals (`TCP`), as the
    /// chapter writes them.
    static func isKorean(_ s: String) -> Bool {
        s.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
            && !prose(s).unicodeScalars.contains { ("a"..."z").contains($0) }
    }

    @Test("every kind's advice is Korean, with typed spellings as code", arguments: QuestionKind.allCases)
    func advice(_ kind: QuestionKind) {
        let hint = Marking.Unreadable(kind, ["*:80", "EADDRINUSE", "none"]).hint
        #expect(hint.filter { $0 == "`" }.count % 2 == 0, "unbalanced code quotes in \(hint)")
        #expect(Self.isKorean(hint), "\(kind): \(hint)")
    }

    @Test("the check's note for an unreadable number is a Korean sentence that keeps `never`")
    func checkNote() throws {
        let c = try FixtureCourse.load()
        let sheet = try AnswerSheet.parse(text: """
        student: s001
        exercises:
          buf:
            variant: {a: 300}
            answers:
              first-recv: 40, 0
        """, file: "c.yaml")
        let d = try #require(c.grader.check(sheet).first { $0.id.rawValue == "answer.kind" })
        let note = try #require(d.notes.first)
        #expect(Self.isKorean(note), "\(note)")
        #expect(note.contains("`never`"))
        #expect(note.hasSuffix("쓰세요"))
    }
}
