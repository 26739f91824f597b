import Foundation
import SocklabTestSupport
import Testing

/// Every output of `socklab grade`, byte for byte, on a small folder whose files come in another
/// order than the report's (by student id), with two students who have several files, error rows
/// and slips. The golden files were recorded before `grade` wrote its reports as it grades, so
/// they hold the streamed run to what the whole-report run wrote.
@Suite struct GradeOutputGolden {
    static let graderFixtures = CLI.repositoryRoot.appendingPathComponent("Tests/GraderTests/Fixtures")

    /// A scratch folder with `content/` (the fixture course) and `answers/` (the fixture answers,
    /// some slips in a subfolder and two files whose names sort before their students' ids).
    static func folder() throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let fm = FileManager.default
        try fm.copyItem(at: graderFixtures.appendingPathComponent("content"), to: dir.appendingPathComponent("content"))
        try fm.copyItem(at: graderFixtures.appendingPathComponent("answers"), to: dir.appendingPathComponent("answers"))
        let zz = dir.appendingPathComponent("answers/zz")
        try fm.createDirectory(at: zz, withIntermediateDirectories: true)
        for slip in ["misspelt-question.yaml", "unreadable-value.yaml", "escape-sequences.yaml"] {
            try fm.copyItem(at: graderFixtures.appendingPathComponent("slips/\(slip)"), to: zz.appendingPathComponent(slip))
        }
        // Students a000 and s000 in files named after everyone else's (the variant block left out:
        // a warning, graded against their own variant).
        let right = try String(contentsOf: graderFixtures.appendingPathComponent("answers/right.yaml"), encoding: .utf8)
        let unblocked = right.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("variant:") }.joined(separator: "\n")
        for (name, student) in [("zzz-first.yaml", "a000"), ("yyy.yaml", "s000")] {
            try Data(unblocked.replacingOccurrences(of: "student: s001", with: "student: \(student)").utf8).write(to: dir.appendingPathComponent("answers/\(name)"))
        }
        try fm.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        try Data("s005\ns001\ns999\na000\n".utf8).write(to: dir.appendingPathComponent("roster.txt"))
        return dir
    }

    /// `socklab grade ARGS` in `dir`, with the fixture course's own secret.
    static func grade(_ args: [String], in dir: URL, status: Int32 = 0, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CLI.Output {
        let g = try CLI.run(["grade"] + args, in: dir, unsetting: ["SOCKLAB_SECRET"])
        #expect(g.status == status, "socklab grade \(args.joined(separator: " ")): \(g.stderr)", sourceLocation: sourceLocation)
        return g
    }

    static func read(_ dir: URL, _ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    /// The summary line `grade` ends with (the last line on standard error).
    static func summary(_ o: CLI.Output) -> String {
        (o.stderr.split(separator: "\n").last.map(String.init) ?? "") + "\n"
    }

    @Test("table, CSV, JSON (with and without --reveal) and Canvas (with and without a roster) on a folder, as before")
    func folderFormats() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try Self.grade(["answers"], in: dir)
        GradeGolden.check(table.stdout + "--- stderr\n" + Self.summary(table), name: "table")
        for (format, extra) in [("csv", [String]()), ("json", []), ("json", ["--reveal"]), ("canvas", []), ("canvas", ["--roster", "roster.txt"]),
                                ("table", ["--roster", "roster.txt"])] {
            let out = "out/grades.\(format)"
            let g = try Self.grade(["answers", "--format", format, "--out", out] + extra, in: dir)
            #expect(g.stdout.isEmpty)
            let name = ([format] + extra.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) }).joined(separator: "-")
            GradeGolden.check(try Self.read(dir, out) + "--- stderr\n" + Self.summary(g), name: name)
        }
        // Nothing left beside the report.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).sorted()
                == ["grades.canvas", "grades.csv", "grades.json", "grades.table"])
    }

    @Test("--feedback-dir files and --compare's list of changes, as before")
    func feedbackAndCompare() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let g = try Self.grade(["answers", "--format", "csv", "--out", "out/grades.csv", "--feedback-dir", "feedback"], in: dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("feedback").path).sorted()
        var all = ""
        for name in names { all += "=== \(name)\n" + (try Self.read(dir, "feedback/\(name)")) }
        GradeGolden.check(all + "--- stderr\n" + Self.summary(g), name: "feedback-dir")

        // An earlier run of a few of the files, then the whole folder compared with it.
        _ = try Self.grade(["answers/wrong.yaml", "answers/partial.yaml", "answers/truncated.yaml", "--format", "json", "--out", "old.json"], in: dir)
        let c = try Self.grade(["answers", "--compare", "old.json"], in: dir)
        let both = try Self.grade(["answers", "--compare", "old.json", "--format", "csv", "--out", "out/compared.csv"], in: dir)
        #expect(both.stdout == c.stdout)
        #expect(try Self.read(dir, "out/compared.csv") == (try Self.read(dir, "out/grades.csv")))
        GradeGolden.check(c.stdout + "--- stderr\n" + Self.summary(c), name: "compare")
    }

    @Test("Gradescope and PrairieLearn results.json for one file, graded or not, as before")
    func oneSubmission() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var all = ""
        for (format, file, extra) in [("gradescope", "partial.yaml", ["--visibility", "after_published"]), ("gradescope", "binary.yaml", []),
                                      ("prairielearn", "partial.yaml", []), ("prairielearn", "wrong-variant.yaml", []),
                                      ("gradescope", "zz/unreadable-value.yaml", ["--reveal"])] {
            let g = try Self.grade(["answers/\(file)", "--format", format, "--out", "out/results.json"] + extra, in: dir)
            all += "=== \(format) \(file) \(extra.joined(separator: " "))\n" + (try Self.read(dir, "out/results.json")) + "--- stderr\n" + Self.summary(g)
        }
        let several = try Self.grade(["answers", "--format", "gradescope"], in: dir, status: 64)
        #expect(several.stderr.contains("for one submission"))
        GradeGolden.check(all, name: "one-submission")
    }
}

/// Golden files in `Golden/` beside this file (`SOCKLAB_RECORD=1` re-records them, and fails).
enum GradeGolden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ actual: String, name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        GoldenFile.check(actual, file: directory.appendingPathComponent("grade-\(name).txt"), sourceLocation: sourceLocation)
    }
}
