import CourseModel
import Foundation
@testable import Grader
import SourceFiles
import Testing

/// Diagnostics about answer files reach students (feedback files, Gradescope output, the
/// gradebook's warnings, `socklab check`), so every message and note is Korean: Hangul, and no
/// English word outside `code` (what the student typed, keys, ids, commands), except the
/// acronyms the chapter writes as they are.
@Suite struct KoreanDiagnostics {
    /// Latin words allowed in Korean prose: acronyms, as the chapter writes them.
    static let allowed: Set<String> = ["YAML", "JSON", "UTF", "NUL", "TCP", "ID", "SYN", "ACK", "FIN", "RST"]

    /// The Latin words of `s` outside its `code` spans that are not allowed.
    static func english(_ s: String) -> [String] {
        let prose = FormatNotes.prose(s)
        return prose.split { !($0.isASCII && $0.isLetter) }.map(String.init).filter { !allowed.contains($0) }
    }

    static func problems(_ ds: [Diagnostic]) -> [String] {
        var out: [String] = []
        for d in ds {
            for text in [d.message] + d.notes {
                if !text.unicodeScalars.contains(where: { (0xAC00...0xD7A3).contains($0.value) }) { out.append("\(d.id): no Hangul: \(text)") }
                if text.filter({ $0 == "`" }).count % 2 != 0 { out.append("\(d.id): unbalanced code quotes: \(text)") }
                let words = english(text)
                if !words.isEmpty { out.append("\(d.id): English \(words) in: \(text)") }
            }
        }
        return out
    }

    /// One file with many slips: unknown and misspelt keys, a key written twice, unknown and
    /// misspelt ids, an answer twice, unreadable values (`abc`, `40, 0`, a number too large,
    /// `maybe`), an unquoted `*:80`, a YAML syntax error, a wrong indentation, a forged tag, an
    /// exercise without `variant:`.
    static let manySlips = """
    student: s001
    studnt: s001
    extra: 1
    exercises:
      buf:
        variant: {a: 300}
        tag: 0123abcd
        answers:
          recvq: 1
      dl:
        answer:
          smallest: abc
          recvq: 40, 0
          deadlocks: maybe
          smallest-n: 3
      hs:
        answers:
          segments: [SYN, SYN+ACK, ACK
          listener: *:80
          connect-returns: 99999999999999999999999
      hx:
        answers:
          a: 1
      dl:
        extra: 2
        answers:
          recvq: 500
         deadlocks: yes

    """

    @Test("every diagnostic and note for a file with many slips is Korean, typed text as code")
    func manySlipsAreKorean() throws {
        let c = try FixtureCourse.load()
        let input = AnswerInput(path: "slips.yaml", content: .success(Array(Self.manySlips.utf8)))
        let r = try c.grader.grade([input]).results[0]
        #expect(r.errors.isEmpty, "\(r.errors)")
        let sheet = try AnswerSheet.parse(text: Self.manySlips, file: "slips.yaml")
        let all = r.warnings + c.grader.check(sheet)
        // The file is meant to make many different diagnostics: a test over a few would prove little.
        let ids = Set(all.map(\.id.rawValue))
        for id in ["answer.misspelt-key", "answer.duplicate-key", "answer.unknown-key", "answer.forged-variant", "answer.duplicate-answer",
                   "answer.kind", "answer.range", "answer.malformed", "answer.unknown-exercise", "answer.unknown-question",
                   "answer.duplicate-exercise", "answer.missing"] {
            #expect(ids.contains(id), "no \(id) among \(ids.sorted())")
        }
        let problems = Self.problems(all)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// Every fixture answer file, graded and checked: the error rows' diagnostics too.
    @Test("every diagnostic for the fixture answer files is Korean", arguments: ["answers", "slips", "../Malformed/answers"])
    func fixturesAreKorean(_ folder: String) throws {
        let c = try FixtureCourse.load()
        let dir = fixtures.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names.count >= 10)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            let r = try c.grader.grade([AnswerInput(path: name, content: .success(bytes))]).results[0]
            var all = r.errors + r.warnings
            if let sheet = try? AnswerSheet.parse(bytes: bytes, file: name) { all += c.grader.check(sheet) }
            let problems = Self.problems(all.filter { $0.id.rawValue.hasPrefix("answer.") })
            #expect(problems.isEmpty, "\(name):\n\(problems.joined(separator: "\n"))")
        }
    }

    /// The feedback file shows a diagnostic as Korean text with its code as code, the note on a
    /// line of its own, not the whole diagnostic as one code span.
    @Test func feedbackRendersTheDiagnosticAsText() throws {
        let c = try FixtureCourse.load()
        let input = AnswerInput(path: "slips.yaml", content: .success(Array(Self.manySlips.utf8)))
        let report = try c.grader.grade([input])
        let text = try #require(report.feedbackFiles().first).text
        let note = try #require(text.split(separator: "\n").first { $0.contains("`smallest-n`") && $0.hasPrefix("> 참고") })
        #expect(note.hasPrefix("> 참고 (`slips.yaml:"), "\(note)")
        #expect(note.contains("연습에는 `smallest-n` 문항이 없어 이 답은 채점하지 않습니다"), "\(note)")
        #expect(!text.contains("warning:") && !text.contains("note:"), "\(text)")
        #expect(text.contains("\n> - 혹시 ") || text.contains("\n> - 이 연습의 문항: "), "\(text)")
    }
}
