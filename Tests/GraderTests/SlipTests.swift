import CourseModel
import Foundation
@testable import Grader
import SourceFiles
import Testing
import TraceQueries

/// One slip, one question: each fixture in Fixtures/slips is right.yaml (17 points) with one kind of
/// mistake, and costs exactly the questions the mistake touches, with diagnostics naming the
/// file, the line and the field.
@Suite struct OneSlipCostsOneQuestion {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        /// The diagnostics expected, as `id@line` (the reader's in file order, then the variants' —
        /// the fixtures' `variant:` lines have no `tag:` — then the checker's); `!` marks severity warning.
        var diagnostics: [String]
        var score: Double
        /// Questions not marked correct, as `exercise.question=status`.
        var marks: [String]
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "misspelt-question.yaml", diagnostics: ["!answer.untagged-variant@4", "answer.unknown-question@16"], score: 14, marks: ["hs.segments=missing"]),
        Case(file: "extra-key-top.yaml", diagnostics: ["!answer.unknown-key@2", "!answer.untagged-variant@5"], score: 17, marks: []),
        Case(file: "extra-key-answers.yaml", diagnostics: ["!answer.untagged-variant@4", "answer.unknown-question@9"], score: 17, marks: []),
        Case(file: "duplicate-answer.yaml", diagnostics: ["answer.duplicate-answer@9", "!answer.untagged-variant@4"], score: 15, marks: ["buf.recvq=unreadable"]),
        Case(file: "unreadable-value.yaml", diagnostics: ["!answer.untagged-variant@4", "answer.kind@8"], score: 15, marks: ["buf.first-recv=unreadable"]),
        Case(file: "unquoted-star.yaml", diagnostics: ["answer.malformed@17", "!answer.untagged-variant@4"], score: 16, marks: ["hs.listener=unreadable"]),
        Case(file: "syntax-error.yaml", diagnostics: ["answer.malformed@16", "!answer.untagged-variant@4"], score: 14, marks: ["hs.segments=unreadable"]),
        Case(file: "int64-min.yaml", diagnostics: ["!answer.untagged-variant@4", "answer.range@7", "answer.range@11"], score: 12,
             marks: ["buf.origins=unreadable", "dl.smallest=unreadable"]),
        Case(file: "strict-numbers.yaml", diagnostics: ["!answer.untagged-variant@4", "answer.kind@6", "answer.kind@8"], score: 13,
             marks: ["buf.recvq=unreadable", "buf.first-recv=unreadable"]),
        Case(file: "misindented.yaml", diagnostics: ["answer.indentation@17", "!answer.untagged-variant@4"], score: 16, marks: ["hs.listener=unreadable"]),
        Case(file: "no-colon.yaml", diagnostics: ["answer.malformed@16", "!answer.untagged-variant@4"], score: 14, marks: ["hs.segments=unreadable"]),
        Case(file: "tab-indent.yaml", diagnostics: ["answer.indentation@17", "!answer.untagged-variant@4"], score: 16, marks: ["hs.listener=unreadable"]),
        Case(file: "misspelt-exercise.yaml", diagnostics: ["!answer.untagged-variant@4", "answer.unknown-exercise@14"], score: 12,
             marks: ["hs.segments=missing", "hs.listener=missing", "hs.connect-returns=missing"]),
        Case(file: "misspelt-answers-key.yaml", diagnostics: ["!answer.misspelt-key@15", "!answer.untagged-variant@4"], score: 17, marks: []),
        Case(file: "not-utf8.yaml", diagnostics: ["answer.not-utf8@17", "!answer.untagged-variant@4"], score: 16, marks: ["hs.listener=unreadable"]),
        Case(file: "escape-sequences.yaml", diagnostics: ["!answer.unknown-key@2", "!answer.untagged-variant@5", "answer.kind@18"], score: 16, marks: ["hs.listener=unreadable"]),
        Case(file: "duplicate-exercise.yaml", diagnostics: ["!answer.duplicate-exercise@19", "answer.duplicate-answer@21", "!answer.untagged-variant@4"], score: 16,
             marks: ["hs.listener=unreadable"]),
        Case(file: "billion-laughs-answer.yaml", diagnostics: ["answer.malformed@18", "!answer.untagged-variant@4"], score: 14, marks: ["hs.segments=unreadable"]),
        // The fixtures of the first grader: now one question each, not the whole file.
        Case(file: "../answers/malformed.yaml", diagnostics: ["answer.indentation@6"], score: 2, marks: ["buf.origins=unreadable"]),
        Case(file: "../answers/truncated.yaml", diagnostics: ["answer.malformed@5"], score: 0, marks: ["hs.segments=unreadable"]),
        Case(file: "../answers/unknown-question.yaml", diagnostics: ["answer.unknown-question@6"], score: 3, marks: []),
    ]

    static func input(_ name: String) throws -> AnswerInput {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("slips/\(name)"))
        return AnswerInput(path: name, content: .success([UInt8](data)))
    }

    @Test(arguments: cases)
    func slipCostsItsQuestionsOnly(_ c: Case) throws {
        let course = try FixtureCourse.load()
        let r = try course.grader.grade([try Self.input(c.file)]).results[0]
        #expect(r.errors.isEmpty, "\(r.errors)")
        let got = r.warnings.filter { $0.id.rawValue != "answer.no-variant" }.map { ($0.severity == .warning ? "!" : "") + "\($0.id)@\($0.location.line ?? 0)" }
        #expect(got == c.diagnostics, "\(r.warnings.map(\.description))")
        #expect(r.warnings.allSatisfy { $0.location.file == c.file })
        #expect(r.score == c.score)
        let notCorrect = r.exercises.flatMap { e in e.questions.filter { $0.status != .correct }.map { "\(e.exerciseID).\($0.questionID)=\($0.status.rawValue)" } }
        if !c.file.hasPrefix("..") { #expect(notCorrect == c.marks) }
        for m in c.marks {
            let parts = m.split(separator: "=")
            let q = parts[0].split(separator: ".")
            #expect(r.mark(String(q[0]), String(q[1]))?.status.rawValue == String(parts[1]), "\(m)")
        }
    }

    @Test func nearMissesSuggestTheId() throws {
        let c = try FixtureCourse.load()
        let q = try #require(try c.grader.grade([try Self.input("misspelt-question.yaml")]).results[0].warnings.first { $0.id.rawValue == "answer.unknown-question" })
        #expect(q.description == "misspelt-question.yaml:16:7: error: `hs` 연습에는 `segmentz` 문항이 없어 이 답은 채점하지 않습니다\n    note: 혹시 `segments` 문항을 쓰려던 것입니까?")
        let e = try #require(try c.grader.grade([try Self.input("misspelt-exercise.yaml")]).results[0].warnings.first { $0.id.rawValue == "answer.unknown-exercise" })
        #expect(e.notes == ["혹시 `hs` 연습을 쓰려던 것입니까?"])
    }

    @Test func unquotedStarSaysToQuote() throws {
        let c = try FixtureCourse.load()
        let d = try c.grader.grade([try Self.input("unquoted-star.yaml")]).results[0].warnings[0]
        #expect(d.notes.contains { $0.contains("\"*:80\"") }, "\(d)")
    }

    @Test func studentTextNeverReachesATerminalRaw() throws {
        let c = try FixtureCourse.load()
        let report = try c.grader.grade([try Self.input("escape-sequences.yaml")])
        let r = report.results[0]
        #expect(r.warnings.allSatisfy { !$0.description.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" } })
        #expect(r.warnings[0].message.contains("`\\u{1B}[31mred`"))
        #expect(!report.table().unicodeScalars.contains("\u{1B}"))
    }

    /// Files that cannot be graded at all are error rows that still name their student.
    @Test(arguments: [
        ("cut-short.json", "answer.malformed"),
        ("billion-laughs-document.yaml", "yaml.too-many-nodes"),
        ("binary-with-student.yaml", "answer.binary"),
    ])
    func errorRowsNameTheirStudent(_ name: String, _ id: String) throws {
        let c = try FixtureCourse.load()
        let report = try c.grader.grade([try Self.input(name), try c.input("right.yaml")])
        let row = try #require(report.results.first { $0.file == name })
        #expect(row.isError && row.errors.map(\.id.rawValue) == [id], "\(row.errors)")
        #expect(row.student == "s001")
        #expect(report.results.first { $0.file == "right.yaml" }?.score == 17)
        #expect(report.csv().contains("\r\ns001,\(name),"))
    }
}

/// Numbers are read strictly and within a documented range, at one place (`Marking.number`).
@Suite struct StrictNumbers {
    @Test(arguments: [("500", 500), ("1,000", 1000), ("12,345,678", 12_345_678), ("1_000", 1000), ("500바이트", 500), ("4단계", 4),
                      (" 12 ", 12), ("-3", -3), ("+7", 7), ("500 bytes", 500), ("1099511627776", 1 << 40), ("-1099511627776", -(1 << 40))])
    func readable(_ s: String, _ v: Int) { #expect(Marking.integer(s) == v) }

    @Test(arguments: ["40, 0", "300, 100", "300 100", "1,00", "1,0000", ",100", "1,000_000", "12a", "", "--3", "٣", "1e3", "0x10"])
    func unreadable(_ s: String) {
        guard case .failure(let u) = Marking.number(s) else { Issue.record("'\(s)' was read"); return }
        #expect(!u.range)
    }

    @Test(arguments: ["-9223372036854775808", "9223372036854775807", "1099511627777", "99999999999999999999999", "-1,099,511,627,777"])
    func outOfRange(_ s: String) {
        guard case .failure(let u) = Marking.number(s) else { Issue.record("'\(s)' was read"); return }
        #expect(u.range)
    }

    /// Marking never traps, whatever the key: differences are checked.
    @Test func creditOfExtremes() {
        #expect(Marking.credit(.integer(-(1 << 40)), key: .integer(Int.max), tolerance: 0, partial: nil) == 0)
        #expect(Marking.credit(.integer(5), key: .integer(Int.min), tolerance: Int.max, partial: nil) == 0)
        #expect(Marking.credit(.counts(["send 1": 1 << 40]), key: .counts(["send 1": Int.min]), tolerance: 0, partial: .perKey) == 0)
    }

    @Test func templateListsTheSpellings() throws {
        let c = try FixtureCourse.load()
        let text = try AnswerTemplate.render(student: "s001", catalog: c.catalog, grader: c.grader)
        #expect(text.contains("# 예/아니요: " + AnswerValue.yesSpellings.joined(separator: ", ")))
        #expect(text.contains("TIME_WAIT"))
        #expect(text.contains(Marking.neverSpellings.joined(separator: ", ")))
    }
}
