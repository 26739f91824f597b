import CourseModel
import Foundation
@testable import Grader
import SocketSim
import Testing

/// The grading run's direct reader (`FastAnswerReader.sheet`) gives exactly the sheet that the
/// general way (tree, then `AnswerSheet.parse(text:file:tree:)`) gives, or steps aside.
@Suite struct ScannerAgreesWithGeneralReader {
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

    static func general(_ text: String) -> AnswerSheet? {
        try? AnswerSheet.parse(text: text, file: "f.yaml")
    }

    /// The property: when the scanner reads a file, the general way reads the same sheet.
    static func agree(_ text: String, _ comment: Comment? = nil) -> Bool {
        guard let scanned = FastAnswerReader.sheet(Array(text.utf8), file: "f.yaml") else { return false }
        let expected = general(text)
        #expect(expected == scanned, comment)
        return true
    }

    @Test func samplesAgree() {
        for text in FastReaderAgreesWithYams.samples + FastReaderAgreesWithYams.yamsOnly { _ = Self.agree(text, "\(text)") }
        // The template's shape takes the direct way.
        #expect(Self.agree(FastReaderAgreesWithYams.samples[0]))
        #expect(Self.agree(FastReaderAgreesWithYams.samples[2]))
    }

    @Test func fixturesAgree() throws {
        let dir = fixtures.appendingPathComponent("answers")
        var scanned = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else { continue }
            if Self.agree(text, "\(name)") { scanned += 1 }
        }
        #expect(scanned >= 5)
    }

    @Test func filledTemplatesTakeTheDirectWay() throws {
        for student in ["s001", "s002", "kim.minji"] {
            let text = try Self.filledTemplate(student: student)
            #expect(Self.agree(text, "\(student)"), "a filled template should be read directly")
            let sheet = try AnswerSheet.parse(bytes: Array(text.utf8), file: "f.yaml")
            #expect(sheet == Self.general(text))
            #expect(sheet.exercises.flatMap(\.answers).contains { $0.raw == .empty })
            #expect(sheet.exercises.flatMap(\.answers).contains { $0.raw == .list(["SYN", "SYN+ACK", "ACK"]) })
        }
    }

    /// Small edits of a filled template (a line deleted, doubled, indented, a character inserted):
    /// whatever the scanner accepts, the general way reads identically; what it refuses still gets
    /// the general way's diagnostics.
    @Test func editedTemplatesAgree() throws {
        let base = try Self.filledTemplate(student: "s001").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let inserts = [":", "#", " #", "[", "{", "-", "- ", "\"", "'", "\t", " ", "~", ",", "}", "]", "\u{A0}", "é", ": x", "&a"]
        var rng = SplitMix64(seed: 2026)
        var accepted = 0, refused = 0
        for round in 0..<600 {
            var lines = base
            let i = Int.random(in: 0..<lines.count, using: &rng)
            switch round % 5 {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2: lines[i] = String(repeating: " ", count: Int.random(in: 1...3, using: &rng)) + lines[i]
            case 3: if lines[i].hasPrefix(" ") { lines[i].removeFirst() }
            default:
                let at = lines[i].index(lines[i].startIndex, offsetBy: Int.random(in: 0...lines[i].count, using: &rng))
                lines[i].insert(contentsOf: inserts.randomElement(using: &rng)!, at: at)
            }
            let text = lines.joined(separator: "\n")
            if Self.agree(text, "round \(round), line \(i + 1): \(lines.indices.contains(i) ? lines[i] : "")") { accepted += 1 } else {
                refused += 1
                // Refused by the scanner: the general way decides, and a bad file is a diagnostic, not a crash.
                _ = try? AnswerSheet.parse(bytes: Array(text.utf8), file: "f.yaml")
            }
        }
        // Both outcomes happen, so the property is exercised both ways.
        #expect(accepted > 100)
        #expect(refused > 50)
    }

    @Test func notUTF8IsRefusedOnTheDirectWayToo() {
        var bytes = Array("student: s1\nexercises:\n  a:\n    answers:\n      q: x\n".utf8)
        bytes.insert(0xFF, at: bytes.count - 2)
        #expect(throws: DiagnosticError.self) { try AnswerSheet.parse(bytes: bytes, file: "f.yaml") }
        #expect(AnswerSheet.isUTF8(Array("가나다 abc".utf8)))
        #expect(!AnswerSheet.isUTF8([0x61, 0xC3]))
        #expect(AnswerSheet.isUTF8(Array("12345678abcdefgh".utf8)))
        #expect(!AnswerSheet.isUTF8(Array("1234567".utf8) + [0x80]))
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
