import CourseModel
import Foundation
@testable import Grader
import SocketSim
import SourceFiles
import Testing
import Yams

/// The general reader (`AnswerLineReader.read`: the file cut into entries, each value read by
/// Yams) reads valid YAML exactly as Yams reads the whole file, and keeps a slip on one line to
/// the entries on that line.
@Suite struct LineReaderAgreesWithYams {
    static let samples: [String] = [
        "student: s1\nexercises:\n  a:\n    variant: {n: 700, mode: auto}\n    answers:\n      q1: 500\n      q2: [SYN, SYN+ACK, ACK]\n",
        "student: \"s1\"\nexercises:\n  a:\n    answers:\n      q1:   # empty\n      q2: 'it''s'\n      q3: \"a \\\"b\\\"\"\n",
        "# comment\nstudent: s1 # trailing\n\nexercises:\n  a:\n    answers:\n      q: {send 1: 300, send 2: 200}\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q:\n      - SYN\n      - ACK\n      r: 1\n",
        "student: s1\r\nexercises:\r\n  a:\r\n    answers:\r\n      q: 5\r\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: [ ]\n      r: {}\n      s: -3\n      t: a:b\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: <script>alert(1)</script>\n      r: \"</script>\"\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: 한국어 답 # 주석\n      r: [예, 아니요]\n",
        // Values that are not of the template's shape (Yams reads every value; these are not
        // counted against the reader's bound on odd entries).
        "student: s1\nexercises:\n  a:\n    answers:\n      q: |\n        two\n        lines\n      r: 2\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: [SYN,\n        ACK]\n      r: 2\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: plain\n        continued\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: {a:1}\n      r: &x 5\n",
        "student: s1\nexercises:\n  a:\n    variant:\n      n: 700\n    answers: {q: 1, r: [a, b]}\n",
    ]

    static func yams(_ text: String) throws -> AnswerTree {
        AnswerTree(try #require(try Yams.compose(yaml: text, .basic)))
    }

    /// `tree` with every empty plain value placed at 0:0. Where an empty value "is" differs
    /// between libyaml (at the next token) and the line reader (after the key's colon), and no
    /// diagnostic or sheet ever names it (an empty answer is located at its key), so the trees
    /// are compared without it; everything else, positions included, must match.
    static func unplacingEmptyValues(_ tree: AnswerTree) -> AnswerTree {
        switch tree {
        case .scalar("", true, _): return .scalar("", plain: true, AnswerTree.Position(line: 0, column: 0))
        case .scalar, .broken: return tree
        case .sequence(let items, let p): return .sequence(items.map(unplacingEmptyValues), p)
        case .mapping(let pairs, let p): return .mapping(pairs.map { AnswerTree.Pair(key: unplacingEmptyValues($0.key), value: unplacingEmptyValues($0.value)) }, p)
        }
    }

    /// Whether the line reader read `text` as Yams does (see `unplacingEmptyValues`).
    static func agree(_ line: AnswerTree?, _ yams: AnswerTree) -> Bool {
        line.map(unplacingEmptyValues) == unplacingEmptyValues(yams)
    }

    @Test(arguments: samples)
    func sameTreeAsYams(_ text: String) throws {
        let tree = try #require(AnswerLineReader.read(Array(text.utf8), file: "f.yaml"), "the line reader should read this")
        #expect(Self.agree(tree, try Self.yams(text)))
    }

    @Test(arguments: ["{\"student\": \"s1\", \"exercises\": {}}", "---\nstudent: s1\nexercises: {}\n", "- a\n- b\n", "[1, 2]"])
    func documentsThatAreNotBlockMappingsGoToYamsWhole(_ text: String) {
        #expect(AnswerLineReader.read(Array(text.utf8), file: "f.yaml") == nil)
    }

    @Test func fixturesAgree() throws {
        let dir = fixtures.appendingPathComponent("answers")
        var read = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8),
                  let node = try? Yams.compose(yaml: text, .basic) else { continue }
            guard let tree = AnswerLineReader.read(Array(text.utf8), file: name) else { continue }
            #expect(Self.agree(tree, AnswerTree(node)), "\(name)")
            read += 1
        }
        #expect(read >= 6)
    }

    @Test func templateReadsAsYamsDoes() throws {
        let c = try FixtureCourse.load()
        let text = try AnswerTemplate.render(student: "s001", catalog: c.catalog, grader: c.grader)
        #expect(Self.agree(AnswerLineReader.read(Array(text.utf8), file: "t.yaml"), try Self.yams(text)))
    }
}

/// Random one-line edits of a filled template: whatever the edit, the file is read (no throw),
/// and every answer more than a line away from the edit is read exactly as before.
@Suite struct OneSlipOneQuestion {
    static let values = ["500", "[SYN, SYN+ACK, ACK]", "{send 1: 300, send 2: 200}", "yes", "\"quoted: yes\"", "'it''s'",
                         "never", "~", "", "ESTABLISHED   # a comment", "한국어 답", "[ ]", "{}", "-3", "a:b", "null", "\"\"",
                         "time wait\t", "[예, 아니요]", "<b>html</b>"]

    /// A template with every answer filled in, cycling through `values`.
    static func filledTemplate(student: String) throws -> String {
        let c = try FixtureCourse.load()
        let text = try AnswerTemplate.render(student: student, catalog: c.catalog, grader: c.grader)
        var n = 0
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasSuffix(":"), line.hasPrefix("      "), !line.hasPrefix("      #") else { return String(line) }
            n += 1
            return line + " " + values[n % values.count]
        }.joined(separator: "\n")
    }

    static func answers(_ sheet: AnswerSheet) -> [String: StudentAnswer] {
        var out: [String: StudentAnswer] = [:]
        for e in sheet.exercises { for a in e.answers { out["\(e.id).\(a.questionID)"] = a } }
        return out
    }

    @Test func editsCostOnlyTheirOwnLines() throws {
        let text = try Self.filledTemplate(student: "s001")
        let base = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let original = Self.answers(try AnswerSheet.parse(text: text, file: "f.yaml"))
        #expect(original.count == 9)
        let answerLines = base.indices.filter { base[$0].hasPrefix("      ") && !base[$0].hasPrefix("      #") }
        let inserts = [":", "#", " #", "[", "{", "-", "- ", "\"", "'", "\t", " ", "~", ",", "}", "]", "\u{A0}", "é", ": x", "&a", "*", "|", "\u{3000}", "  "]
        var rng = SplitMix64(seed: 2026)
        for round in 0..<800 {
            var lines = base
            let i = answerLines[Int.random(in: 0..<answerLines.count, using: &rng)]
            switch round % 6 {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2: lines[i] = String(repeating: " ", count: Int.random(in: 1...3, using: &rng)) + lines[i]
            case 3: lines[i].removeFirst(Int.random(in: 1...4, using: &rng))
            default:
                let at = lines[i].index(lines[i].startIndex, offsetBy: Int.random(in: 0...lines[i].count, using: &rng))
                lines[i].insert(contentsOf: inserts.randomElement(using: &rng)!, at: at)
            }
            let edited = lines.joined(separator: "\n")
            let sheet = try AnswerSheet.parse(text: edited, file: "f.yaml")
            #expect(sheet.student == "s001")
            let now = Self.answers(sheet)
            // Answers near the edit: on the line itself, the answer before it (whose value a deeper
            // line continues, in YAML) and, for a doubled line, the answer after it.
            let before = answerLines.last { $0 < i } ?? i, after = answerLines.first { $0 > i } ?? i
            let near = Set([before, i, after])
            for (id, a) in original where !near.contains(a.location.line! - 1) {
                let b = now[id]
                #expect(b?.raw == a.raw && b?.problem == nil, "round \(round), line \(i + 1) '\(lines.indices.contains(i) ? lines[i] : "")': \(id) was \(a.raw), now \(String(describing: b))")
            }
        }
    }

    @Test func notUTF8CostsItsLine() throws {
        let bytes = Array("student: s1\nexercises:\n  a:\n    answers:\n      q: x".utf8) + [0xFF] + Array("\n      r: y\n".utf8)
        let sheet = try AnswerSheet.parse(bytes: bytes, file: "f.yaml")
        try #require(sheet.exercises.first?.answers.map(\.questionID) == ["q", "r"])
        #expect(sheet.exercises[0].answers[0].problem?.id.rawValue == "answer.not-utf8")
        #expect(sheet.exercises[0].answers[1].problem == nil && sheet.exercises[0].answers[1].raw == .scalar("y"))
        #expect(AnswerSheet.isUTF8(Array("가나다 abc".utf8)))
        #expect(!AnswerSheet.isUTF8([0x61, 0xC3]))
        #expect(!AnswerSheet.isUTF8(Array("12345678abcdefgh".utf8) + [0xC3, 0x28]))
    }
}

/// The byte-level readings of list items and send names agree with the Character-level ones.
@Suite struct AsciiNormalizationAgrees {
    @Test func randomASCII() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("aZs1 2#_-.:/,&+SYNACKfinsend9\t0x".utf8)
        for _ in 0..<3000 {
            let n = Int.random(in: 0...12, using: &rng)
            let s = String(decoding: (0..<n).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
            #expect(Marking.asciiItem(s) == Marking.generalItem(s), "\(s)")
            #expect(Marking.asciiOrigin(s) == Marking.generalOrigin(s), "\(s)")
        }
        #expect(Marking.normalizeOrigin("Send1") == "send 1")
        #expect(Marking.normalizeItem("syn/ack") == "SYN+ACK")
        #expect(Marking.normalizeItem(" time-wait ") == "TIME_WAIT")
    }
}

/// The fast path (`AnswerLineReader.sheet`) gives exactly the sheet the general way gives, or
/// steps aside.
@Suite struct FastPathAgreesWithGeneralWay {
    @Test func filledTemplatesAndFixtures() throws {
        var texts = try ["s001", "s002", "kim.minji"].map { try OneSlipOneQuestion.filledTemplate(student: $0) }
        let dir = fixtures.appendingPathComponent("answers")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            if let t = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) { texts.append(t) }
        }
        var fast = 0
        for text in texts {
            guard let sheet = AnswerLineReader.sheet(Array(text.utf8), file: "f.yaml") else { continue }
            fast += 1
            #expect(sheet == (try AnswerSheet.parseGeneral(bytes: Array(text.utf8), file: "f.yaml")))
        }
        #expect(fast >= 6)
    }
}

/// The fast path against values written out by hand: what it reads, and where it says each
/// thing was (the locations every diagnostic and report names).
@Suite struct FastPathReadsTheTemplateShape {
    static let text = """
        student: "s2024001"   # 학번
        exercises:
          a:
            variant: {n: 700, mode: auto}
            tag: 9f86d081
            answers:
              q1: 500
              q2: [SYN, SYN+ACK, ACK]
              q3: {send 1: 300, send 2: 200}
              q4:
              q5: ~
              q6: 'it''s'
              q7: 한국어 답 # 주석
          b:
            answers:
              r: "ESTABLISHED"

        """

    @Test func readsEveryValueAndPlace() throws {
        let sheet = try #require(AnswerLineReader.sheet(Array(Self.text.utf8), file: "f.yaml"), "the fast path should read the template's shape")
        func at(_ line: Int, _ column: Int) -> SourceFiles.SourceLocation { SourceFiles.SourceLocation(file: "f.yaml", line: line, column: column) }
        #expect(sheet.student == "s2024001" && sheet.studentLocation == at(1, 10))
        #expect(sheet.diagnostics.isEmpty)
        try #require(sheet.exercises.map(\.id) == ["a", "b"])
        let a = sheet.exercises[0]
        #expect(a.location == at(3, 3))
        #expect(a.variantEntries == [VariantEntry(name: "n", value: "700"), VariantEntry(name: "mode", value: "auto")])
        #expect(a.variantLocation == at(4, 14) && a.tag == "9f86d081" && a.tagLocation == at(5, 10))
        let expected: [(String, RawAnswer, Int)] = [
            ("q1", .scalar("500"), 7), ("q2", .list(["SYN", "SYN+ACK", "ACK"]), 8),
            ("q3", .mapping(["send 1": "300", "send 2": "200"]), 9), ("q4", .empty, 10), ("q5", .empty, 11),
            ("q6", .scalar("it's"), 12), ("q7", .scalar("한국어 답"), 13),
        ]
        #expect(a.answers.map(\.questionID) == expected.map(\.0))
        for (answer, (id, raw, line)) in zip(a.answers, expected) {
            #expect(answer.raw == raw && answer.location == at(line, 7) && answer.problem == nil, "\(id)")
        }
        let b = sheet.exercises[1]
        #expect(b.variantEntries == nil && b.tag == nil && b.location == at(14, 3))
        #expect(b.answers == [StudentAnswer(questionID: "r", raw: .scalar("ESTABLISHED"), location: at(16, 7))])
        // And `parse` takes the same sheet from it.
        #expect(try AnswerSheet.parse(text: Self.text, file: "f.yaml") == sheet)
    }

    @Test(arguments: [
        "student: s1\nexercises:\n  a:\n    answers:\n      q:\n      - SYN\n",         // a block list
        "student: s1\nexercises:\n  a:\n    variant:\n      n: 700\n",                 // a block variant
        "student: s1\nexercises:\n  a:\n    answers:\n      q: 1\n      q: 2\n",       // a question answered twice
        "student: s1\nname: x\nexercises: {}\n",                                        // an unknown key
        "{\"student\": \"s1\", \"exercises\": {}}",                                     // JSON
        "student: s1\nexercises:\n  a:\n    answers:\n       q: 1\n      r: 2\n",     // a line indented wrongly
    ])
    func stepsAsideForAnythingElse(_ text: String) {
        #expect(AnswerLineReader.sheet(Array(text.utf8), file: "f.yaml") == nil)
    }
}
