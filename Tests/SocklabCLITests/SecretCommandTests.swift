import Foundation
import Testing

/// The course secret as `socklab template` and `grade` take it: SOCKLAB_SECRET, never empty or
/// short, and course.yaml's demo secret only with a warning on stderr.
@Suite struct SecretCommand {
    @Test("an empty or short SOCKLAB_SECRET is an error, never a silent fall-back to the demo secret",
          arguments: [("", "set but empty"), ("0123456789abcde", "is 15 bytes")])
    func refusesAWeakSecret(secret: String, message: String) throws {
        for command in [["template", "--student", "s1"], ["grade", "Tests/GraderTests/Fixtures/answers/right.yaml"]] {
            let r = try CLI.run(command, environment: ["SOCKLAB_SECRET": secret])
            #expect(r.status != 0, "\(command)")
            #expect(r.stderr.contains("SOCKLAB_SECRET: error:") && r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stdout.isEmpty, "nothing is written with a weak secret")
        }
    }

    @Test("the demo secret from course.yaml works, with a clear warning on stderr")
    func warnsAboutTheDemoSecret() throws {
        let t = try CLI.run(["template", "--student", "s1"], unsetting: ["SOCKLAB_SECRET"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stderr.contains("warning: using the demo secret from course.yaml"), "\(t.stderr)")
        #expect(t.stdout.contains("    tag: "))

        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s1.yaml")
        try t.stdout.write(to: file, atomically: true, encoding: .utf8)
        let g = try CLI.run(["grade", file.path], unsetting: ["SOCKLAB_SECRET"])
        #expect(g.status == 0, "\(g.stderr)")
        #expect(g.stderr.contains("warning: using the demo secret from course.yaml"))

        // A real secret: no warning, and the demo-secret file's tags do not verify under it.
        let env = ["SOCKLAB_SECRET": "a-real-course-secret-2026"]
        let real = try CLI.run(["grade", file.path, "--format", "json"], environment: env)
        #expect(real.status == 0, "\(real.stderr)")
        #expect(!real.stderr.contains("demo secret"))
        #expect(real.stdout.contains("answer.forged-variant"))
        #expect(real.stdout.contains("\"status\" : \"refused\""))
    }

    @Test("template writes a tag beside every variant, and check verifies them")
    func templateTags() throws {
        let env = ["SOCKLAB_SECRET": "a-real-course-secret-2026"]
        let t = try CLI.run(["template", "--student", "s7"], environment: env)
        #expect(t.status == 0, "\(t.stderr)")
        let lines = t.stdout.split(separator: "\n").map(String.init)
        let variants = lines.indices.filter { lines[$0].hasPrefix("    variant: {") }
        #expect(!variants.isEmpty)
        for i in variants {
            #expect(lines[i + 1].range(of: #"^    tag: [0-9a-f]{64}$"#, options: .regularExpression) != nil, "\(lines[i + 1])")
        }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s7.yaml")
        try t.stdout.write(to: file, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["check", file.path], environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        // Flip one digit of the first tag: check (for TAs) reports that exercise's forged tag.
        var edited = lines
        let tagLine = variants[0] + 1
        let last = edited[tagLine].removeLast()
        edited[tagLine].append(last == "0" ? "1" : "0")
        try (edited.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["check", file.path], environment: env)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("s7.yaml:\(tagLine + 1):") && bad.stderr.contains("`tag:`가 `variant:` 값과 학생 `s7`에게 맞지 않습니다"), "\(bad.stderr)")
    }
}
