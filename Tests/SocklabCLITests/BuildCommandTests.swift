import Foundation
import Testing

@Suite("socklab build", .serialized)
struct BuildCommandTests {
    @Test("a rebuild with nothing changed writes no file; a change of RQS rewrites only what depends on it")
    func incremental() throws {
        let out = try CLI.temporaryDirectory().appendingPathComponent("site")
        let first = try CLI.run(["build", "--out", out.path])
        #expect(first.status == 0, "\(first.stderr)")
        let written = first.stdout.split(separator: "\n").filter { $0.hasPrefix("wrote ") }.count
        #expect(written > 20)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path))
        let mtime = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("glossary.html").path)[.modificationDate] as? Date

        let second = try CLI.run(["build", "--out", out.path])
        #expect(second.stdout.contains("up to date"))
        #expect(!second.stdout.contains("wrote "))

        let third = try CLI.run(["build", "--out", out.path, "--set", "rqs=800"])
        #expect(third.status == 0, "\(third.stderr)")
        let rewritten = third.stdout.split(separator: "\n").filter { $0.hasPrefix("wrote ") }.map { String($0.dropFirst(6)) }
        #expect(!rewritten.isEmpty)
        #expect(rewritten.count < written)
        #expect(!rewritten.contains("glossary.html"))
        #expect(!rewritten.contains("assets/style.css"))
        let mtimeAfter = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("glossary.html").path)[.modificationDate] as? Date
        #expect(mtime == mtimeAfter)
        // No temporary file is left behind.
        let leftovers = FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".socklab-tmp") } ?? []
        #expect(leftovers.isEmpty)
    }

    @Test("a content error names file and line and writes nothing")
    func contentError() throws {
        let dir = try CLI.temporaryDirectory()
        let fm = FileManager.default
        try fm.copyItem(at: CLI.repositoryRoot.appendingPathComponent("content"), to: dir.appendingPathComponent("content"))
        try fm.copyItem(at: CLI.repositoryRoot.appendingPathComponent("templates"), to: dir.appendingPathComponent("templates"))
        let section = dir.appendingPathComponent("content/sections").appendingPathComponent(
            try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("content/sections").path).sorted()[0])
        var text = try String(contentsOf: section, encoding: .utf8)
        text += "\n\n잘못된 값: {{values.doesNotExist}}\n"
        try text.write(to: section, atomically: true, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        let r = try CLI.run(["build", "--out", dir.appendingPathComponent("site").path], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("content/sections/\(section.lastPathComponent):\(lines - 1): error:"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was written"))
        #expect(!fm.fileExists(atPath: dir.appendingPathComponent("site/index.html").path))
    }

    @Test("--set with an unknown parameter is a usage error")
    func unknownSet() throws {
        let r = try CLI.run(["build", "--out", try CLI.temporaryDirectory().path, "--set", "rq=5"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--set rq=... names no course parameter"))
    }
}
