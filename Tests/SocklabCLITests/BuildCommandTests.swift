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

    @Test("a folder without course.yaml is an error, not an empty success")
    func noCourse() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["build", "--out", dir.appendingPathComponent("site").path], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("content/course.yaml: error: no course to build"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("site").path))
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

    /// Every file under `dir` (hidden ones too) with its bytes, the manifest aside.
    static func snapshot(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let rel = String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))
            if rel != ".socklab-build" { out[rel] = try Data(contentsOf: url) }
        }
        return out
    }

    @Test("a build that fails between renames puts every file back: the folder is the previous build")
    func failedCommitRollsBack() throws {
        let out = try CLI.temporaryDirectory().appendingPathComponent("site")
        #expect(try CLI.run(["build", "--quiet", "--out", out.path]).status == 0)
        let before = try Self.snapshot(out)
        let manifest = try Data(contentsOf: out.appendingPathComponent(".socklab-build"))
        let failed = try CLI.run(["build", "--quiet", "--out", out.path, "--set", "rqs=800"], environment: ["SOCKLAB_BUILD_FAULT": "fail-after:3"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("every file was put back"), "\(failed.stderr)")
        #expect(try Self.snapshot(out) == before)
        #expect(try Data(contentsOf: out.appendingPathComponent(".socklab-build")) == manifest)
        // Still up to date for the old inputs, and nothing was left behind.
        #expect(try CLI.run(["build", "--out", out.path]).stdout.contains("up to date"))
    }

    @Test("a build killed between renames is never taken for up to date: the next build repairs the folder and removes the temporaries")
    func killedCommitIsRepaired() throws {
        let out = try CLI.temporaryDirectory().appendingPathComponent("site")
        #expect(try CLI.run(["build", "--quiet", "--out", out.path]).status == 0)
        let old = try Self.snapshot(out)
        let killed = try CLI.run(["build", "--quiet", "--out", out.path, "--set", "rqs=800"], environment: ["SOCKLAB_BUILD_FAULT": "kill-after:3"])
        #expect(killed.status != 0)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(".socklab-staging").path))
        let mixed = try Self.snapshot(out).filter { !$0.key.hasPrefix(".socklab-staging/") }
        #expect(mixed != old, "three files were renamed before the kill")

        // The old content again: the folder must end up exactly the old build, not "up to date".
        let again = try CLI.run(["build", "--out", out.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("up to date"), "\(again.stdout)")
        #expect(again.stdout.contains("removed stale temporary .socklab-staging/"))
        #expect(again.stdout.contains("3 written"), "\(again.stdout)")
        #expect(try Self.snapshot(out) == old)
        #expect(try CLI.run(["build", "--out", out.path]).stdout.contains("up to date"))
    }

    @Test("temporaries of an older writer (.NAME.socklab-tmp) are removed, even by a build with nothing to do")
    func legacyTemporaries() throws {
        let out = try CLI.temporaryDirectory().appendingPathComponent("site")
        #expect(try CLI.run(["build", "--quiet", "--out", out.path]).status == 0)
        let stale = [out.appendingPathComponent(".index.html.socklab-tmp"), out.appendingPathComponent("figures/.x.svg.socklab-tmp")]
        for url in stale { try Data("half".utf8).write(to: url) }
        let r = try CLI.run(["build", "--out", out.path])
        #expect(r.stdout.contains("up to date"))
        #expect(r.stdout.contains("removed stale temporary figures/.x.svg.socklab-tmp"), "\(r.stdout)")
        for url in stale { #expect(!FileManager.default.fileExists(atPath: url.path)) }
    }

    @Test("a content file larger than the limit is refused before it is read")
    func hugeFile() throws {
        let dir = try CLI.temporaryDirectory()
        let fm = FileManager.default
        try fm.copyItem(at: CLI.repositoryRoot.appendingPathComponent("content"), to: dir.appendingPathComponent("content"))
        try fm.copyItem(at: CLI.repositoryRoot.appendingPathComponent("templates"), to: dir.appendingPathComponent("templates"))
        let big = dir.appendingPathComponent("content/pages/huge.md")
        #expect(fm.createFile(atPath: big.path, contents: nil))
        let h = try FileHandle(forWritingTo: big)
        try h.truncate(atOffset: 3_000_000_000)  // sparse: costs no disk
        try h.close()
        let r = try CLI.run(["build", "--out", dir.appendingPathComponent("site").path], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("content/pages/huge.md: error: the file is 3000000000 bytes"), "\(r.stderr)")
    }

    @Test("--set with an unknown parameter is a usage error")
    func unknownSet() throws {
        let r = try CLI.run(["build", "--out", try CLI.temporaryDirectory().path, "--set", "rq=5"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--set rq=... names no course parameter"))
    }
}
