@testable import CourseModel
import CourseModelTestSupport
import Foundation
@testable import Grader
import Testing
@testable import TraceQueries

/// The real chapter's exercises (content/), graded end to end: for several students, a file with
/// every key of their own variant scores full marks and an empty one scores zero.
@Suite("The chapter's exercises, graded")
struct RealChapterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load() throws -> (ExerciseCatalog, Grader) {
        let (loaded, problems) = Course.load(try Content.files(relative: true), caches: sharedCaches)
        #expect(problems.map(\.description) == [])
        let course = try #require(loaded)
        return (course.catalog, Grader(catalog: course.catalog, secret: try #require(course.config.secret)))
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
        #expect(catalog.exercises.flatMap(\.questions).allSatisfy { !$0.hint.isEmpty && !$0.solution.isEmpty })
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
    /// Without `--reveal` feedback shows the question's hint (with its query values, which the
    /// loader checked) and never its solution; with `--reveal`, hint, solution and key.
    @Test("unrevealed feedback shows the hint only; revealed feedback adds the solution and the key")
    func hintOnlyUnlessRevealed() throws {
        let (catalog, grader) = try RealChapterTests.load()
        let e = try #require(catalog.exercise("structures-fields"))
        let q = try #require(e.question("accept-fd"))
        let student = "leak-check"
        let key = try e.answerKey(for: try #require(grader.variants(for: student)[e.id]))
        let hint = ExerciseText.render(q.hint, key: key).trimmed()
        let solution = ExerciseText.render(q.solution, key: key, answer: key.values[q.id]).trimmed()
        let text = "student: \"\(student)\"\nexercises:\n  \(e.id):\n    answers:\n      \(q.id): 99\n"
        for reveal in [false, true] {
            let r = try grader.grade([AnswerInput(path: "a.yaml", content: .success(Array(text.utf8)))], reveal: reveal).results[0]
            let feedback = try #require(r.mark(e.id, q.id)).feedback
            #expect(feedback.contains(hint), "reveal \(reveal): \(feedback)")
            #expect(feedback.contains(solution) == reveal, "reveal \(reveal): \(feedback)")
            #expect(feedback.contains("정답: ") == reveal)
            #expect(!feedback.contains(ExerciseText.hiddenAnswer))
        }
    }

    /// A wrong answer for a question: the first misconception's prediction when there is one (so
    /// that its correction is in the feedback too), else a value of the right kind that is not the key.
    static func wrong(_ q: Question, key: AnswerKey) -> String {
        if let predicted = key.predictions[q.id]?.sorted(by: { $0.key < $1.key }).first?.value { return RealChapterTests.yaml(predicted) }
        let v = key.values[q.id]!
        switch (q.kind, v) {
        case (.integer, .integer(let n)): return String(n + 9_999)
        case (.integer, _): return "1"
        case (.yesno, .boolean(let b)): return b ? "no" : "yes"
        case (.choice, _): return RealChapterTests.yaml(.text(q.choices.first { !AnswerValue.literalMatches(v, $0) }!))
        case (.state, .text(let s)): return s == "CLOSED" ? "LISTEN" : "CLOSED"
        case (.list, _): return "[\"CLOSING\"]"
        case (.counts, _): return "{\"send 99\": 1}"
        default: return "1"
        }
    }

    /// The quality bar: for 50 students and every question, the feedback a wrong answer gets in the
    /// JSON report without `--reveal` states no key of the exercise, by the loader's rule. The only
    /// key values it may contain are mentions of given values inside the hint (located by
    /// rendering the hint for the student and finding it in the feedback).
    @Test("for 50 students, no unrevealed wrong-answer feedback in the JSON report states a key")
    func fiftyStudentsNoKey() throws {
        let (catalog, grader) = try RealChapterTests.load()
        let students = (0..<50).map { "2026\(1000 + $0 * 37)" }
        var keys: [String: [String: AnswerKey]] = [:]
        var inputs: [AnswerInput] = []
        for s in students {
            let variants = grader.variants(for: s)
            var lines = ["student: \"\(s)\"", "exercises:"]
            for e in catalog.exercises {
                let key = try e.answerKey(for: try #require(variants[e.id]))
                keys[s, default: [:]][e.id] = key
                lines += ["  \(e.id):", "    answers:"] + e.questions.map { "      \($0.id): \(Self.wrong($0, key: key))" }
            }
            inputs.append(AnswerInput(path: "\(s).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
        }
        let report = try grader.grade(inputs)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let results = try #require(json["students"] as? [[String: Any]])
        #expect(results.count == 50)
        var checked = 0, misconceptions = 0
        for r in results {
            let student = try #require(r["student"] as? String)
            for ex in try #require(r["exercises"] as? [[String: Any]]) {
                let exerciseID = try #require(ex["id"] as? String)
                let e = try #require(catalog.exercise(exerciseID))
                let key = try #require(keys[student]?[e.id])
                for qj in try #require(ex["questions"] as? [[String: Any]]) {
                    let questionID = try #require(qj["id"] as? String)
                    let q = try #require(e.question(questionID))
                    let feedback = try #require(qj["feedback"] as? String)
                    #expect(qj["status"] as? String != "correct", "\(e.id)/\(q.id): the wrong answer was marked correct")
                    #expect(qj["expected"] == nil || qj["expected"] is NSNull)
                    if qj["misconception"] is String { misconceptions += 1 }
                    var traced = ExerciseText.Traced(text: feedback)
                    let hint = ExerciseText.renderTraced(q.hint, key: key, givens: e.givenNames)
                    let hintText = hint.string.trimmed()
                    if let at = feedback.range(of: hintText) {
                        let offset = feedback.unicodeScalars.distance(from: feedback.unicodeScalars.startIndex, to: at.lowerBound)
                        let lead = hint.string.unicodeScalars.count - hint.string.trimmingLeadingSpace.unicodeScalars.count
                        traced.mentions = hint.mentions.map { ($0.lowerBound + offset - lead)..<($0.upperBound + offset - lead) }
                    } else {
                        Issue.record("\(e.id)/\(q.id): the hint is not in the feedback: \(feedback)")
                    }
                    for leak in AnswerLeak.find(in: traced, exercise: e, key: key, own: q.id) {
                        Issue.record("\(student) \(e.id)/\(q.id): feedback states the key of '\(leak.question)' (\(leak.value)) in ‘\(leak.excerpt)’")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 50 * catalog.exercises.flatMap(\.questions).count)
        #expect(misconceptions > 50, "misconception feedback is part of what is checked")
    }
}

extension FeedbackLeakTests {
    /// One voice in Korean (issue #12) in what `socklab grade` tells a student: for wrong answers of
    /// every question (misconception corrections included), with and without `--reveal`, the
    /// feedback has no English word in a Korean sentence (the site's rules: `KoreanText`) and every
    /// duration is written the Korean way (`60초`, not `60000ms`).
    @Test("feedback, revealed or not, reads in Korean: no English words, durations as 60초", arguments: [false, true])
    func feedbackInKorean(reveal: Bool) throws {
        let (catalog, grader) = try RealChapterTests.load()
        var inputs: [AnswerInput] = []
        for s in (0..<8).map({ "2026\(2000 + $0 * 53)" }) {
            let variants = grader.variants(for: s)
            var lines = ["student: \"\(s)\"", "exercises:"]
            for e in catalog.exercises {
                let key = try e.answerKey(for: try #require(variants[e.id]))
                lines += ["  \(e.id):", "    answers:"] + e.questions.map { "      \($0.id): \(Self.wrong($0, key: key))" }
            }
            inputs.append(AnswerInput(path: "\(s).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
        }
        let report = try grader.grade(inputs, reveal: reveal)
        var english: [String: String] = [:]
        var durations: [String] = []
        var sentences = 0
        for r in report.results {
            #expect(r.errors.isEmpty, "\(r.errors)")
            for ex in r.exercises {
                for m in ex.questions {
                    let where_ = "\(ex.exerciseID)/\(m.questionID)"
                    for sentence in KoreanText.sentences(ofMarkdown: m.feedback) {
                        sentences += 1
                        for w in KoreanText.englishInProse(sentence) where english[w] == nil { english[w] = "\(where_): \(sentence.prefix(160))" }
                    }
                    durations += try KoreanText.latinDurations(inMarkdown: m.feedback).map { "\(where_): \($0)" }
                }
            }
        }
        #expect(sentences > 500, "sentences read: \(sentences)")
        #expect(english.isEmpty, "English in feedback (reveal \(reveal)):\n\(english.sorted { $0.key < $1.key }.map { "\($0.key) — \($0.value)" }.joined(separator: "\n"))")
        #expect(durations.isEmpty, "Latin durations in feedback (reveal \(reveal)): \(durations.prefix(5))")
    }
}

extension String {
    var trimmingLeadingSpace: String { String(drop { $0 == " " || $0 == "\n" || $0 == "\t" }) }
}
