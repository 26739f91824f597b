import ClassReport
import CourseModel
import Foundation
import Grader
import SocketSim
import SocklabTestSupport
import SourceFiles
import Testing
import XMLCheck

/// The planted class: honest students, two groups that each follow one misconception, students who
/// answer with the default variant's keys (the solutions page), two copiers, a blank file and two
/// files that cannot be graded.
enum PlantedClass {
    static let swapped = (0..<8).map { String(format: "sq%02d", $0) }
    static let recvFills = (0..<8).map { String(format: "rf%02d", $0) }
    static let honest = (0..<110).map { String(format: "h%03d", $0) }
    static let defaults = (0..<5).map { String(format: "df%02d", $0) }
    /// (copier, source)
    static let copies = [("cp00", "h003"), ("cp01", "h017")]

    static func make() throws -> GeneratedClass {
        var students: [(String, Profile)] = []
        students += honest.map { ($0, .honest(wrong: 0.15)) }
        students += swapped.map { ($0, .misconception(.swappedQueues)) }
        students += recvFills.map { ($0, .misconception(.recvFillsBuffer)) }
        students += defaults.map { ($0, .defaults) }
        students += copies.map { ($0.0, .copier(of: $0.1)) }
        students.append(("zz-blank", .blank))
        return GeneratedClass(course: try FixtureCourse.load(), students: students, seed: 14, brokenFiles: 2)
    }

    nonisolated(unsafe) static var cachedReport: (GradeReport, ClassReport)?
    static let lock = NSLock()

    static func report() throws -> (GradeReport, ClassReport) {
        lock.lock()
        defer { lock.unlock() }
        if let r = cachedReport { return r }
        let graded = try make().grade()
        let r = (graded, ClassReport(graded))
        cachedReport = r
        return r
    }
}

@Suite struct PlantedMisconceptions {
    @Test("the report finds exactly the planted misconceptions, and no other")
    func findsExactlyThePlanted() throws {
        let (_, report) = try PlantedClass.report()
        let found = Set(report.misconceptions.filter(\.found).map(\.id))
        #expect(found == ["swapped-queues", "recv-fills-buffer"], "\(report.misconceptions.map { ($0.id, $0.consistentStudents) })")
    }

    @Test("the students listed as most consistent are exactly the planted ones")
    func listsThePlantedStudents() throws {
        let (_, report) = try PlantedClass.report()
        for (id, planted) in [("swapped-queues", PlantedClass.swapped), ("recv-fills-buffer", PlantedClass.recvFills)] {
            let m = try #require(report.misconceptions.first { $0.id == id })
            #expect(Set(m.topStudents.map(\.student)) == Set(planted), "\(id): \(m.topStudents)")
            #expect(m.consistentStudents == planted.count)
            #expect(m.topStudents.allSatisfy { $0.hits == $0.opportunities }, "planted students answer every prediction")
            // The questions it predicts are among those where it had an opportunity.
            #expect(m.questions.allSatisfy { $0.students <= $0.opportunities })
        }
        let others = report.misconceptions.filter { !["swapped-queues", "recv-fills-buffer"].contains($0.id) }
        for m in others { #expect(m.consistentStudents < 3, "\(m.id): \(m.consistentStudents)") }
    }

    @Test("error rows are counted but take no part in the statistics")
    func errorRows() throws {
        let (graded, report) = try PlantedClass.report()
        #expect(report.summary.files == graded.results.count)
        #expect(report.summary.errors == 2)
        #expect(report.summary.graded == graded.results.count - 2)
        #expect(report.questions.allSatisfy { $0.students == report.summary.graded })
    }
}

@Suite struct PlantedCopies {
    @Test("exactly the planted pairs are leads, each with the copier's answers as the source's keys")
    func findsExactlyThePlantedPairs() throws {
        let (_, report) = try PlantedClass.report()
        let pairs = Set(report.copies.map(\.students))
        #expect(pairs == Set(PlantedClass.copies.map { [$0.0, $0.1].sorted() }), "\(report.copies)")
        for (copier, source) in PlantedClass.copies {
            let lead = try #require(report.copies.first { $0.students == [copier, source].sorted() })
            let f = try #require(lead.findings.first { $0.student == copier })
            #expect(f.variantOf == source)
            #expect(f.exercises >= 3 && f.exercises <= f.comparableExercises)
            #expect(f.expectedByChance < Double(f.exercises))
            #expect(f.evidence.allSatisfy { $0.answer == $0.theirKey && $0.answer != $0.ownKey })
        }
    }

    @Test("the defaults answerers, whose answers match many students' keys, are no lead")
    func defaultsAreNoLead() throws {
        let (_, report) = try PlantedClass.report()
        let involved = Set(report.copies.flatMap(\.students))
        #expect(involved.isDisjoint(with: PlantedClass.defaults))
        #expect(involved.isDisjoint(with: PlantedClass.swapped + PlantedClass.recvFills))
    }

    @Test("honest classes of many sizes and seeds give no lead", arguments: [(30, UInt64(1)), (80, 2), (150, 3), (250, 4)])
    func honestClassesHaveNoLeads(size: Int, seed: UInt64) throws {
        var students: [(String, Profile)] = []
        var rng = SplitMix64(seed: seed)
        for i in 0..<size {
            let r = rng.next() % 10
            let p: Profile = r < 6 ? .honest(wrong: Double(rng.next() % 40) / 100) : r < 7 ? .defaults
                : r < 8 ? .misconception(.swappedQueues) : r < 9 ? .misconception(.noReceiveQueue) : .misconception(.recvFillsBuffer)
            students.append((String(format: "p%04d", i), p))
        }
        let report = ClassReport(try GeneratedClass(course: try FixtureCourse.load(), students: students, seed: seed).grade())
        #expect(report.copies.isEmpty, "\(report.copies.map(\.students))")
    }

    @Test("one copier in a random class is found, whoever the source", arguments: [UInt64(5), 6, 7])
    func oneCopierIsFound(seed: UInt64) throws {
        var students: [(String, Profile)] = (0..<60).map { (String(format: "r%03d", $0), .honest(wrong: 0.2)) }
        let source = String(format: "r%03d", Int(seed * 7 % 60))
        students.append(("zcopy", .copier(of: source)))
        let report = ClassReport(try GeneratedClass(course: try FixtureCourse.load(), students: students, seed: seed).grade())
        #expect(report.copies.map(\.students) == [[source, "zcopy"].sorted()])
    }
}

/// The report is the same whatever the number of threads it is made on (the grader's `workers`).
@Suite struct ReportOnThreads {
    @Test func fourThreadsGiveTheReportOfOne() throws {
        var students: [(String, Profile)] = (0..<80).map { (String(format: "t%03d", $0), .honest(wrong: 0.3)) }
        students.append(("zcopy", .copier(of: "t017")))
        students.append(("zmis", .misconception(.swappedQueues)))
        var graded = try GeneratedClass(course: try FixtureCourse.load(), students: students, seed: 11).grade()
        graded.workers = .one
        let one = ClassReport(graded)
        graded.workers = Workers(count: 4)
        let four = ClassReport(graded)
        #expect(try four.json() == one.json())
        #expect(four.copies.map(\.students) == [["t017", "zcopy"]])
    }
}

@Suite struct ReportInvariants {
    /// Random classes: every number in range, every count adding up.
    @Test("counts add up and statistics stay in range", arguments: [UInt64(11), 12, 13])
    func invariants(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let size = 20 + Int(rng.next() % 60)
        let profiles: [Profile] = [.honest(wrong: 0.3), .honest(wrong: 0.05), .blank, .defaults, .misconception(.noReceiveQueue),
                                   .misconception(.listenerChangesState), .misconception(.passiveCloserTimeWait)]
        let students = (0..<size).map { (String(format: "i%03d", $0), profiles[Int(rng.next() % UInt64(profiles.count))]) }
        let graded = try GeneratedClass(course: try FixtureCourse.load(), students: students, seed: seed, brokenFiles: Int(rng.next() % 3)).grade()
        let r = ClassReport(graded)
        let n = r.summary.graded
        #expect(r.summary.histogram.reduce(0) { $0 + $1.count } == n)
        #expect(r.summary.minimum <= r.summary.mean && r.summary.mean <= r.summary.maximum)
        for q in r.questions {
            #expect((0...1).contains(q.difficulty))
            #expect(q.blank + q.unreadable <= q.students)
            if let d = q.discrimination { #expect((-1.0001...1.0001).contains(d)) }
            if let d = q.upperLower { #expect((-1...1).contains(d)) }
            #expect(q.variants.reduce(0) { $0 + $1.students } == n)
            if let s = q.variantSpread { #expect((0...1).contains(s)) }
        }
        for e in r.exercises {
            #expect(e.distribution.reduce(0) { $0 + $1.count } == n)
            #expect(e.distribution.allSatisfy { $0.score >= 0 && $0.score <= e.maxScore })
        }
        for m in r.misconceptions {
            #expect(m.consistentStudents <= m.students && m.students <= n)
            #expect(m.topStudents.count <= min(10, m.consistentStudents))
        }
        for lead in r.copies { #expect(lead.students[0] != lead.students[1]) }
        // The blank students answered nothing: every one of their questions counts as blank.
        let blanks = students.filter { $0.1 == .blank }.count
        #expect(r.questions.allSatisfy { $0.blank >= blanks })
    }

    @Test("the report does not depend on the order the files were read in")
    func orderIndependent() throws {
        let c = try PlantedClass.make()
        let inputs = try c.inputs()
        var rng = SplitMix64(seed: 99)
        let shuffled = inputs.shuffled(using: &rng)
        let a = ClassReport(try c.course.grader.grade(inputs))
        let b = ClassReport(try c.course.grader.grade(shuffled))
        #expect(try a.json() == b.json())
        #expect(a.html(style: "", courseTitle: "t") == b.html(style: "", courseTitle: "t"))
    }

    @Test("a class with nobody graded is a report of zeros, not a crash")
    func empty() throws {
        let c = try FixtureCourse.load()
        for inputs in [[], [AnswerInput(path: "x.yaml", content: .success([0]))]] {
            let r = ClassReport(try c.grader.grade(inputs))
            #expect(r.summary.graded == 0 && r.copies.isEmpty)
            #expect(r.questions.allSatisfy { $0.discrimination == nil && $0.upperLower == nil })
            #expect(XMLCheck.problems(in: r.html(style: "", courseTitle: "t")).isEmpty)
        }
    }
}

@Suite struct ReportGolden {
    static let style = "/* the site's style sheet goes here */"

    @Test("report.json, the CSV files and index.html of the planted class")
    func golden() throws {
        let (_, report) = try PlantedClass.report()
        Golden.check(try report.json(), name: "planted-report.json")
        for f in report.csvFiles() { Golden.check(f.contents, name: "planted-\(f.name)") }
        Golden.check(report.html(style: Self.style, courseTitle: "class report fixtures"), name: "planted-index.html")
    }

    @Test("the page is well-formed XHTML, Korean, states that copies are a lead and not proof")
    func pageIsWellFormed() throws {
        let (_, report) = try PlantedClass.report()
        let html = report.html(style: "body { color: red; } a > b { }", courseTitle: "<과목 & 이름>")
        #expect(XMLCheck.problems(in: html).isEmpty, "\(XMLCheck.problems(in: html))")
        #expect(html.contains(#"lang="ko""#))
        #expect(html.contains("단서일 뿐 증거가 아닙니다"))
        #expect(html.contains("&lt;과목 &amp; 이름&gt;"))
        #expect(html.contains("<svg"))
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"), "no network resource")
        let json = try report.json()
        #expect(json.contains(#""copies" : ["#))
        #expect(json.contains("단서일 뿐 증거가 아닙니다"))
    }
}

/// Golden files beside the tests; `SOCKLAB_RECORD=1` re-records them and fails, so a recording is
/// never a silent pass.
enum Golden {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    static func check(_ actual: String, name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        GoldenFile.check(actual, file: directory.appendingPathComponent("\(name).txt"), sourceLocation: sourceLocation)
    }
}

