import CourseModel
import Foundation
@testable import Grader
import SourceFiles
import Testing

/// The three roster forms, told apart by their first line; the original one-id-per-line form
/// keeps working as it did.
@Suite struct RosterForms {
    @Test("one id per line: comments and blank lines skipped, each id once, commas-free ids as written")
    func plain() throws {
        let r = try Roster.parse("# class\n20231234\n\n 20231235 \r\n20231234\n", file: "roster.txt")
        #expect(r.entries.map(\.student) == ["20231234", "20231235"])
        #expect(r.entries.allSatisfy { $0.name.isEmpty && $0.canvasID.isEmpty })
    }

    @Test("a CSV roster with a student column, any order and letter case, quoted cells")
    func csv() throws {
        let r = try Roster.parse("Section,Student,Name\n1,s1,\"Kim, Minji\"\n2,s2,Lee\n", file: "roster.csv")
        #expect(r.entries == [Roster.Entry(student: "s1", name: "Kim, Minji", section: "1"), Roster.Entry(student: "s2", name: "Lee", section: "2")])
    }

    @Test("Canvas's gradebook export: SIS User ID is the student id; Points Possible and the test student skipped")
    func canvasExport() throws {
        let text = "\u{FEFF}Student,ID,SIS User ID,SIS Login ID,Section,Quiz (5)\r\n    Points Possible,,,,,10\r\n\"Kim, Minji\",101,s1,minji,A,\r\nTest Student,999,,,,\r\n"
        let r = try Roster.parse(text, file: "export.csv")
        #expect(r.entries == [Roster.Entry(student: "s1", name: "Kim, Minji", canvasID: "101", sisLoginID: "minji", section: "A")])
    }

    @Test("a CSV row without a student id or with one twice is an error naming the line")
    func errors() throws {
        #expect(throws: DiagnosticError.self) { try Roster.parse("student,name\n,Kim\n", file: "r.csv") }
        do {
            _ = try Roster.parse("student,name\ns1,Kim\ns1,Lee\n", file: "r.csv")
            Issue.record("a duplicate was accepted")
        } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == ["roster.duplicate"])
            #expect(error.diagnostics[0].location == SourceLocation(file: "r.csv", line: 3))
        }
    }

    @Test("CSV fields: quotes, doubled quotes, empty cells")
    func fields() {
        #expect(Roster.csvFields(#"a,"b,c","d""e",,"#) == ["a", "b,c", "d\"e", "", ""])
    }
}

@Suite struct ComparingRuns {
    @Test("changes since an earlier JSON report: moved questions with old and new scores, new and gone students")
    func changes() throws {
        let c = try FixtureCourse.load()
        let before = try c.grade(["partial.yaml", "binary.yaml"])
        let old = Array(try before.json().utf8)
        let after = try c.grade(["right.yaml"])
        let changes = try after.changes(since: old, file: "old.json")
        // partial.yaml and right.yaml are both s001's; binary.yaml had no score then and has none now.
        let s = try #require(changes.first { $0.student == "s001" })
        #expect(s.oldScore == 10 && s.newScore == 17)
        #expect(s.questions.map(\.column) == ["buf.first-recv", "buf.origins", "dl.smallest", "hs.segments"])
        #expect(s.questions.allSatisfy { $0.new > $0.old })
        #expect(changes.map(\.student) == ["s001"])
        let text = GradeReport.describe(changes)
        #expect(text.contains("s001: 10 -> 17 (+7)"))
        #expect(text.contains("  dl.smallest: 0 -> 3 (+3)"))
        #expect(try after.changes(since: Array(try after.json().utf8), file: "same.json").isEmpty)
    }

    @Test("a file that is not a JSON report is an error naming it")
    func notAReport() throws {
        let c = try FixtureCourse.load()
        let r = try c.grade(["right.yaml"])
        for bad in ["", "[]", "{\"students\": [{\"file\": 3}]}", "\u{0}"] {
            #expect(throws: DiagnosticError.self) { try r.changes(since: Array(bad.utf8), file: "old.json") }
        }
    }

    @Test("PrairieLearn: score is the fraction of points, tests carry points and max_points")
    func prairieLearn() throws {
        let c = try FixtureCourse.load()
        let doc = try JSONSerialization.jsonObject(with: Data(try c.grade(["partial.yaml"]).prairieLearn().utf8)) as! [String: Any]
        #expect(doc["gradable"] as? Bool == true)
        #expect(doc["score"] as? Double == 0.5882)  // 10 of 17
        let tests = doc["tests"] as! [[String: Any]]
        #expect(tests.reduce(0) { $0 + ($1["points"] as! Double) } == 10)
        #expect(tests.reduce(0) { $0 + ($1["max_points"] as! Double) } == 17)
    }
}
