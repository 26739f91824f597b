import Foundation
import Testing

/// `socklab template`, `check` and `grade` as a TA and a student run them on the real chapter.
@Suite struct GradeCommand {
    @Test("a folder of answer files: bad files are error rows, the rest are graded, the gradebook is written, exit 0")
    func gradesAFolder() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let answers = dir.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: answers, withIntermediateDirectories: true)
        let env = ["SOCKLAB_SECRET": "cli-test-secret-0123"]

        let template = answers.appendingPathComponent("s1.yaml").path
        let t = try CLI.run(["template", "--student", "s1", "--out", template], environment: env)
        #expect(t.status == 0, "\(t.stderr)")
        let check = try CLI.run(["check", template], environment: env)
        #expect(check.status == 0, "\(check.stderr)")
        #expect((check.stdout + check.stderr).contains("답하지 않은 문항"))

        try Data([0x00, 0x01, 0x02]).write(to: answers.appendingPathComponent("binary.yaml"))
        try FileManager.default.createDirectory(at: answers.appendingPathComponent("folder.yaml"), withIntermediateDirectories: true)
        try Data("student: s2\nexercises:\n  nonsense: [\n".utf8).write(to: answers.appendingPathComponent("truncated.yaml"))

        let out = dir.appendingPathComponent("grades.csv").path
        let g = try CLI.run(["grade", answers.path, "--format", "csv", "--out", out], environment: env)
        #expect(g.status == 0, "\(g.stderr)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        let rows = csv.split(separator: "\r\n").map(String.init)
        #expect(rows.count == 1 + 4, "\(csv)")
        #expect(rows.contains { $0.hasPrefix("s1,") && $0.contains(",0,240,") })
        #expect(rows.contains { $0.contains("binary.yaml") && $0.contains("NUL 바이트") })
        #expect(rows.contains { $0.contains("folder.yaml") && $0.contains("폴더") })
        #expect(rows.contains { $0.contains("truncated.yaml:3") && $0.contains("YAML로 읽을 수 없습니다") && $0.hasPrefix("s2,") })
    }

    /// A folder holding every hostile kind of file at once: each is its own error row or costs
    /// its own questions, every other student is graded, and the gradebook is written.
    @Test("hostile files: symlink to a huge file, folder named x.yaml, pipe, billion laughs, escape sequences, INT64_MIN")
    func hostileFolder() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let answers = dir.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: answers, withIntermediateDirectories: true)
        let env = ["SOCKLAB_SECRET": "cli-test-secret-hostile"]
        for s in ["s1", "s2", "s3"] {
            let t = try CLI.run(["template", "--student", s, "--out", answers.appendingPathComponent("\(s).yaml").path], environment: env)
            #expect(t.status == 0, "\(t.stderr)")
        }
        // s3: every integer answer INT64_MIN (and one counts value), which once trapped in marking.
        let template = try String(contentsOf: answers.appendingPathComponent("s3.yaml"), encoding: .utf8)
        var kind = ""
        let s3 = template.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("      # [") { kind = String(line) }
            guard line.hasPrefix("      "), !line.hasPrefix("      #"), line.hasSuffix(":") else { return String(line) }
            if kind.contains("[정수") { return line + " -9223372036854775808" }
            if kind.contains("바이트 수") || kind.contains("send별") { return line + " {send 1: -9223372036854775808}" }
            return String(line)
        }.joined(separator: "\n")
        #expect(s3.contains(": -9223372036854775808"))
        try Data(s3.utf8).write(to: answers.appendingPathComponent("s3.yaml"))
        // A sparse 2 GB file behind a symbolic link: refused unread.
        let big = dir.appendingPathComponent("big.bin")
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        try FileManager.default.createSymbolicLink(atPath: answers.appendingPathComponent("big.yaml").path, withDestinationPath: big.path)
        try FileManager.default.createDirectory(at: answers.appendingPathComponent("x.yaml"), withIntermediateDirectories: true)
        #expect(mkfifo(answers.appendingPathComponent("pipe.yaml").path, 0o644) == 0)
        var laughs = "---\nstudent: s4\nexercises:\n  e:\n    answers:\n      q:\n        a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for (p, c) in zip("abcdefgh", "bcdefghi") { laughs += "        \(c): &\(c) [" + Array(repeating: "*\(p)", count: 9).joined(separator: ", ") + "]\n" }
        try Data(laughs.utf8).write(to: answers.appendingPathComponent("laughs.yaml"))
        try Data("student: s5\n\u{1B}[31mred: \u{1B}]0;pwned\u{07}\nexercises:\n".utf8).write(to: answers.appendingPathComponent("escape.yaml"))
        try Data("not an answer file".utf8).write(to: answers.appendingPathComponent("README.txt"))

        let out = dir.appendingPathComponent("grades.csv").path
        let g = try CLI.run(["grade", answers.path, "--format", "csv", "--out", out], environment: env)
        #expect(g.status == 0, "\(g.stderr)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").filter { $0.hasPrefix("s") || $0.hasPrefix(",") }
        func row(_ file: String) -> String? { rows.first { $0.contains("/\(file),") } }
        #expect(row("s1.yaml")?.hasPrefix("s1,") == true && row("s2.yaml")?.hasPrefix("s2,") == true)
        #expect(row("s3.yaml")?.hasPrefix("s3,") == true, "\(csv)")
        #expect(row("s3.yaml")?.contains("답으로 쓸 수 있는 수의 범위") == true)
        #expect(row("big.yaml")?.contains("2147483648바이트") == true)
        #expect(row("x.yaml")?.contains("폴더") == true)
        #expect(row("pipe.yaml")?.contains("일반 파일이 아닙니다") == true)
        #expect(row("laughs.yaml")?.hasPrefix("s4,") == true && row("laughs.yaml")?.contains("100000") == true)
        #expect(row("escape.yaml")?.hasPrefix("s5,") == true)
        #expect(!csv.contains("README"))
        #expect(!csv.unicodeScalars.contains("\u{1B}"))
        #expect(g.stderr.contains("socklab grade: 8 files: 4 graded, 4 error rows"), "\(g.stderr)")
        #expect(g.stderr.contains("csv written to \(out)"))
        #expect(!g.stderr.unicodeScalars.contains("\u{1B}"))

        // --strict: the same report, and a status that tells a script some files were error rows.
        try FileManager.default.removeItem(atPath: out)
        let strict = try CLI.run(["grade", answers.path, "--format", "json", "--out", out, "--strict"], environment: env)
        #expect(strict.status == 2, "\(strict.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        #expect((json?["students"] as? [Any])?.count == 8)
        let clean = try CLI.run(["grade", answers.appendingPathComponent("s1.yaml").path, "--strict"], environment: env)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stderr.contains("1 file: 1 graded, 0 error rows"))

        // check on the folder: every answer file, each with its own line, no trap, no escape sequence.
        let check = try CLI.run(["check", answers.path], environment: env)
        #expect(check.status == 1)
        #expect(check.stdout.contains("8 files checked"), "\(check.stdout)")
        #expect(!check.stdout.contains("README") && !(check.stdout + check.stderr).unicodeScalars.contains("\u{1B}"))
        #expect((check.stdout + check.stderr).contains("\\u{1B}[31mred"))
        let folderNamedLikeAFile = try CLI.run(["check", answers.appendingPathComponent("x.yaml").path], environment: env)
        #expect(folderNamedLikeAFile.status == 1)
        #expect(folderNamedLikeAFile.stderr.contains("답안 파일(`*.yaml`, `*.yml`, `*.json`)을 찾지 못했습니다"))
    }

    /// The reader sizes its buffer by the file: a file past its first buffer is read whole, one of
    /// exactly the limit (1,000,000 bytes) is graded, one byte more is refused before it is read.
    @Test("answer files of 600 KB and of exactly the limit are graded; one byte over is refused")
    func sizesAroundTheLimit() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let answers = dir.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: answers, withIntermediateDirectories: true)
        let env = ["SOCKLAB_SECRET": "cli-test-secret-sizes"]
        for (student, size) in [("s1", 600_000), ("s2", 1_000_000), ("s3", 1_000_001)] {
            let path = answers.appendingPathComponent("\(student).yaml")
            let t = try CLI.run(["template", "--student", student, "--out", path.path], environment: env)
            #expect(t.status == 0, "\(t.stderr)")
            var text = Array(try Data(contentsOf: path))
            // Comment lines at the end, the last one cut to make the size exact.
            var padding = Array(String(repeating: "# " + String(repeating: "x", count: 97) + "\n", count: size / 100 + 1).utf8)
            padding.removeSubrange((size - text.count - 1)...)
            text += padding + Array("\n".utf8)
            #expect(text.count == size)
            try Data(text).write(to: path)
        }
        let out = dir.appendingPathComponent("grades.csv").path
        let g = try CLI.run(["grade", answers.path, "--format", "csv", "--out", out], environment: env)
        #expect(g.status == 0, "\(g.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).components(separatedBy: "\r\n")
        #expect(rows.first { $0.contains("/s1.yaml,") }?.hasPrefix("s1,") == true)
        #expect(rows.first { $0.contains("/s2.yaml,") }?.hasPrefix("s2,") == true)
        #expect(rows.first { $0.contains("/s3.yaml,") }?.contains("1000001바이트") == true, "\(rows)")
        #expect(g.stderr.contains("3 files: 2 graded, 1 error"), "\(g.stderr)")
    }

    @Test("a path that does not exist is a usage error")
    func missingPath() throws {
        let g = try CLI.run(["grade", "/nonexistent/answers"], environment: ["SOCKLAB_SECRET": "x"])
        #expect(g.status != 0)
        #expect(g.stderr.contains("does not exist"))
    }
}
