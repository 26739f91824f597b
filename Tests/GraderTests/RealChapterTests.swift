import CourseModel
import Foundation
@testable import Grader
import Testing

/// The real chapter's exercises (content/), graded end to end: for several students, a file with
/// every key of their own variant scores full marks and an empty one scores zero.
@Suite("The chapter's exercises, graded")
struct RealChapterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load() throws -> (ExerciseCatalog, Grader) {
        let content = root.appendingPathComponent("content")
        let coursePath = content.appendingPathComponent("course.yaml").path
        let course = try CourseConfig.load(text: String(contentsOfFile: coursePath, encoding: .utf8), file: "content/course.yaml")
        func files(_ folder: String) throws -> [(path: String, text: String)] {
            let dir = content.appendingPathComponent(folder)
            return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
                (path: "content/\(folder)/\($0)", text: try String(contentsOfFile: dir.appendingPathComponent($0).path, encoding: .utf8))
            }
        }
        let scenarios = try files("scenarios").map {
            ScenarioFile(name: String($0.path.split(separator: "/").last!.dropLast(5)), path: $0.path, text: $0.text)
        }
        let (catalog, problems) = ExerciseCatalog.load(files: try files("exercises"), course: course, scenarios: scenarios)
        #expect(problems.map(\.description) == [])
        return (catalog, Grader(catalog: catalog, secret: try #require(course.secret)))
    }

    /// An answer as a student writes it in YAML.
    static func yaml(_ v: AnswerValue) -> String {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        switch v {
        case .integer(let n): return String(n)
        case .never: return "never"
        case .boolean(let b): return b ? "yes" : "no"
        case .text(let s): return quoted(s)
        case .list(let items): return "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .counts(let c): return "{" + AnswerValue.sortedCountKeys(c).map { "\(quoted($0)): \(c[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// A student's file with the given questions answered by their keys (all when `only` is nil).
    static func sheet(student: String, catalog: ExerciseCatalog, grader: Grader, only: ((String, String) -> Bool)? = nil) throws -> String {
        let variants = grader.variants(for: student)
        var lines = ["student: \"\(student)\"", "exercises:"]
        for e in catalog.exercises {
            let key = try e.answerKey(for: try #require(variants[e.id]))
            lines.append("  \(e.id):")
            lines.append("    answers:")
            for q in e.questions {
                var value = ""
                if only?(e.id, q.id) ?? true { value = yaml(try #require(key.values[q.id])) }
                lines.append("      \(q.id): \(value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let students = ["20231234", "20240001", "s-kim", "2019-0042", "x"]

    @Test("the chapter has enough exercises: four per section, 30+ questions, half with variants")
    func coverage() throws {
        let (catalog, _) = try Self.load()
        let bySection = Dictionary(grouping: catalog.exercises, by: \.section)
        for section in ["structures", "buffering", "deadlock", "performance", "lifecycle", "closing"] {
            #expect((bySection[section]?.count ?? 0) >= 4, "section \(section)")
        }
        #expect(catalog.exercises.flatMap(\.questions).count >= 30)
        #expect(catalog.exercises.filter(\.hasVariants).count * 2 >= catalog.exercises.count)
        #expect(catalog.exercises.flatMap(\.questions).allSatisfy { !$0.explanation.isEmpty })
        #expect(Set(catalog.exercises.flatMap(\.questions).map(\.kind)) == Set(QuestionKind.allCases))
    }

    @Test("a file with every key scores full marks; an empty one scores zero", arguments: students)
    func perfectAndEmpty(student: String) throws {
        let (catalog, grader) = try Self.load()
        let perfect = try Self.sheet(student: student, catalog: catalog, grader: grader)
        let empty = try Self.sheet(student: student, catalog: catalog, grader: grader, only: { _, _ in false })
        let report = try grader.grade([
            AnswerInput(path: "perfect.yaml", content: .success(Array(perfect.utf8))),
            AnswerInput(path: "empty.yaml", content: .success(Array(empty.utf8))),
        ])
        // Results come sorted by student, then file: pick them by file.
        let p = try #require(report.results.first { $0.file == "perfect.yaml" })
        let e = try #require(report.results.first { $0.file == "empty.yaml" })
        #expect(p.errors.isEmpty && e.errors.isEmpty, "\(p.errors) \(e.errors)")
        #expect(p.maxScore == catalog.maxPoints)
        for m in p.exercises.flatMap({ ex in ex.questions.map { (ex.exerciseID, $0) } }) where m.1.score != m.1.maxScore {
            Issue.record("\(student): \(m.0).\(m.1.questionID) got \(m.1.score)/\(m.1.maxScore) for its own key: \(m.1.feedback)")
        }
        #expect(p.score == catalog.maxPoints)
        #expect(e.score == 0)
    }

    @Test("answering half of the questions scores exactly their points")
    func halfAnswered() throws {
        let (catalog, grader) = try Self.load()
        var expected = 0.0
        var n = 0
        let pick: (String, String) -> Bool = { _, _ in n += 1; return n % 2 == 0 }
        let text = try Self.sheet(student: "half", catalog: catalog, grader: grader, only: pick)
        n = 0
        for e in catalog.exercises { for q in e.questions { n += 1; if n % 2 == 0 { expected += q.points } } }
        let r = try grader.grade([AnswerInput(path: "half.yaml", content: .success(Array(text.utf8)))]).results[0]
        #expect(r.score == expected)
    }
}

@Suite("Feedback without --reveal")
struct FeedbackLeakTests {
    /// An explanation's `{q:QUERY}` can be another question's key (structures-fields quotes the
    /// listener's descriptor, which is the socket-fd question's answer): hidden unless revealed.
    @Test("query values in explanations are hidden unless the instructor reveals them")
    func queryValuesHidden() throws {
        let (catalog, grader) = try RealChapterTests.load()
        let e = try #require(catalog.exercise("structures-fields"))
        let q = try #require(e.questions.first { $0.explanation.contains("{q:returned 1}") })
        let socketFD = try #require(e.questions.first { $0.answer.text == "returned 1" })
        let student = "leak-check"
        let key = try e.answerKey(for: try #require(grader.variants(for: student)[e.id]))
        let fd = try #require(key.values[socketFD.id]).korean
        let text = "student: \"\(student)\"\nexercises:\n  \(e.id):\n    answers:\n      \(q.id): 99\n"
        for reveal in [false, true] {
            let r = try grader.grade([AnswerInput(path: "a.yaml", content: .success(Array(text.utf8)))], reveal: reveal).results[0]
            let feedback = try #require(r.mark(e.id, q.id)).feedback
            #expect(feedback.contains("듣기 소켓이 \(fd)번을") == reveal, "reveal \(reveal): \(feedback)")
            #expect(feedback.contains(ExerciseText.hiddenAnswer) != reveal)
        }
    }
}

