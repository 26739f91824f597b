import CourseModel
import Foundation
@testable import SiteBuilder
import Testing
import TraceQueries

/// Without --solutions nothing in the output reveals an answer: the student build is searched for
/// every key of several variants of every question, and for every explanation.
@Suite("The student build leaks no answer")
struct NoAnswerLeakTests {
    struct Built {
        let student: BuildResult
        let instructor: BuildResult
        let catalog: ExerciseCatalog
    }

    static func build() throws -> Built {
        let tree = try realTree()
        let student = SiteBuilder.build(tree, caches: sharedCaches)
        let instructor = SiteBuilder.build(tree, options: BuildOptions(solutions: true), caches: sharedCaches)
        let files = try #require(Course.Files(tree: tree.files))
        let (course, problems) = Course.load(files, caches: sharedCaches)
        #expect(problems.map(\.description) == [])
        return Built(student: student, instructor: instructor, catalog: try #require(course).catalog)
    }

    /// The text of one question's block in a page, tags removed.
    static func questionText(_ html: String, exercise: String, question: String) -> String? {
        guard let start = html.range(of: "<li class=\"question\" id=\"ex-\(exercise)-\(question)\">") else { return nil }
        let rest = html[start.upperBound...]
        let end = rest.range(of: "</li>\n")?.lowerBound ?? rest.endIndex
        return String(rest[..<end]).replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
    }

    @Test("no key of any sampled variant appears in its question, and no explanation anywhere")
    func studentBuildHasNoKeys() throws {
        let built = try Self.build()
        #expect(built.student.errors == [] && built.instructor.errors == [])
        #expect(built.catalog.exercises.count >= 4)
        let pages = built.student.files.filter { $0.path.hasSuffix(".html") || $0.path.hasSuffix(".yaml") }
        let allStudentText = pages.map(\.contents).joined(separator: "\n")
        #expect(!allStudentText.contains("class=\"answer-key\""))
        #expect(!allStudentText.contains("정답:"))
        var checked = 0
        for e in built.catalog.exercises {
            let page = try #require(built.student.file("\(e.section).html"))
            let variants = [e.defaultVariant] + Array(e.allVariants(limit: 64).prefix(4))
            for variant in variants {
                let key = try e.answerKey(for: variant)
                for q in e.questions {
                    let block = try #require(Self.questionText(page, exercise: e.id, question: q.id), "\(e.id)/\(q.id) missing from \(e.section).html")
                    guard let value = key.values[q.id] else { continue }
                    let shown = value.korean
                    // Words the question itself shows (its choices, its own prompt text) are not leaks.
                    let visible = ([q.prompt, e.prose] + q.choices).joined(separator: " ")
                    guard shown.count >= 2 || value.isList, !visible.contains(shown) else { continue }
                    #expect(!block.contains(shown), "\(e.id)/\(q.id): the student page shows the key '\(shown)' (variant \(variant))")
                    checked += 1
                }
            }
            for q in e.questions where !q.explanation.isEmpty {
                let key = try e.answerKey(for: e.defaultVariant)
                let explanation = ExerciseText.render(q.explanation, key: key, answer: key.values[q.id])
                let probe = String(explanation.split(separator: "\n").first { $0.count > 20 } ?? "").prefix(30)
                if !probe.isEmpty {
                    #expect(!allStudentText.contains(probe), "\(e.id)/\(q.id): the explanation is in the student build")
                }
            }
        }
        #expect(checked > 20)
    }

    @Test("the instructor build does show the keys and explanations")
    func instructorBuildHasKeys() throws {
        let built = try Self.build()
        let e = try #require(built.catalog.exercises.first)
        let page = try #require(built.instructor.file("\(e.section).html"))
        let key = try e.answerKey(for: e.defaultVariant)
        #expect(page.contains("class=\"answer-key\""))
        for q in e.questions {
            let block = try #require(Self.questionText(page, exercise: e.id, question: q.id))
            #expect(block.contains(try #require(key.values[q.id]).korean), "\(e.id)/\(q.id)")
        }
    }
}

extension AnswerValue {
    var isList: Bool { if case .list = self { return true } else { return false } }
}
