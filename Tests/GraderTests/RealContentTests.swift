import CourseModel
import CourseModelTestSupport
import Foundation
import Grader
import Testing
import TraceQueries

/// The chapter's own exercises: every key computes, a perfect file gets full marks, an empty one zero.
@Suite struct RealContent {
    static let content = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("content")

    static func catalog(workers: Workers = .one, under prefix: String = "") throws -> ExerciseCatalog {
        let (loaded, problems) = Course.load(try Content.files(exercises: { (prefix + $0, $1) }), workers: workers, caches: sharedCaches)
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        return try #require(loaded).catalog
    }

    /// An answer written the way a student would write the key.
    static func written(_ v: AnswerValue) -> String {
        switch v {
        case .integer(let n): return String(n)
        case .boolean(let b): return b ? "yes" : "no"
        case .text(let t): return "\"\(t)\""
        case .never: return "never"
        case .list(let items): return "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .counts(let c): return "{" + AnswerValue.sortedCountKeys(c).map { "\($0): \(c[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// Loading on several threads gives the catalog one thread gives: the same exercises in the
    /// same order and the same checked keys. (The files are named under another folder, so the
    /// process-wide hint-check cache cannot answer for the threads.)
    @Test func catalogLoadedOnThreadsIsTheCatalogOfOneThread() throws {
        let one = try Self.catalog()
        let four = try Self.catalog(workers: Workers(count: 4), under: "/threads")
        #expect(four.exercises.map(\.id) == one.exercises.map(\.id))
        #expect(four.checkedKeys == one.checkedKeys)
        #expect(four.exercises.map(\.location.file) == one.exercises.map { "/threads" + $0.location.file })
    }

    /// Grading on several threads gives, byte for byte, the report of one thread: the whole
    /// report (JSON and CSV) and the streamed one the command writes.
    @Test func gradingOnThreadsIsGradingOnOneThread() throws {
        let catalog = try Self.catalog()
        let one = Grader(catalog: catalog, secret: "threads"), four = Grader(catalog: catalog, secret: "threads", workers: Workers(count: 4))
        var inputs: [AnswerInput] = []
        for n in 0..<12 {
            // Some answers from the student's key, the others from the default variant's.
            let student = "w\(n)"
            let variants = one.variants(for: student)
            var lines = ["student: \(student)", "exercises:"]
            for (i, e) in catalog.exercises.enumerated() {
                let key = try one.key(e, (i + n) % 3 == 0 ? e.defaultVariant : variants[e.id]!)
                lines += ["  \(e.id):", "    answers:"] + e.questions.map { "      \($0.id): \(Self.written(key.values[$0.id]!))" }
            }
            inputs.append(AnswerInput(path: "\(student).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
        }
        inputs.append(AnswerInput(path: "broken.yaml", content: .success(Array("student: [".utf8))))
        let a = try one.grade(inputs), b = try four.grade(inputs)
        #expect(try b.json() == a.json())
        #expect(b.csv() == a.csv())
        #expect(a.results.contains { !$0.isError && $0.score < a.maxScore } && a.results.contains(where: \.isError))
        let output = GradeOutput(format: .csv, catalog: catalog, revealed: false)
        var streamedOne = "", streamedFour = ""
        try one.gradeStreamed(inputs, output: output, store: MemoryPieceStore(), window: 3).write { streamedOne += $0 }
        try four.gradeStreamed(inputs, output: output, store: MemoryPieceStore(), window: 3).write { streamedFour += $0 }
        #expect(streamedFour == streamedOne)
        #expect(streamedOne == a.csv())
    }

    /// The grader starts from the keys the catalog's hint check computed; a catalog without them
    /// (every key computed while grading) must give the same report, revealed or not.
    @Test func keysFromTheHintCheckGradeAsFreshKeys() throws {
        let catalog = try Self.catalog()
        #expect(!catalog.checkedKeys.isEmpty)
        var fresh = catalog
        fresh.checkedKeys = [:]
        let seeded = Grader(catalog: catalog, secret: "real-content-test"), unseeded = Grader(catalog: fresh, secret: "real-content-test")
        var inputs: [AnswerInput] = []
        for student in ["t101", "t102", "t103", "t104"] {
            // Half the answers from the student's key, the other half from the default variant's.
            let variants = seeded.variants(for: student)
            var lines = ["student: \(student)", "exercises:"]
            for (i, e) in catalog.exercises.enumerated() {
                let key = try unseeded.key(e, i % 2 == 0 ? variants[e.id]! : e.defaultVariant)
                lines += ["  \(e.id):", "    answers:"] + e.questions.map { "      \($0.id): \(Self.written(key.values[$0.id]!))" }
            }
            inputs.append(AnswerInput(path: "\(student).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
        }
        for reveal in [false, true] {
            let a = try seeded.grade(inputs, reveal: reveal).json(), b = try unseeded.grade(inputs, reveal: reveal).json()
            #expect(a == b, "reveal \(reveal)")
        }
    }

    @Test func perfectFilesGetFullMarksAndEmptyOnesZero() throws {
        let catalog = try Self.catalog()
        let grader = Grader(catalog: catalog, secret: "real-content-test")
        var inputs: [AnswerInput] = []
        for student in ["t001", "t002", "t003"] {
            let variants = grader.variants(for: student)
            var lines = ["student: \(student)", "exercises:"]
            for e in catalog.exercises {
                let key = try grader.key(e, variants[e.id]!)
                lines.append("  \(e.id):")
                lines.append("    answers:")
                for q in e.questions { lines.append("      \(q.id): \(Self.written(key.values[q.id]!))") }
            }
            inputs.append(AnswerInput(path: "\(student).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
            let empty = try AnswerTemplate.render(student: student, catalog: catalog, grader: grader)
            inputs.append(AnswerInput(path: "\(student)-empty.yaml", content: .success(Array(empty.utf8))))
        }
        let report = try grader.grade(inputs)
        for r in report.results {
            #expect(r.errors.isEmpty, "\(r.file): \(r.errors)")
            if r.file.hasSuffix("-empty.yaml") {
                #expect(r.score == 0, "\(r.file)")
            } else {
                #expect(r.score == report.maxScore, "\(r.file): \(r.exercises.flatMap(\.questions).filter { $0.score < $0.maxScore }.map { "\($0.exerciseID).\($0.questionID)=\($0.answer)" })")
            }
        }
    }
}
