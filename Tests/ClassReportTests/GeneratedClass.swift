import CourseModel
import Foundation
import Grader
import SocketSim
import Testing
import TraceQueries

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The fixture course (six small exercises with variants), independent of the real chapter.
struct FixtureCourse: @unchecked Sendable {
    let catalog: ExerciseCatalog
    let grader: Grader

    nonisolated(unsafe) static var cached: FixtureCourse?
    static let lock = NSLock()

    static func load() throws -> FixtureCourse {
        lock.lock()
        defer { lock.unlock() }
        if let c = cached { return c }
        let root = fixtures.appendingPathComponent("content")
        let coursePath = root.appendingPathComponent("course.yaml").path
        let course = try CourseConfig.load(text: String(contentsOfFile: coursePath, encoding: .utf8), file: coursePath)
        let dir = root.appendingPathComponent("exercises")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            (path: "exercises/\($0)", text: try String(contentsOfFile: dir.appendingPathComponent($0).path, encoding: .utf8))
        }
        let (catalog, problems) = ExerciseCatalog.load(files: files, course: course, scenarios: [], caches: sharedCaches)
        try #require(problems.isEmpty, "\(problems)")
        let c = FixtureCourse(catalog: catalog, grader: Grader(catalog: catalog, secret: try #require(course.secret)))
        cached = c
        return c
    }
}

/// How a generated student answers.
enum Profile: Hashable, Sendable {
    /// The key, except that each answer is wrong with probability `wrong` (in ways no key or
    /// misconception predicts: off by an odd number, a flipped yes/no, a reversed list).
    case honest(wrong: Double)
    /// What the misconception predicts wherever it predicts something, else like `honest(0.1)`.
    case misconception(Misconception)
    /// Another student's answers, written into this student's own file (own id, own variant block).
    case copier(of: String)
    /// The default variant's keys (the numbers on the solutions page) for every question.
    case defaults
    /// No answers at all.
    case blank
}

/// A class of answer files generated from the keys the simulation computes.
struct GeneratedClass {
    var course: FixtureCourse
    var students: [(id: String, profile: Profile)]
    var seed: UInt64
    /// Extra files that cannot be graded (error rows).
    var brokenFiles: Int = 0

    /// Answers by student, then exercise, then question (YAML text of each value).
    func answers() throws -> [String: [String: [String: String]]] {
        var rng = SplitMix64(seed: seed)
        var out: [String: [String: [String: String]]] = [:]
        for (id, profile) in students where !isCopier(profile) {
            out[id] = try answers(for: id, profile: profile, rng: &rng)
        }
        for (id, profile) in students {
            if case .copier(let source) = profile { out[id] = out[source] ?? [:] }
        }
        return out
    }

    func isCopier(_ p: Profile) -> Bool { if case .copier = p { return true } else { return false } }

    func answers(for id: String, profile: Profile, rng: inout SplitMix64) throws -> [String: [String: String]] {
        let variants = course.grader.variants(for: id)
        var out: [String: [String: String]] = [:]
        for e in course.catalog.exercises {
            let key = try course.grader.key(e, variants[e.id]!)
            var answers: [String: String] = [:]
            for q in e.questions {
                let right = key.values[q.id]!
                let noise = Double(rng.next() % 1000) / 1000
                switch profile {
                case .blank: continue
                case .honest(let wrong): answers[q.id] = Self.render(right, wrong: noise < wrong)
                case .misconception(let m):
                    if let predicted = key.predictions[q.id]?[m] { answers[q.id] = Self.render(predicted, wrong: false) } else {
                        answers[q.id] = Self.render(right, wrong: noise < 0.1)
                    }
                case .defaults:
                    answers[q.id] = Self.render(try course.grader.key(e, e.defaultVariant).values[q.id]!, wrong: false)
                case .copier: continue
                }
            }
            out[e.id] = answers
        }
        return out
    }

    /// The answer files, as `socklab grade` would read them.
    func inputs() throws -> [AnswerInput] {
        let all = try answers()
        var inputs: [AnswerInput] = []
        for (id, _) in students {
            let variants = course.grader.variants(for: id)
            var lines = ["student: \"\(id)\"", "exercises:"]
            for e in course.catalog.exercises {
                lines.append("  \(e.id):")
                let v = variants[e.id]!
                if !v.values.isEmpty {
                    lines.append("    variant: {" + v.values.keys.sorted().map { "\($0): \(v.values[$0]!)" }.joined(separator: ", ") + "}")
                }
                let a = all[id]?[e.id] ?? [:]
                if a.isEmpty { lines.append("    answers: {}"); continue }
                lines.append("    answers:")
                for q in e.questions { if let text = a[q.id] { lines.append("      \(q.id): \(text)") } }
            }
            inputs.append(AnswerInput(path: "\(id).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
        }
        for i in 0..<brokenFiles {
            inputs.append(AnswerInput(path: "broken-\(i).yaml", content: .success([0x00, 0x01, 0x02])))
        }
        return inputs
    }

    func grade() throws -> GradeReport { try course.grader.grade(inputs()) }

    static func render(_ v: AnswerValue, wrong: Bool) -> String {
        switch v {
        case .integer(let n): return String(wrong ? n + 7 : n)
        case .boolean(let b): return (b != wrong) ? "yes" : "no"
        case .text(let t): return wrong ? "\"SYN_SENT\"" : "\"\(t)\""
        case .never: return wrong ? "3" : "never"
        case .list(let items): return "[" + (wrong ? items.reversed() : items).joined(separator: ", ") + "]"
        case .counts(let c): return "{" + AnswerValue.sortedCountKeys(c).map { "\($0): \(c[$0]! + (wrong ? 7 : 0))" }.joined(separator: ", ") + "}"
        }
    }
}
