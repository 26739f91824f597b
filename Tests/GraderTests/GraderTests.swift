import CourseModel
import Foundation
@testable import Grader
import SocketSim
import Testing

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The fixture course (three small exercises with inline scenarios), independent of the real chapter.
struct FixtureCourse {
    let catalog: ExerciseCatalog
    let grader: Grader

    /// Loaded once: the grader caches keys, so the tests share them as a grading run does.
    nonisolated(unsafe) static var cached: FixtureCourse?
    static let lock = NSLock()

    static func load() throws -> FixtureCourse {
        lock.lock()
        defer { lock.unlock() }
        if let c = cached { return c }
        let c = try loadFresh()
        cached = c
        return c
    }

    static func loadFresh() throws -> FixtureCourse {
        let root = fixtures.appendingPathComponent("content")
        let coursePath = root.appendingPathComponent("course.yaml").path
        let course = try CourseConfig.load(text: String(contentsOfFile: coursePath, encoding: .utf8), file: coursePath)
        let dir = root.appendingPathComponent("exercises")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            (path: "exercises/\($0)", text: try String(contentsOfFile: dir.appendingPathComponent($0).path, encoding: .utf8))
        }
        let (catalog, problems) = ExerciseCatalog.load(files: files, course: course, scenarios: [], caches: sharedCaches)
        #expect(problems.isEmpty, "\(problems)")
        return FixtureCourse(catalog: catalog, grader: Grader(catalog: catalog, secret: try #require(course.secret)))
    }

    func input(_ name: String) throws -> AnswerInput {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("answers/\(name)"))
        return AnswerInput(path: name, content: .success([UInt8](data)))
    }

    func grade(_ names: [String], reveal: Bool = false) throws -> GradeReport {
        try grader.grade(names.map(input), reveal: reveal)
    }

    func result(_ name: String, reveal: Bool = false) throws -> StudentResult {
        try grade([name], reveal: reveal).results[0]
    }
}

extension StudentResult {
    func mark(_ exercise: String, _ question: String) -> QuestionMark? {
        exercises.first { $0.exerciseID == exercise }?.questions.first { $0.questionID == question }
    }
}

@Suite struct GradingFixtures {
    @Test func rightAnswersGetFullMarks() throws {
        let c = try FixtureCourse.load()
        for name in ["right.yaml", "right.json"] {
            let r = try c.result(name)
            #expect(r.errors.isEmpty, "\(r.errors)")
            #expect(r.score == 17 && r.maxScore == 17, "\(name): \(r.score)")
            #expect(r.exercises.flatMap(\.questions).allSatisfy { $0.status == .correct && $0.feedback == "맞았습니다." })
        }
    }

    /// The right answers are the simulation's: every answer in right.yaml equals its query's value.
    @Test func rightAnswersAreWhatTheQueriesCompute() throws {
        let c = try FixtureCourse.load()
        let sheet = try AnswerSheet.parse(bytes: [UInt8](Data(contentsOf: fixtures.appendingPathComponent("answers/right.yaml"))), file: "right.yaml")
        for e in c.catalog.exercises {
            let key = try e.answerKey(for: c.grader.variants(for: sheet.student)[e.id]!)
            for q in e.questions {
                let raw = try #require(sheet.exercise(e.id)?.answer(q.id)?.raw)
                let read = try Marking.read(raw, as: q.kind, choices: q.choices).get()
                #expect(read == Marking.read(key: key.values[q.id]!, as: q.kind), "\(e.id).\(q.id)")
            }
        }
    }

    @Test func wrongAnswersGetZeroAndNameTheMisconceptions() throws {
        let c = try FixtureCourse.load()
        let r = try c.result("wrong.yaml")
        #expect(r.errors.isEmpty)
        #expect(r.score == 0)
        #expect(r.mark("buf", "first-recv")?.misconception == .recvFillsBuffer)
        #expect(r.mark("buf", "recvq")?.misconception == .noReceiveQueue)
        #expect(r.mark("dl", "smallest")?.misconception == .noReceiveQueue)
        #expect(r.mark("hs", "listener")?.misconception == .listenerChangesState)
        #expect(r.mark("hs", "segments")?.misconception == nil)
        let fb = try #require(r.mark("buf", "recvq")?.feedback)
        #expect(fb.hasPrefix("틀렸습니다.\n\n이 답은 ‘상대의 RecvQ에도 바이트가 머물 수 있다는 점을 잊음’ 경우에"))
        // Without --reveal the hint speaks with the student's numbers; the solution stays hidden.
        #expect(fb.contains("보낸 바이트와 서버 RecvQ의 크기 RQS(500바이트)를 비교하세요."))
        #expect(!fb.contains("담을 수 있으므로"))
        #expect(!fb.contains("정답: "))
        #expect(r.mark("buf", "recvq")?.expected == nil)
    }

    @Test func revealShowsTheKey() throws {
        let c = try FixtureCourse.load()
        let r = try c.result("wrong.yaml", reveal: true)
        let m = try #require(r.mark("buf", "recvq"))
        let key = try c.catalog.exercise("buf")!.answerKey(for: Variant(["a": .integer(200)])).values["recvq"]!
        #expect(m.expected == key)
        #expect(m.feedback.contains("RQS = 500바이트만 담을 수 있으므로 \(key.korean)바이트입니다."))
        #expect(m.feedback.hasSuffix("정답: \(key.korean)"))
    }

    @Test func partialCreditAndCarriedForward() throws {
        let c = try FixtureCourse.load()
        let r = try c.result("partial.yaml")
        #expect(r.errors.isEmpty)
        #expect(r.mark("buf", "recvq")?.score == 2)
        #expect(r.mark("buf", "origins")?.score == 1)
        #expect(r.mark("buf", "origins")?.status == .partial)
        #expect(r.mark("buf", "first-recv")?.status == .missing)
        #expect(r.mark("dl", "smallest")?.score == 0)
        let carried = try #require(r.mark("dl", "recvq"))
        #expect(carried.score == 2 && carried.carriedForward)
        #expect(carried.feedback.contains("오류 이어받기"))
        #expect(r.mark("dl", "deadlocks")?.score == 1)
        #expect(r.mark("hs", "segments")?.score == 2)
        #expect(r.mark("hs", "listener")?.score == 1)
        #expect(r.mark("hs", "connect-returns")?.score == 1)
        #expect(r.score == 10)
    }

    @Test(arguments: [
        ("binary.yaml", "binary.yaml: error: 파일에 NUL 바이트가 있습니다: YAML이나 JSON 답안 파일이 아니라 바이너리 파일입니다", "answer.binary"),
        ("wrong-variant.yaml", "wrong-variant.yaml:4:14: error: `buf` 연습의 `variant:` 값이 학생 `s005`에게 배정된 값이 아닙니다", "answer.wrong-variant"),
        ("bad-student.yaml", "bad-student.yaml:1:10: error: 학번으로 쓸 수 없는 값입니다: `../../etc/passwd`", "answer.student-id"),
    ])
    func badFilesAreErrorRows(_ name: String, _ prefix: String, _ id: String) throws {
        let c = try FixtureCourse.load()
        let r = try c.result(name)
        #expect(r.isError)
        #expect(r.score == 0)
        #expect(r.errors.map(\.id.rawValue).contains(id), "\(r.errors.map(\.id.rawValue))")
        #expect(r.errors.contains { $0.description.hasPrefix(prefix) }, "\(r.errors.map(\.description))")
    }

    @Test func truncatedFileSaysSo() throws {
        let c = try FixtureCourse.load()
        let r = try c.result("truncated.yaml")
        #expect(!r.isError)
        let d = try #require(r.warnings.first)
        #expect(d.id.rawValue == "answer.malformed" && d.location.line == 5)  // clamped to the last line
        #expect(d.notes.contains("파일이 중간에 잘렸을 수 있습니다"))
    }

    @Test func hugeFileIsRefusedAndOthersAreStillGraded() throws {
        let c = try FixtureCourse.load()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-huge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let huge = dir.appendingPathComponent("huge.yaml")
        var text = "student: s009\nexercises:\n  hs:\n    answers:\n      segments: ["
        text += String(repeating: "SYN, ", count: 250_000) + "ACK]\n"
        try Data(text.utf8).write(to: huge)
        let bytes = [UInt8](try Data(contentsOf: huge))
        let report = try c.grader.grade([AnswerInput(path: "huge.yaml", content: .success(bytes)), try c.input("right.yaml")])
        let hugeRow = try #require(report.results.first { $0.file == "huge.yaml" })
        #expect(hugeRow.errors.map(\.description) == ["huge.yaml: error: 파일이 \(bytes.count)바이트입니다. 답안 파일은 1000000바이트까지만 받습니다"])
        #expect(report.results.first { $0.file == "right.yaml" }?.score == 17)
    }

    @Test func oneFolderManyStudents() throws {
        let c = try FixtureCourse.load()
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("answers").path).sorted()
        let report = try c.grade(names)
        #expect(report.results.count == names.count)
        #expect(report.results.filter { !$0.isError }.map(\.file).sorted()
                == ["html.yaml", "malformed.yaml", "partial.yaml", "right.json", "right.yaml", "truncated.yaml", "unknown-question.yaml", "wrong.yaml"])
        #expect(report.results.filter(\.isError).map(\.file).sorted() == ["bad-student.yaml", "binary.yaml", "wrong-variant.yaml"])
        // Stable order: by student id, files without an id last.
        #expect(report.results.compactMap(\.student) == report.results.compactMap(\.student).sorted())
        // s001 handed in two files: both graded, both warned.
        let s001 = report.results.filter { $0.student == "s001" }
        #expect(s001.count == 2 && s001.allSatisfy { $0.warnings.contains { $0.id.rawValue == "answer.duplicate-student" } })
    }
}

@Suite struct ReportFormats {
    /// The JSON report written a chunk of students at a time is byte for byte the report encoded
    /// whole, for no students, one, and more than one chunk.
    @Test func streamedJSONIsTheWholeEncoding() throws {
        let c = try FixtureCourse.load()
        let names = ["right.yaml", "wrong.yaml", "partial.yaml", "binary.yaml", "html.yaml"]
        for count in [0, 1, 5, GradeReport.chunk * 2 + 3] {
            let inputs = try (0..<count).map { i -> AnswerInput in
                let input = try c.input(names[i % names.count])
                return AnswerInput(path: "\(i)-\(input.path)", content: input.content)
            }
            let report = try c.grader.grade(inputs)
            var pieces = 0
            var streamed = ""
            try report.writeJSON { streamed += $0; pieces += 1 }
            let whole = try GradeReport.encode(report.jsonReport)
            #expect(streamed == whole, "\(count) students: \(streamed.prefix(300)) versus \(whole.prefix(300))")
            if count > GradeReport.chunk { #expect(pieces > 3) }
            var csv = ""
            report.writeCSV { csv += $0 }
            #expect(csv.components(separatedBy: "\r\n").count == count + 2)
        }
    }

    @Test func jsonEscapesStudentText() throws {
        let c = try FixtureCourse.load()
        let report = try c.grade(["html.yaml"])
        let json = try report.json()
        #expect(!json.contains("</script>"))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let student = (decoded["students"] as! [[String: Any]])[0]
        let hs = (student["exercises"] as! [[String: Any]]).first { $0["id"] as? String == "hs" }!
        let listener = (hs["questions"] as! [[String: Any]]).first { $0["id"] as? String == "listener" }!
        #expect(listener["answer"] as? String == "<script>alert('x')</script>")
        #expect(listener["status"] as? String == "unreadable")
    }

    @Test func gradescopeFields() throws {
        let c = try FixtureCourse.load()
        let text = try c.grade(["partial.yaml"]).gradescope(visibility: .afterPublished)
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(doc["score"] as? Double == 10)
        #expect(doc["visibility"] as? String == "after_published")
        #expect(doc["output"] is String)
        let tests = doc["tests"] as! [[String: Any]]
        #expect(tests.count == 9)
        for t in tests {
            // The original fields, plus `tags` (the exercise) and `extra_data` (issue 14): added, none renamed.
            #expect(Set(t.keys) == ["name", "number", "score", "max_score", "status", "output", "output_format", "visibility", "tags", "extra_data"])
            #expect((t["tags"] as? [String])?.count == 1)
            #expect(["passed", "failed"].contains(t["status"] as! String))
            #expect(t["output_format"] as? String == "md")
        }
        #expect(tests[0]["number"] as? String == "1.1")
        #expect(tests.first { ($0["name"] as! String).hasSuffix("origins") }?["status"] as? String == "failed")
    }

    @Test func gradescopeEchoStaysInsideItsCodeSpan() {
        #expect(GradeReport.codeSpan("a`b\n\n<script>x</script>") == "a'b  <script>x</script>")
    }

    @Test func gradescopeErrorRow() throws {
        let c = try FixtureCourse.load()
        let text = try c.grade(["binary.yaml"]).gradescope()
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(doc["score"] as? Double == 0)
        #expect((doc["output"] as! String).contains("binary"))
        #expect((doc["tests"] as! [Any]).isEmpty)
    }

    @Test func csvGradebook() throws {
        let c = try FixtureCourse.load()
        let csv = try c.grade(["right.yaml", "partial.yaml", "binary.yaml"]).csv()
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        // The original columns keep their names and places; per-exercise subtotals follow them, then `warnings`.
        #expect(lines[0] == "student,file,buf.recvq,buf.origins,buf.first-recv,dl.smallest,dl.recvq,dl.deadlocks,hs.segments,hs.listener,hs.connect-returns,total,max,error,buf.total,dl.total,hs.total,warnings")
        // The fixture's `variant:` lines have no `tag:`: one warning says they were checked against today's content.
        #expect(lines[1] == "s001,partial.yaml,2,1,0,0,2,1,2,1,1,10,17,,3,3,4,\"partial.yaml:4:14: warning: 이 파일에는 `tag:` 줄이 없습니다(예전 `socklab template`로 만든 파일): 적힌 `variant:` 값 그대로 채점하지 않고, 지금의 강의 내용에 맞는 값인지 확인했습니다\n    note: 지금의 `socklab template`로 만든 파일은 나중에 값의 범위가 바뀌어도 적힌 값 그대로 채점됩니다; partial.yaml: warning: 학생 `s001`의 답안 파일이 2개 있습니다: `partial.yaml`, `right.yaml`\"")
        #expect(lines[2].hasPrefix("s001,right.yaml,2,2,2,3,2,1,3,1,1,17,17,,6,6,5,"))
        // An error row still names the student its `student:` line gives; its subtotals are empty.
        #expect(lines[3].hasPrefix("s008,binary.yaml,,,,,,,,,,0,17,binary.yaml: error: 파일에 NUL 바이트가 있습니다"))
        #expect(lines[3].hasSuffix("바이너리 파일입니다,,,,"))
    }

    @Test(arguments: [
        ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("line\nbreak", "\"line\nbreak\""), ("=a,b", "\"'=a,b\""), ("plain", "plain"),
    ])
    func csvCells(_ input: String, _ expected: String) {
        #expect(GradeReport.csvCell(input) == expected)
    }

    @Test func tableHasOneRowPerStudent() throws {
        let c = try FixtureCourse.load()
        let table = try c.grade(["right.yaml", "wrong.yaml", "binary.yaml"]).table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("student  score  max"))
        #expect(lines.contains { $0.hasPrefix("s001") && $0.contains("17") && $0.contains("2 2 2") })
        #expect(lines.contains { $0.hasPrefix("s005") })
        #expect(lines.contains { $0.hasPrefix("s008") && $0.contains("error") })
        #expect(lines.contains("3 files: 2 graded, 1 with errors"))
    }
}

@Suite struct TemplateAndCheck {
    @Test func templateRoundTripsThroughCheck() throws {
        let c = try FixtureCourse.load()
        let text = try AnswerTemplate.render(student: "s005", catalog: c.catalog, grader: c.grader)
        #expect(text.contains("student: \"s005\""))
        #expect(text.contains("variant: {a: 200}"))
        #expect(text.contains("# [정수, 2점] 2단계 직후 서버의 RecvQ는 몇 바이트?"))
        #expect(text.contains("# [예/아니요, 1점] n = 1001이면 교착상태입니까?"))
        let sheet = try AnswerSheet.parse(text: text, file: "t.yaml")
        let problems = c.grader.check(sheet)
        #expect(problems.allSatisfy { $0.severity == .warning && $0.id.rawValue == "answer.missing" })
        #expect(problems.count == 3)
        // An empty template grades to zero.
        let r = try c.grader.grade([AnswerInput(path: "t.yaml", content: .success(Array(text.utf8)))]).results[0]
        #expect(!r.isError && r.score == 0)
    }

    @Test func checkFindsKindsAndIdsButNotCorrectness() throws {
        let c = try FixtureCourse.load()
        let sheet = try AnswerSheet.parse(text: """
        student: s001
        exercises:
          buf:
            variant: {a: 300}
            answers:
              recvq: lots
              origins: 5
              first-recv: 123
          nope:
            answers: {}
        """, file: "c.yaml")
        let got = c.grader.check(sheet).map { "\($0.location.line ?? 0) \($0.severity.rawValue) \($0.id)" }
        // A hand-written variant without a tag: checked against today's content, with one warning.
        #expect(got == ["4 warning answer.untagged-variant", "6 error answer.kind", "7 error answer.kind", "9 error answer.unknown-exercise",
                        "0 warning answer.missing", "0 warning answer.missing"])
    }
}

/// The grader's number reading and list normalisation, table-driven.
@Suite struct Reading {
    @Test(arguments: [("syn/ack", "SYN+ACK"), ("SYN-ACK", "SYN+ACK"), ("fin ack", "FIN+ACK"), ("time-wait", "TIME_WAIT"), ("syn_rcvd", "SYN_RCVD")])
    func items(_ s: String, _ v: String) { #expect(Marking.normalizeItem(s) == v) }

    @Test(arguments: [("Send1", "send 1"), ("send #2", "send 2"), ("client  send 3", "client send 3")])
    func origins(_ s: String, _ v: String) { #expect(Marking.normalizeOrigin(s) == v) }
}
