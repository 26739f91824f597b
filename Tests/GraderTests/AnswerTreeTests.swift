import Foundation
@testable import Grader
import Testing
import Yams

/// The fast answer-file reader gives exactly Yams's tree, or steps aside.
@Suite struct FastReaderAgreesWithYams {
    static let samples: [String] = [
        "student: s1\nexercises:\n  a:\n    variant: {n: 700, mode: auto}\n    answers:\n      q1: 500\n      q2: [SYN, SYN+ACK, ACK]\n",
        "student: \"s1\"\nexercises:\n  a:\n    answers:\n      q1:   # empty\n      q2: 'it''s'\n      q3: \"a \\\"b\\\"\"\n",
        "# comment\nstudent: s1 # trailing\n\nexercises:\n  a:\n    answers:\n      q: {send 1: 300, send 2: 200}\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q:\n      - SYN\n      - ACK\n",
        "student: s1\r\nexercises:\r\n  a:\r\n    answers:\r\n      q: 5\r\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: [ ]\n      r: {}\n      s: -3\n      t: a:b\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: <script>alert(1)</script>\n      r: \"</script>\"\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: 한국어 답 # 주석\n      r: [예, 아니요]\n",
    ]
    static let yamsOnly: [String] = [
        "{\"student\": \"s1\", \"exercises\": {}}",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: |\n        two\n        lines\n",
        "student: &x s1\nexercises: *x\n",
        "student: s1\nstudent: s2\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: [SYN,\n        ACK]\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: plain\n        continued\n",
        "\u{FEFF}student: s1\nexercises: {}\n",
        "student: s1\nexercises:\n  a:\n    answers:\n      q: {a:1}\n",
    ]

    @Test(arguments: samples)
    func fastPathMatches(_ text: String) throws {
        let fast = try #require(FastAnswerReader.parse(text), "the fast reader should read this")
        let node = try #require(try Yams.compose(yaml: text, .basic))
        #expect(fast == AnswerTree(node))
    }

    @Test(arguments: yamsOnly)
    func othersGoToYams(_ text: String) {
        #expect(FastAnswerReader.parse(text) == nil)
    }

    @Test func fixturesAgree() throws {
        let dir = fixtures.appendingPathComponent("answers")
        var fastCount = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else { continue }
            guard let fast = FastAnswerReader.parse(text) else { continue }
            fastCount += 1
            let node = try #require(try Yams.compose(yaml: text, .basic), "\(name)")
            #expect(fast == AnswerTree(node), "\(name)")
        }
        #expect(fastCount >= 7)
    }

    @Test func templateTakesTheFastPath() throws {
        let c = try FixtureCourse.load()
        let text = try AnswerTemplate.render(student: "s001", catalog: c.catalog, grader: c.grader)
        let fast = try #require(FastAnswerReader.parse(text))
        #expect(fast == AnswerTree(try #require(try Yams.compose(yaml: text, .basic))))
    }
}
