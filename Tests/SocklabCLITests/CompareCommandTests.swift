import Foundation
import Testing

/// `grade --compare OLD.json` on earlier reports too large to decode whole and on broken ones:
/// every problem is one located error (file, line, field), never a crash or a wrong list.
@Suite struct CompareCommand {
    static let env = DestinationFormats.env

    /// A class of three templates (every answer blank) and its `--format json` report, made once
    /// for every test here (each debug run of `socklab` costs seconds); tests write their own files.
    static let shared: Result<(answers: URL, text: String), Error> = Result {
        let dir = try DestinationFormats.answers(["s1", "s2", "s3"])
        let old = dir.appendingPathComponent("graded.json")
        let g = try CLI.run(["grade", dir.appendingPathComponent("answers").path, "--format", "json", "--out", old.path], environment: env)
        guard g.status == 0 else { throw CLIError(description: g.stderr) }
        return (dir.appendingPathComponent("answers"), try String(contentsOf: old, encoding: .utf8))
    }

    /// The shared class, a folder of this test's own and the OLD.json path in it.
    static func graded() throws -> (dir: URL, answers: URL, old: URL, text: String) {
        let (answers, text) = try shared.get()
        let dir = try CLI.temporaryDirectory()
        return (dir, answers, dir.appendingPathComponent("old.json"), text)
    }

    static func compare(_ answers: URL, _ old: URL) throws -> CLI.Output {
        try CLI.run(["grade", answers.path, "--format", "csv", "--compare", old.path], environment: env)
    }

    /// The report's lines, and the (0-based) line of each student's opening `    {`.
    static func records(_ text: String) -> (lines: [String], starts: [Int]) {
        let lines = text.components(separatedBy: "\n")
        return (lines, lines.indices.filter { lines[$0] == "    {" })
    }

    /// The first line from `start` that is `"score" : …,` indented by `indent` spaces (6: the
    /// student's total, 14: a question's score).
    static func scoreLine(_ lines: [String], from start: Int, indent: Int) throws -> Int {
        let prefix = String(repeating: " ", count: indent) + "\"score\" : "
        return try #require(lines[start...].firstIndex { $0.hasPrefix(prefix) }, "no score at indent \(indent)")
    }

    /// Writes `lines` with the line at `i` replaced by `text`.
    static func write(_ lines: [String], replacing edits: [Int: String], to url: URL) throws {
        var out = lines
        for (i, text) in edits { out[i] = text }
        try Data(out.joined(separator: "\n").utf8).write(to: url)
    }

    @Test("a report larger than what is read whole is compared a student at a time; the same report minified is refused, a small one read whole")
    func large() throws {
        let (dir, answers, old, text) = try Self.graded()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (lines, starts) = Self.records(text)
        try #require(starts.count == 3)
        // The earlier run gave s1 3 points on its first question (and so 3 in total).
        try Data(text.utf8).write(to: old)
        let doc = try jsonObject(old)
        let students = try #require(doc["students"] as? [[String: Any]])
        let s1 = try #require(students.first { $0["student"] as? String == "s1" })
        #expect(s1["score"] as? Double == 0)
        // s2, copied below as students this run does not have, scored 0 everywhere.
        let s2Doc = try #require(students.first { $0["student"] as? String == "s2" })
        try #require(s2Doc["score"] as? Double == 0)
        try #require((s2Doc["exercises"] as? [[String: Any]] ?? []).allSatisfy { e in
            (e["questions"] as? [[String: Any]] ?? []).allSatisfy { $0["score"] as? Double == 0 }
        })
        let ex = try #require((s1["exercises"] as? [[String: Any]])?.first)
        let q = try #require((ex["questions"] as? [[String: Any]])?.first)
        let column = "\(try #require(ex["id"] as? String)).\(try #require(q["id"] as? String))"
        #expect(q["score"] as? Double == 0)
        let s1Start = try #require(starts.first { lines[($0 + 1)...].first { $0.hasPrefix("      \"student\" : ") } == "      \"student\" : \"s1\"," })
        let total = try Self.scoreLine(lines, from: s1Start, indent: 6), first = try Self.scoreLine(lines, from: s1Start, indent: 14)
        var edited = lines
        edited[total] = "      \"score\" : 3,"
        edited[first] = "              \"score\" : 3,"
        // Then students this run does not have: copies of s2 named z0000, z0001, ..., past 32 MB.
        let s2Start = starts[1], s2End = try #require(lines[s2Start...].firstIndex { $0 == "    }," || $0 == "    }" })
        let s2 = Array(lines[s2Start...s2End].dropLast()) + ["    }"]
        let perCopy = s2.joined(separator: "\n").utf8.count
        let copies = (33 << 20) / perCopy + 1
        let arrayEnd = try #require(edited.lastIndex { $0 == "  ]" })
        var body = Array(edited[..<arrayEnd])
        body[body.count - 1] = "    },"
        for n in 0..<copies {
            var copy = s2.map { $0 == "      \"student\" : \"s2\"," ? "      \"student\" : \"z\(String(format: "%04d", n))\"," : $0 }
            if n < copies - 1 { copy[copy.count - 1] = "    }," }
            body += copy
        }
        let big = dir.appendingPathComponent("big.json")
        try Data((body + edited[arrayEnd...]).joined(separator: "\n").utf8).write(to: big)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: big.path)[.size] as? Int)
        #expect(size > 32 << 20)
        let c = try Self.compare(answers, big)
        #expect(c.status == 0, "\(c.stderr)")
        var expected = "s1: 3 -> 0 (-3)\n  \(column): 3 -> 0 (-3)\n"
        for n in 0..<copies { expected += "z\(String(format: "%04d", n)): 0 -> - (not in this run or not graded)\n" }
        expected += "\(copies + 1) students changed\n"
        #expect(c.stdout == expected)

        // Minified (and padded with blanks past 32 MB, as a larger class would be), the same report
        // is one line of more than 16 MB: refused where it starts.
        let minified = dir.appendingPathComponent("minified.json")
        var bytes: [UInt8] = []
        var lineStart = true
        for b in try Data(contentsOf: big) {
            if b == UInt8(ascii: "\n") { lineStart = true; continue }
            if lineStart && b == UInt8(ascii: " ") { continue }
            lineStart = false
            bytes.append(b)
        }
        bytes += Array(repeating: UInt8(ascii: " "), count: max(0, (33 << 20) - bytes.count))
        try Data(bytes).write(to: minified)
        let m = try Self.compare(answers, minified)
        #expect(m.status == 1)
        #expect(m.stdout == "")
        #expect(m.stderr == """
            \(minified.path):1: error: not laid out as 'socklab grade --format json' writes it: line 1 is longer than 16 MB
                note: a file in another layout is read whole, up to 32 MB; compare with the file 'socklab grade --format json' wrote

            """)
        // A small report in another layout is read whole, with the same result as in the writer's.
        let small = dir.appendingPathComponent("small.json"), smallMinified = dir.appendingPathComponent("small-minified.json")
        try Self.write(lines, replacing: [total: edited[total], first: edited[first]], to: small)
        try Data(try JSONSerialization.data(withJSONObject: try jsonObject(small))).write(to: smallMinified)
        let a = try Self.compare(answers, small), b = try Self.compare(answers, smallMinified)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        #expect(a.stdout == "s1: 3 -> 0 (-3)\n  \(column): 3 -> 0 (-3)\n1 student changed\n")
        #expect(b.stdout == a.stdout)
    }

    @Test("a report cut short: the line where it ends and the student it ends in")
    func truncated() throws {
        let (dir, answers, old, text) = try Self.graded()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (lines, starts) = Self.records(text)
        try #require(starts.count == 3)
        // Cut in the middle of a line of the second student.
        let offset = lines[..<(starts[1] + 5)].joined(separator: "\n").utf8.count + 7
        try Data(Array(text.utf8.prefix(offset))).write(to: old)
        let c = try Self.compare(answers, old)
        #expect(c.status == 1)
        #expect(c.stderr == "\(old.path):\(starts[1] + 6): error: the file ends at line \(starts[1] + 6) inside the student that begins at line \(starts[1] + 1): it was cut short\n")
        // Cut just after the first student.
        try Data((lines[..<starts[1]].joined(separator: "\n") + "\n").utf8).write(to: old)
        let d = try Self.compare(answers, old)
        #expect(d.status == 1)
        #expect(d.stderr == "\(old.path):\(starts[1]): error: the file ends at line \(starts[1]) inside the students array, after 1 student: it was cut short\n")
        // Empty.
        try Data().write(to: old)
        let f = try Self.compare(answers, old)
        #expect(f.stderr == "\(old.path): error: the file is empty\n")
    }

    @Test("garbage, broken JSON inside a student, deep nesting, text after the end: each a located error")
    func garbage() throws {
        let (dir, answers, old, text) = try Self.graded()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (lines, starts) = Self.records(text)
        // Binary bytes, then text: another layout, small, so read whole and refused.
        try Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 0xFF, 0x0A, 0x7B]).write(to: old)
        let binary = try Self.compare(answers, old)
        #expect(binary.status == 1)
        #expect(binary.stderr == "\(old.path): error: the file is not UTF-8 text\n")
        try Data("students:\n  - s1\n".utf8).write(to: old)
        let a = try Self.compare(answers, old)
        #expect(a.status == 1)
        #expect(a.stderr == "\(old.path): error: this is not the output of 'socklab grade --format json': not valid JSON\n")
        // Two commas after a question's score in the second student: the line and the column.
        let score = try Self.scoreLine(lines, from: starts[1], indent: 14)
        try Self.write(lines, replacing: [score: lines[score] + ","], to: old)
        let b = try Self.compare(answers, old)
        #expect(b.status == 1)
        let column = lines[score].count + 1
        #expect(b.stderr == "\(old.path):\(score + 1):\(column): error: student 2 (line \(starts[1] + 1)) is not valid JSON: invalid value\n")
        // Nesting far deeper than JSON readers go.
        let errors = try #require(lines[starts[1]...].firstIndex { $0 == "      \"errors\" : [" })
        try Self.write(lines, replacing: [errors: "      \"errors\" : [" + String(repeating: "[", count: 100_000)], to: old)
        let c = try Self.compare(answers, old)
        #expect(c.status == 1)
        #expect(c.stderr.hasPrefix("\(old.path):\(errors + 1):"), "\(c.stderr)")
        #expect(c.stderr.hasSuffix("error: student 2 (line \(starts[1] + 1)) is not valid JSON: too many nested arrays or dictionaries\n"), "\(c.stderr)")
        // Text after the closing brace.
        try Data((text + "{}\n").utf8).write(to: old)
        let d = try Self.compare(answers, old)
        #expect(d.stderr == "\(old.path):\(lines.count): error: line \(lines.count) follows the report's closing '}' (line \(lines.count - 1))\n")
        // A top level without students.
        try Data("{\n  \"maxScore\" : 1\n}\n".utf8).write(to: old)
        let e = try Self.compare(answers, old)
        #expect(e.stderr == "\(old.path):1: error: this is not the output of 'socklab grade --format json': missing 'students' at the top level\n")
        // A folder, and a file past 16 GiB (sparse: nothing is written).
        let f = try Self.compare(answers, dir)
        #expect(f.stderr == "\(dir.path): error: cannot read the file: it is a folder\n")
        let huge = dir.appendingPathComponent("huge.json")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: (16 << 30) + 1)
        try handle.close()
        let h = try Self.compare(answers, huge)
        #expect(h.stderr == "\(huge.path): error: the file is \((16 << 30) + 1) bytes; --compare reads at most \(16 << 30) (16 GiB)\n")
    }

    @Test("a score that is not a number, a missing field: the field's own line and its path")
    func badValues() throws {
        let (dir, answers, old, text) = try Self.graded()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (lines, starts) = Self.records(text)
        let question = try Self.scoreLine(lines, from: starts[1], indent: 14)
        try Self.write(lines, replacing: [question: "              \"score\" : \"ten\","], to: old)
        let a = try Self.compare(answers, old)
        #expect(a.status == 1)
        #expect(a.stdout == "")
        #expect(a.stderr == "\(old.path):\(question + 1): error: student 2 (line \(starts[1] + 1)): 'exercises[0].questions[0].score' is not a number\n")
        // The student's total is gone: the error names the student's first line.
        let total = try Self.scoreLine(lines, from: starts[1], indent: 6)
        var without = lines
        without.remove(at: total)
        try Data(without.joined(separator: "\n").utf8).write(to: old)
        let c = try Self.compare(answers, old)
        #expect(c.stderr == "\(old.path):\(starts[1] + 1): error: student 2 (line \(starts[1] + 1)) has no 'score'\n")
        // A question without its score: the question's own first line.
        let questionStart = try #require(lines[..<question].lastIndex { $0 == "            {" })
        without = lines
        without.remove(at: question)
        try Data(without.joined(separator: "\n").utf8).write(to: old)
        let d = try Self.compare(answers, old)
        #expect(d.stderr == "\(old.path):\(questionStart + 1): error: student 2 (line \(starts[1] + 1)) has no 'score' in 'exercises[0].questions[0]'\n")
    }
}
