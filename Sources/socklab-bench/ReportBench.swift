import ClassReport
import CourseModel
import Foundation
import Grader
import SocketSim

/// Times the class report (`socklab report`) for a class of 1,000 and one of 10,000 students.
///
/// What is timed is report generation only: from the graded results already in memory
/// (`GradeReport`) to the contents of every file the report writes (`ClassReport(graded)`, then
/// report.json, the CSV files and index.html); writing them is not. Grading the generated answer
/// files comes first and is timed apart, as a separate figure: it is the grader's cost, which
/// `socklab-bench grade` measures on its own.
///
/// Goal (issue 14): under 2 s for 10,000 students. `SOCKLAB_BENCH_FILES=N` times one class of N.
enum ReportBench {
    static func run() throws {
        let counts = Int(ProcessInfo.processInfo.environment["SOCKLAB_BENCH_FILES"] ?? "").map { [$0] } ?? [1_000, 10_000]
        let content = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("content")
        guard FileManager.default.fileExists(atPath: content.appendingPathComponent("course.yaml").path) else {
            print("report: run from the repository root (content/course.yaml not found)")
            return
        }
        let catalog = try GradeBench.loadCatalog(content)
        let secret = ProcessInfo.processInfo.environment["SOCKLAB_SECRET"] ?? "socklab-bench-secret"
        let grader = Grader(catalog: catalog, secret: secret, workers: .machine)
        for count in counts { try run(count, catalog: catalog, grader: grader) }
    }

    static func run(_ count: Int, catalog: ExerciseCatalog, grader: Grader) throws {
        // A class whose answers are a quarter wrong, one student in ten following the
        // swapped-queues misconception, and one in a thousand copying the previous student.
        var rng = SplitMix64(seed: 14)
        var inputs: [AnswerInput] = []
        var previous: [String: [String: String]] = [:]
        for i in 0..<count {
            let student = String(format: "b%05d", i)
            let variants = grader.variants(for: student)
            var answers: [String: [String: String]] = [:]
            for e in catalog.exercises {
                let key = try grader.key(e, variants[e.id]!)
                var a: [String: String] = [:]
                for q in e.questions {
                    if i % 10 == 3, let p = key.predictions[q.id]?[.swappedQueues] { a[q.id] = GradeBench.render(p, wrong: false); continue }
                    a[q.id] = GradeBench.render(key.values[q.id]!, wrong: rng.next() % 4 == 0)
                }
                answers[e.id] = a
            }
            let written = i % 1000 == 999 ? previous : answers
            previous = answers
            var lines = ["student: \(student)", "exercises:"]
            for e in catalog.exercises {
                let v = variants[e.id]!
                lines.append("  \(e.id):")
                if !v.values.isEmpty { lines.append("    variant: {" + v.values.keys.sorted().map { "\($0): \(v.values[$0]!)" }.joined(separator: ", ") + "}") }
                lines.append("    answers:")
                for q in e.questions { lines.append("      \(q.id): \(written[e.id]![q.id]!)") }
            }
            inputs.append(AnswerInput(path: "\(student).yaml", content: .success(Array((lines.joined(separator: "\n") + "\n").utf8))))
        }
        let g0 = Date(), gcpu0 = GradeBench.cpuSeconds()
        let graded = try grader.grade(inputs)
        let gradeWall = Date().timeIntervalSince(g0), gradeCPU = GradeBench.cpuSeconds() - gcpu0
        let questions = catalog.exercises.reduce(0) { $0 + $1.questions.count }
        print("report: \(count) students, \(catalog.exercises.count) exercises, \(questions) questions each")
        print(String(format: "report:   grading (not part of the report figure): %.3f s, CPU %.3f s", gradeWall, gradeCPU))

        // Timed: the report and its renderings, as `socklab report` makes them (writing excluded).
        // Each stage's CPU time, as the report and the renderings end them.
        var stages: [(name: String, cpu: Double)] = []
        var last = GradeBench.cpuSeconds()
        func stage(_ name: String) {
            let now = GradeBench.cpuSeconds()
            stages.append((name, now - last))
            last = now
        }
        let t0 = Date()
        let cpu0 = last
        let report = ClassReport(graded) { stage($0.rawValue) }
        let t1 = Date()
        let cpu1 = GradeBench.cpuSeconds()
        let json = try report.json()
        stage("report.json")
        let csv = report.csvFiles()
        stage("CSV")
        let html = report.html(style: "", courseTitle: "bench")
        stage("index.html")
        let t2 = Date()
        let cpu = GradeBench.cpuSeconds() - cpu0
        let total = t2.timeIntervalSince(t0)
        print(String(format: "report:   analysis %.3f s (CPU %.3f s), renderings %.3f s (CPU %.3f s; report.json %d KB, %d CSV files, index.html %d KB)",
                     t1.timeIntervalSince(t0), cpu1 - cpu0, t2.timeIntervalSince(t1), cpu - (cpu1 - cpu0),
                     json.utf8.count / 1024, csv.count, html.utf8.count / 1024))
        print("report:   CPU by stage: " + stages.map { String(format: "%@ %.3f s", $0.name, $0.cpu) }.joined(separator: ", "))
        print(String(format: "report:   report generation for %d students: %.3f s wall, CPU %.3f s%@; peak memory so far %@",
                     count, total, cpu, count == 10_000 ? " (goal < 2 s)" : "", GradeBench.peakMemory()))
        func planted(_ l: CopyLead) -> Bool {
            let ids = l.students.compactMap { Int($0.dropFirst()) }
            return ids.count == 2 && ids[1] == ids[0] + 1 && ids[1] % 1000 == 999
        }
        print("report:   \(report.copies.filter(planted).count) of \(count / 1000) planted pairs found")
        if let lead = report.copies.first(where: { !planted($0) }) {
            let f = lead.findings[0]
            print("report:   first unplanted lead: \(f.student) <- \(f.variantOf), \(f.exercises)/\(f.comparableExercises) exercises, λ \(f.expectedByChance): "
                  + f.evidence.prefix(6).map { "\($0.column) \($0.answer) (own \($0.ownKey))" }.joined(separator: "; "))
        }
        print("report:   \(report.misconceptions.filter(\.found).map(\.id).joined(separator: ", ")) to reteach; \(report.copies.count) copy leads (\(count / 1000) planted)")
    }
}
