import CourseModel
import CourseModelTestSupport
import Foundation
@testable import Grader
import SourceFiles
import Testing

/// Signed, frozen variants: a file issued before the instructor edits the ranges grades exactly
/// as before, a forged variant costs only its own exercise, and files without tags still grade.
@Suite("Frozen variants")
struct FrozenVariantTests {
    static let secret = "frozen-variant-test-secret"
    static let students = (0..<40).map { "s\(2026000 + $0)" }

    /// The real chapter, with every exercise file's text passed through `edit`.
    static func catalog(editing edit: (String, String) -> String = { $1 }) throws -> ExerciseCatalog {
        let (loaded, problems) = Course.load(try Content.files(relative: true, exercises: { ($0, edit($0, $1)) }), caches: sharedCaches)
        #expect(problems.map(\.description) == [])
        return try #require(loaded).catalog
    }

    /// A mid-semester edit: every range widened by two steps at the top, and one range narrowed so
    /// that some issued values are no longer in it at all.
    static func editRanges(_ path: String, _ text: String) -> String {
        var out = text
        if path.hasSuffix("buffering-first-recv.yaml") {
            out = out.replacingOccurrences(of: "a: { range: [200, 400], step: 50 }", with: "a: { range: [200, 250], step: 50 }")
        }
        let pattern = try! NSRegularExpression(pattern: #"range: \[(\d+), (\d+)\](, step: (\d+))?"#)
        let ns = out as NSString
        var result = ""
        var last = 0
        for m in pattern.matches(in: out, range: NSRange(location: 0, length: ns.length)) {
            result += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let lo = Int(ns.substring(with: m.range(at: 1)))!, hi = Int(ns.substring(with: m.range(at: 2)))!
            let step = m.range(at: 4).location == NSNotFound ? 1 : Int(ns.substring(with: m.range(at: 4)))!
            let wider = path.hasSuffix("buffering-first-recv.yaml") && hi == 250 ? hi : hi + 2 * step
            result += "range: [\(lo), \(wider)]" + (m.range(at: 3).location == NSNotFound ? "" : ", step: \(step)")
            last = m.range.location + m.range.length
        }
        return result + ns.substring(from: last)
    }

    /// The student's template with every answer filled in with their key.
    static func filledTemplate(_ student: String, grader: Grader) throws -> String {
        let text = try AnswerTemplate.render(student: student, catalog: grader.catalog, grader: grader)
        let variants = grader.variants(for: student)
        var exercise: Exercise?
        var key: AnswerKey?
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":"), let e = grader.catalog.exercise(String(line.dropFirst(2).dropLast())) {
                exercise = e
                key = try grader.key(e, variants[e.id]!)
            }
            if line.hasPrefix("      "), !line.hasPrefix("       "), line.hasSuffix(":"), let e = exercise, let key,
               let q = e.question(String(line.dropFirst(6).dropLast())), let value = key.values[q.id] {
                lines.append(line + " " + RealChapterTests.yaml(value))
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    static func inputs(_ files: [(String, String)]) -> [AnswerInput] {
        files.map { AnswerInput(path: "\($0.0).yaml", content: .success(Array($0.1.utf8))) }
    }

    /// What a result says, question by question.
    static func summary(_ r: StudentResult) -> [String] {
        ["\(r.student ?? "?") \(r.score) errors=\(r.errors.map(\.id))"] + r.exercises.map { e in
            "\(e.exerciseID) [\(e.variant)] " + e.questions.map { "\($0.questionID)=\($0.status.rawValue):\($0.score)" }.joined(separator: " ")
        }
    }

    @Test("a file issued before a range edit grades identically after it")
    func rangeEditMovesNoOne() throws {
        let before = Grader(catalog: try Self.catalog(), secret: Self.secret)
        let after = Grader(catalog: try Self.catalog(editing: Self.editRanges), secret: Self.secret)
        // The edit really moves students: under the new ranges most ids choose other variants.
        let moved = Self.students.filter { before.variants(for: $0) != after.variants(for: $0) }.count
        #expect(moved > Self.students.count / 2, "the range edit should move most students' chosen variants")

        let files = try Self.students.map { ($0, try Self.filledTemplate($0, grader: before)) }
        let old = try before.grade(Self.inputs(files))
        let new = try after.grade(Self.inputs(files))
        #expect(old.results.count == Self.students.count)
        for (a, b) in zip(old.results, new.results) {
            #expect(a.errors.isEmpty && b.errors.isEmpty, "\(a.errors) \(b.errors)")
            #expect(a.score == a.maxScore, "\(a.student ?? "?") scores full marks with its keys")
            #expect(Self.summary(a) == Self.summary(b))
            #expect(b.warnings.map(\.id) == [], "\(b.warnings)")
        }
        // Some of the files hold values that the narrowed range no longer has: graded as written.
        let outside = files.filter { file in
            let sheet = try? AnswerSheet.parse(text: file.1, file: "x.yaml")
            return sheet.map { after.variants(of: $0).ids.contains { $0 < 0 } } ?? false
        }
        #expect(!outside.isEmpty, "the narrowed range should leave some issued values outside it")

        // The same files without their tags (as an older template wrote them) are checked against
        // today's ranges, which is what turned 120 of 154 files into error rows before tags.
        let untagged = files.map { ($0.0, $0.1.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("    tag: ") }.joined(separator: "\n")) }
        let legacy = try after.grade(Self.inputs(untagged))
        #expect(legacy.results.filter { $0.errors.contains { $0.id.rawValue == "answer.wrong-variant" } }.count > 0)
        let legacyBefore = try before.grade(Self.inputs(untagged))
        for (a, b) in zip(old.results, legacyBefore.results) {
            #expect(Self.summary(a) == Self.summary(b), "an untagged file grades as it always did")
            #expect(b.warnings.map(\.id.rawValue) == ["answer.untagged-variant"])
        }
    }

    @Test("a forged variant fails its tag: that exercise is refused with a located error, the rest is graded")
    func forgedVariant() throws {
        let grader = Grader(catalog: try Self.catalog(), secret: Self.secret)
        let student = Self.students[0]
        let text = try Self.filledTemplate(student, grader: grader)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The first varying exercise: change one value in its variant line.
        let target = try #require(grader.catalog.exercises.first { $0.hasVariants })
        let header = try #require(lines.firstIndex(of: "  \(target.id):"))
        let variantLine = header + 1
        #expect(lines[variantLine].hasPrefix("    variant: {"))
        let p = try #require(target.parameters.first { $0.candidateCount > 1 })
        let chosen = grader.variants(for: student)[target.id]!.values[p.name]!
        let other = p.candidates.first { $0 != chosen }!
        lines[variantLine] = lines[variantLine].replacingOccurrences(of: "\(p.name): \(chosen)", with: "\(p.name): \(other)")
        let forged = lines.joined(separator: "\n")

        let report = try grader.grade(Self.inputs([(student, forged)]))
        let r = try #require(report.results.first)
        #expect(!r.isError, "one forged exercise must not make the file an error row")
        let d = try #require(r.warnings.first { $0.id.rawValue == "answer.forged-variant" })
        #expect(d.severity == .error)
        #expect(d.location.line == variantLine + 2, "the tag's line")
        #expect(d.message.contains(target.id))
        for e in r.exercises {
            if e.exerciseID == target.id {
                #expect(e.questions.allSatisfy { $0.status == .refused && $0.score == 0 })
                #expect(e.questions.allSatisfy { $0.feedback.contains("tag:") })
            } else {
                #expect(e.score == e.maxScore, "\(e.exerciseID) is graded as usual")
            }
        }
        #expect(r.score == r.maxScore - target.maxPoints)

        // `socklab check` (TAs) reports it as an error.
        let sheet = try AnswerSheet.parse(text: forged, file: "f.yaml")
        #expect(grader.check(sheet).contains { $0.id.rawValue == "answer.forged-variant" && $0.severity == .error })

        // Another student's block, tag and all, copied in: the tag names its student.
        let classmate = try Self.filledTemplate(Self.students[1], grader: grader)
        let copied = classmate.replacingOccurrences(of: "student: \"\(Self.students[1])\"", with: "student: \"\(student)\"")
        let c = try #require(try grader.grade(Self.inputs([(student, copied)])).results.first)
        #expect(c.warnings.filter { $0.id.rawValue == "answer.forged-variant" }.count == grader.catalog.exercises.filter { !$0.parameters.isEmpty }.count)
        #expect(c.score == grader.catalog.exercises.filter { $0.parameters.isEmpty }.reduce(0) { $0 + $1.maxPoints })
    }

    @Test("a tag written in the general reader's shapes (block variant, JSON) verifies the same")
    func readersAgree() throws {
        let grader = Grader(catalog: try Self.catalog(), secret: Self.secret)
        let text = try Self.filledTemplate(Self.students[2], grader: grader)
        let fast = try AnswerSheet.parse(bytes: Array(text.utf8), file: "a.yaml")
        let general = try AnswerSheet.parseGeneral(bytes: Array(text.utf8), file: "a.yaml")
        #expect(fast == general)
        #expect(fast.exercises.map(\.tag) == general.exercises.map(\.tag))
        #expect(fast.exercises.compactMap(\.tag).count == grader.catalog.exercises.filter { !$0.parameters.isEmpty }.count)
        #expect(grader.variants(of: general).diagnostics.isEmpty)
    }
}
