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
        #expect((check.stdout + check.stderr).contains("no answer for"))

        try Data([0x00, 0x01, 0x02]).write(to: answers.appendingPathComponent("binary.yaml"))
        try FileManager.default.createDirectory(at: answers.appendingPathComponent("folder.yaml"), withIntermediateDirectories: true)
        try Data("student: s2\nexercises:\n  nonsense: [\n".utf8).write(to: answers.appendingPathComponent("truncated.yaml"))

        let out = dir.appendingPathComponent("grades.csv").path
        let g = try CLI.run(["grade", answers.path, "--format", "csv", "--out", out], environment: env)
        #expect(g.status == 0, "\(g.stderr)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        let rows = csv.split(separator: "\r\n").map(String.init)
        #expect(rows.count == 1 + 4, "\(csv)")
        #expect(rows.contains { $0.hasPrefix("s1,") && $0.contains(",0,231,") })
        #expect(rows.contains { $0.contains("binary.yaml") && $0.contains("NUL bytes") })
        #expect(rows.contains { $0.contains("folder.yaml") && $0.contains("folder") })
        #expect(rows.contains { $0.contains("truncated.yaml:4") && $0.contains("not valid YAML") })
    }

    @Test("a path that does not exist is a usage error")
    func missingPath() throws {
        let g = try CLI.run(["grade", "/nonexistent/answers"], environment: ["SOCKLAB_SECRET": "x"])
        #expect(g.status != 0)
        #expect(g.stderr.contains("does not exist"))
    }
}
