import Foundation
import Testing

func jsonObject(_ path: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: path)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path.path) is not a JSON object")
}

/// Gradescope's autograder specification (gradescope-autograders.readthedocs.io, "Autograder
/// Specifications"): the fields results.json may have and the values they may take.
func expectGradescopeResults(_ r: [String: Any], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let known: Set<String> = ["score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                              "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"]
    #expect(Set(r.keys).isSubset(of: known), "unknown top-level fields \(Set(r.keys).subtracting(known))", sourceLocation: sourceLocation)
    let tests = r["tests"] as? [[String: Any]] ?? []
    // "score" is required at the top level unless every test has one.
    #expect(r["score"] is NSNumber || (!tests.isEmpty && tests.allSatisfy { $0["score"] is NSNumber }), sourceLocation: sourceLocation)
    if let t = r["execution_time"] { #expect(t is NSNumber, sourceLocation: sourceLocation) }
    if let v = r["visibility"] as? String { #expect(["visible", "hidden", "after_due_date", "after_published"].contains(v), sourceLocation: sourceLocation) }
    if let f = r["output_format"] as? String { #expect(["text", "html", "simple_format", "md", "ansi"].contains(f), sourceLocation: sourceLocation) }
    if let e = r["extra_data"] { #expect(e is [String: Any], sourceLocation: sourceLocation) }
    let testKeys: Set<String> = ["score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
                                 "visibility", "extra_data"]
    for t in tests {
        #expect(Set(t.keys).isSubset(of: testKeys), "unknown test fields \(Set(t.keys).subtracting(testKeys))", sourceLocation: sourceLocation)
        if let s = t["status"] as? String { #expect(["passed", "failed"].contains(s), sourceLocation: sourceLocation) }
        if let tags = t["tags"] { #expect(tags is [String], sourceLocation: sourceLocation) }
        if let e = t["extra_data"] { #expect(e is [String: Any], sourceLocation: sourceLocation) }
        if let s = t["score"] as? Double, let m = t["max_score"] as? Double { #expect(s >= 0 && s <= m, sourceLocation: sourceLocation) }
    }
}

@Suite struct AutograderCommand {
    static let env = ["SOCKLAB_SECRET": "autograder-test-secret"]

    /// Builds autograder.zip with the debug socklab, unpacks it as Gradescope does into
    /// ROOT/source, and copies run_autograder to ROOT/run_autograder.
    static func unpackedAutograder() throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let zip = dir.appendingPathComponent("autograder.zip")
        let made = try CLI.run(["autograder", "gradescope", "--out", zip.path, "--binary", try CLI.binary().path], environment: env)
        try #require(made.status == 0, "\(made.stderr)")
        let root = dir.appendingPathComponent("autograder")
        let source = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let unzip = try Program.run("/usr/bin/unzip", ["-q", zip.path, "-d", source.path], in: dir)
        try #require(unzip.status == 0, "\(unzip.stderr)")
        try FileManager.default.copyItem(at: source.appendingPathComponent("run_autograder"), to: root.appendingPathComponent("run_autograder"))
        return root
    }

    /// One Gradescope run: a fresh submission folder with `files`, metadata for `users`.
    static func run(_ root: URL, files: [String: String], users: [[String: Any]]?) throws -> [String: Any] {
        let submission = root.appendingPathComponent("submission")
        try? FileManager.default.removeItem(at: submission)
        try FileManager.default.createDirectory(at: submission, withIntermediateDirectories: true)
        for (name, text) in files {
            let url = submission.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let metadata = root.appendingPathComponent("submission_metadata.json")
        try? FileManager.default.removeItem(at: metadata)
        if let users {
            let doc: [String: Any] = ["id": 123456, "created_at": "2026-12-01T10:00:00.000000+09:00", "assignment": ["id": 25828, "title": "SockLab", "total_points": "231.0"],
                                      "submission_method": "upload", "users": users, "previous_submissions": []]
            try JSONSerialization.data(withJSONObject: doc).write(to: metadata)
        }
        // Gradescope runs /autograder/run_autograder with /autograder as the working directory; the
        // environment carries no secret (run_autograder reads the one in the zip).
        let r = try Program.run("/bin/bash", [root.appendingPathComponent("run_autograder").path], in: root, environment: ["AUTOGRADER_ROOT": root.path, "SOCKLAB_SECRET": ""])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        return try jsonObject(root.appendingPathComponent("results/results.json"))
    }

    static func template(_ student: String) throws -> String {
        let t = try CLI.run(["template", "--student", student], environment: env)
        try #require(t.status == 0, "\(t.stderr)")
        return t.stdout
    }

    @Test("the zip holds setup.sh, run_autograder, the binary, the secret and the content, at its root")
    func zipLayout() throws {
        let root = try Self.unpackedAutograder()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let source = root.appendingPathComponent("source")
        for name in ["setup.sh", "run_autograder", "socklab"] {
            #expect(FileManager.default.isExecutableFile(atPath: source.appendingPathComponent(name).path), "\(name) is not executable")
        }
        #expect(try String(contentsOf: source.appendingPathComponent("secret"), encoding: .utf8) == "autograder-test-secret\n")
        #expect(FileManager.default.fileExists(atPath: source.appendingPathComponent("content/course.yaml").path))
        let exercises = try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent("content/exercises").path)
        let original = try FileManager.default.contentsOfDirectory(atPath: CLI.repositoryRoot.appendingPathComponent("content/exercises").path)
        #expect(Set(exercises) == Set(original.filter { $0.hasSuffix(".yaml") }))
        let setup = try String(contentsOf: source.appendingPathComponent("setup.sh"), encoding: .utf8)
        #expect(setup.hasPrefix("#!/usr/bin/env bash") && setup.contains("apt-get install") && setup.contains("libxml2"))
    }

    @Test("end to end: own file graded; someone else's, none, several and misnamed files handled; results.json always written")
    func endToEnd() throws {
        let root = try Self.unpackedAutograder()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let me: [[String: Any]] = [["email": "s1@example.edu", "id": 1234, "name": "김학생", "sid": "s1"]]
        let own = try Self.template("s1")

        // Their own file, under the name students use.
        var r = try Self.run(root, files: ["answers.yaml": own], users: me)
        expectGradescopeResults(r)
        let tests = try #require(r["tests"] as? [[String: Any]])
        #expect(tests.count > 100)
        #expect(tests.allSatisfy { ($0["tags"] as? [String])?.count == 1 })
        #expect(r["execution_time"] is NSNumber)
        #expect((r["extra_data"] as? [String: Any])?["misconceptions"] is [String])
        #expect((r["output"] as? String)?.contains("s1 학생") == true)

        // The submitter is known by email only (no sid): the part before @ matches.
        r = try Self.run(root, files: ["answers.yaml": own], users: [["email": "s1@example.edu", "id": 1234, "name": "김학생"]])
        #expect((r["tests"] as? [Any])?.count == tests.count)

        // Someone else's file: a clear 0.
        r = try Self.run(root, files: ["answers.yaml": try Self.template("s2")], users: me)
        expectGradescopeResults(r)
        #expect(r["score"] as? Double == 0)
        #expect((r["tests"] as? [Any])?.isEmpty == true)
        #expect((r["output"] as? String)?.contains("'s2'") == true, "\(r)")

        // No answer file at all.
        r = try Self.run(root, files: ["notes.pdf": "%PDF", "answers.docx": "x"], users: me)
        expectGradescopeResults(r)
        #expect(r["score"] as? Double == 0)
        #expect((r["output"] as? String)?.contains("찾지 못했습니다") == true)
        #expect((r["output"] as? String)?.contains("notes.pdf") == true)

        // Several files: the submitter's is graded, the others named.
        r = try Self.run(root, files: ["a-friend.yaml": try Self.template("s2"), "mine/answers.yaml": own], users: me)
        expectGradescopeResults(r)
        #expect((r["tests"] as? [Any])?.count == tests.count)
        #expect((r["output"] as? String)?.contains("2개") == true)

        // One file with another name: read as the answers, with a note.
        r = try Self.run(root, files: ["answers.yaml.txt": own], users: me)
        expectGradescopeResults(r)
        #expect((r["tests"] as? [Any])?.count == tests.count)
        #expect((r["output"] as? String)?.contains(".yaml") == true)

        // A broken file: graded as an error row, with the reason.
        r = try Self.run(root, files: ["answers.yaml": "student: s1\nexercises: [\n"], users: me)
        expectGradescopeResults(r)
        #expect(r["score"] as? Double == 0)

        // No metadata: not graded, still a results.json.
        r = try Self.run(root, files: ["answers.yaml": own], users: nil)
        expectGradescopeResults(r)
        #expect(r["score"] as? Double == 0)
    }

    @Test("a missing binary is a usage error that says how to build one")
    func missingBinary() throws {
        let g = try CLI.run(["autograder", "gradescope", "--out", "/tmp/never.zip", "--binary", "/nonexistent/socklab"], environment: Self.env)
        #expect(g.status != 0)
        #expect(g.stderr.contains("scripts/autograder-binary"))
    }

    @Test("--visibility takes only Gradescope's words, refused by the parser with the list")
    func visibilityChoices() throws {
        let root = try CLI.temporaryDirectory()
        let r = try CLI.run(["autograder", "run", "--root", root.path, "--visibility", "sometimes"], environment: Self.env)
        #expect(r.status == 64, "a usage error, before any work: \(r.stderr)")
        #expect(r.stderr.contains("after_due_date"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("results/results.json").path))
    }
}

@Suite struct DestinationFormats {
    static let env = ["SOCKLAB_SECRET": "cli-test-secret-destinations"]

    static func answers(_ students: [String]) throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let answers = dir.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: answers, withIntermediateDirectories: true)
        for s in students {
            let t = try CLI.run(["template", "--student", s, "--out", answers.appendingPathComponent("\(s).yaml").path], environment: env)
            try #require(t.status == 0, "\(t.stderr)")
        }
        return dir
    }

    /// PrairieLearn's external grader results (docs.prairielearn.com/externalGrading, "Grading
    /// results"): `gradable`, `score` in 0...1, `message`, `output`, `tests` with `name`, `points`,
    /// `max_points`; an ungradable submission has `format_errors`.
    @Test("--format prairielearn: gradable, score in 0...1, message, tests; a bad file is not gradable")
    func prairieLearn() throws {
        let dir = try Self.answers(["s1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("answers/s1.yaml").path
        let out = dir.appendingPathComponent("results.json")
        let g = try CLI.run(["grade", file, "--format", "prairielearn", "--out", out.path], environment: Self.env)
        #expect(g.status == 0, "\(g.stderr)")
        let r = try jsonObject(out)
        #expect(r["gradable"] as? Bool == true)
        let score = try #require(r["score"] as? Double)
        #expect((0...1).contains(score))
        #expect(r["message"] is String)
        let tests = try #require(r["tests"] as? [[String: Any]])
        #expect(!tests.isEmpty)
        for t in tests {
            #expect(t["name"] is String)
            let p = try #require(t["points"] as? Double), m = try #require(t["max_points"] as? Double)
            #expect(p >= 0 && p <= m)
        }
        let known: Set<String> = ["gradable", "score", "message", "output", "format_errors", "tests", "images", "partial_scores"]
        #expect(Set(r.keys).isSubset(of: known))

        // A file that cannot be graded at all (no `student:` line); a slip inside a file is graded.
        try Data("exercises: {}\n".utf8).write(to: URL(fileURLWithPath: file))
        let bad = try CLI.run(["grade", file, "--format", "prairielearn", "--out", out.path], environment: Self.env)
        #expect(bad.status == 0, "\(bad.stderr)")
        let b = try jsonObject(out)
        #expect(b["gradable"] as? Bool == false)
        #expect((b["format_errors"] as? [String])?.isEmpty == false)
    }

    /// Canvas's gradebook import (Canvas Guides, "How do I import grades in the Gradebook?"): the
    /// columns Student, ID, SIS User ID, SIS Login ID, Section, then one per assignment; an optional
    /// Points Possible row.
    @Test("--format canvas: Canvas's columns, a Points Possible row, names and ids from a Canvas roster")
    func canvas() throws {
        let dir = try Self.answers(["s1", "s2"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let roster = dir.appendingPathComponent("roster.csv")
        try Data("""
        Student,ID,SIS User ID,SIS Login ID,Section,Midterm (1234)
            Points Possible,,,,,100
        "Kim, Minji",101,s1,minji,분반 1,
        Lee Junho,102,s2,junho,분반 2,
        Park Test,103,s3,park,분반 1,
        Test Student,104,,,,

        """.utf8).write(to: roster)
        let out = dir.appendingPathComponent("canvas.csv")
        let g = try CLI.run(["grade", dir.appendingPathComponent("answers").path, "--format", "canvas", "--roster", roster.path, "--out", out.path],
                            environment: Self.env)
        #expect(g.status == 0, "\(g.stderr)")
        let rows = try String(contentsOf: out, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = rows[0].split(separator: ",").map(String.init)
        #expect(Array(header.prefix(5)) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
        #expect(header.last == "SockLab total")
        #expect(header.count > 6)
        #expect(rows[1].hasPrefix("Points Possible,,,,,"))
        #expect(rows.contains { $0.hasPrefix("\"Kim, Minji\",101,s1,minji,분반 1,0,") })
        #expect(rows.contains { $0.hasPrefix("Lee Junho,102,s2,junho,분반 2,0,") })
        // On the roster, no file: empty cells, so Canvas leaves the grades alone.
        #expect(rows.contains { $0.hasPrefix("Park Test,103,s3,park,분반 1,,") })
        #expect(rows.count == 2 + 3)
        // Every row has the header's number of cells (no cell holds a comma outside quotes here but Kim's).
        #expect(rows.filter { !$0.contains("\"") }.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == header.count })
    }

    @Test("the roster of one id per line still works")
    func plainRoster() throws {
        let dir = try Self.answers(["s1", "s2"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let roster = dir.appendingPathComponent("roster.txt")
        try Data("# ids\ns1\n".utf8).write(to: roster)
        let g = try CLI.run(["grade", dir.appendingPathComponent("answers").path, "--format", "csv", "--roster", roster.path], environment: Self.env)
        #expect(g.status == 0, "\(g.stderr)")
        #expect(g.stdout.contains("수강생 명단에 없는 학생입니다"))
    }

    @Test("--feedback-dir: one Korean Markdown file per student, keys only with --reveal")
    func feedbackDir() throws {
        let dir = try Self.answers(["s1", "s2"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("feedback"), revealed = dir.appendingPathComponent("feedback-revealed")
        for (folder, extra) in [(plain, [String]()), (revealed, ["--reveal"])] {
            let g = try CLI.run(["grade", dir.appendingPathComponent("answers").path, "--feedback-dir", folder.path] + extra, environment: Self.env)
            #expect(g.status == 0, "\(g.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: plain.path).sorted() == ["s1.md", "s2.md"])
        let text = try String(contentsOf: plain.appendingPathComponent("s1.md"), encoding: .utf8)
        #expect(text.hasPrefix("# s1 학생 피드백"))
        #expect(text.contains("총점"))
        // Without --reveal only hints are shown (they state no key); --reveal adds solutions and keys.
        let shown = try String(contentsOf: revealed.appendingPathComponent("s1.md"), encoding: .utf8)
        #expect(!shown.contains("(정답 비공개)"))
        #expect(shown.count > text.count)
        #expect(shown.components(separatedBy: "정답:").count > text.components(separatedBy: "정답:").count)
    }

    @Test("--compare OLD.json: the students whose score changed, by how much, on which questions")
    func compare() throws {
        let dir = try Self.answers(["s1", "s2"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let answers = dir.appendingPathComponent("answers")
        let old = dir.appendingPathComponent("old.json")
        let g = try CLI.run(["grade", answers.path, "--format", "json", "--out", old.path, "--reveal"], environment: Self.env)
        #expect(g.status == 0, "\(g.stderr)")
        // s1 answers the first question with its key (read from the revealed JSON).
        let doc = try jsonObject(old)
        let s1 = try #require((doc["students"] as? [[String: Any]])?.first { $0["student"] as? String == "s1" })
        let ex = try #require((s1["exercises"] as? [[String: Any]])?.first)
        let q = try #require((ex["questions"] as? [[String: Any]])?.first { ($0["expected"] as? String).map { !$0.contains("[") && !$0.contains("{") } ?? false })
        let exID = try #require(ex["id"] as? String), qID = try #require(q["id"] as? String), key = try #require(q["expected"] as? String)
        let file = answers.appendingPathComponent("s1.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        // The template lists the question as an empty key under its exercise: fill it in.
        let at = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(exID):") })
        let blank = try #require(lines[at...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "\(qID):" })
        var edited = lines
        edited[blank] = lines[blank] + " \"\(key)\""
        text = edited.joined(separator: "\n")
        try Data(text.utf8).write(to: file)
        let c = try CLI.run(["grade", answers.path, "--format", "json", "--compare", old.path], environment: Self.env)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("s1: 0 -> "), "\(c.stdout)")
        #expect(c.stdout.contains("\(exID).\(qID): 0 -> "))
        #expect(!c.stdout.contains("s2:"))
        #expect(c.stdout.contains("1 student changed"))

        try Data("{\"nope\": 1}".utf8).write(to: old)
        let bad = try CLI.run(["grade", answers.path, "--compare", old.path], environment: Self.env)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("not the output of 'socklab grade --format json'"))
    }

    @Test("the CSV gradebook keeps its columns and adds one subtotal per exercise, then warnings, at the end")
    func csvSubtotals() throws {
        let dir = try Self.answers(["s1"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let g = try CLI.run(["grade", dir.appendingPathComponent("answers").path, "--format", "csv"], environment: Self.env)
        #expect(g.status == 0, "\(g.stderr)")
        let header = g.stdout.components(separatedBy: "\r\n")[0].split(separator: ",").map(String.init)
        let error = try #require(header.firstIndex(of: "error"))
        #expect(Array(header[(error - 2)...error]) == ["total", "max", "error"])
        // After the subtotals, the `warnings` column (added after them).
        #expect(header.last == "warnings")
        let subtotals = header[(error + 1)..<(header.count - 1)]
        #expect(subtotals.allSatisfy { $0.hasSuffix(".total") })
        let exercises = Set(header[2..<(error - 2)].map { String($0.split(separator: ".")[0]) })
        #expect(subtotals.map { String($0.dropLast(".total".count)) } == exercises.sorted().filter { _ in true }.sorted { a, b in
            header.firstIndex { $0.hasPrefix(a + ".") }! < header.firstIndex { $0.hasPrefix(b + ".") }!
        })
    }

    @Test("socklab report writes index.html, report.json and the CSV files")
    func report() throws {
        let dir = try Self.answers(["s1", "s2", "s3"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report")
        let r = try CLI.run(["report", dir.appendingPathComponent("answers").path, "--out", out.path], environment: Self.env)
        #expect(r.status == 0, "\(r.stderr)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
        #expect(names == ["index.html", "report.json", "questions.csv", "question-variants.csv", "misconceptions.csv",
                          "misconception-students.csv", "exercises.csv", "totals.csv", "copies.csv"])
        let json = try jsonObject(out.appendingPathComponent("report.json"))
        #expect((json["summary"] as? [String: Any])?["graded"] as? Int == 3)
        #expect((json["copies"] as? [Any])?.isEmpty == true)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("반 전체 분석") && html.contains("<svg"))
        #expect(html.contains("--accent"), "the site's style sheet is inlined")
    }
}
