import CourseModel
import Foundation
import Grader
import SocketSim
import TraceQueries

/// Grades generated answer files as `socklab grade FOLDER` does (read the files, parse, compute the
/// keys of every variant in use, mark), and prints files per second and peak memory.
///
/// Goal (issue 6): at least 5,000 files per second on two cores.
enum GradeBench {
    static func run(files: Int? = nil) throws {
        let env = ProcessInfo.processInfo.environment
        let count = files ?? Int(env["SOCKLAB_BENCH_FILES"] ?? "") ?? 10_000
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let content = cwd.appendingPathComponent("content")
        guard FileManager.default.fileExists(atPath: content.appendingPathComponent("course.yaml").path) else {
            print("grade: run from the repository root (content/course.yaml not found)")
            return
        }
        var catalog = try loadCatalog(content)
        // SOCKLAB_BENCH_EXERCISES=N grades only the first N exercises (a smaller course).
        if let n = Int(env["SOCKLAB_BENCH_EXERCISES"] ?? "") {
            catalog.exercises = Array(catalog.exercises.prefix(n))
        }
        let secret = env["SOCKLAB_SECRET"] ?? "socklab-bench-secret"

        // Not timed: answer files for `count` students, about a quarter of the answers wrong.
        // SOCKLAB_BENCH_DIR=PATH writes the files there and keeps them (to time `socklab grade PATH`).
        let keep = env["SOCKLAB_BENCH_DIR"]
        let dir = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("socklab-grade-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        try writeAnswerFiles(count: count, catalog: catalog, secret: secret, into: dir)

        // Timed: a fresh grader (no keys cached), reading from disk included.
        let start = Date()
        let cpu0 = cpuSeconds()
        let inputs = try readAnswerFiles(in: dir)
        let read = Date()
        if let n = Int(env["SOCKLAB_BENCH_PARSE_ONLY"] ?? "") {
            // For profiling the reader: parse every file n times on one thread, and stop.
            let p0 = Date()
            for _ in 0..<n { for input in inputs { if case .success(let b) = input.content { _ = try? AnswerSheet.parse(bytes: b, file: input.path) } } }
            print(String(format: "grade: one thread: parse %.1f µs per file", Date().timeIntervalSince(p0) / Double(n * inputs.count) * 1e6))
            return
        }
        let grader = Grader(catalog: catalog, secret: secret, workers: .machine)
        let report = try grader.grade(inputs)
        let end = Date()
        let cpu1 = cpuSeconds()
        printFirstRun(report, count: count, start: start, read: read, end: end, cpu: cpu1 - cpu0)
        try printOutputs(report)
        let repeats = Int(env["SOCKLAB_BENCH_REPEAT"] ?? "") ?? 1
        try printCachedRuns(grader, inputs, count: count, repeats: repeats, questions: catalog.exercises.reduce(0) { $0 + $1.questions.count },
                            keysWall: end.timeIntervalSince(read), keysCPU: cpu1 - cpu0)
        try printStreamingCost(grader, inputs, count: count, catalog: catalog, rounds: max(1, repeats))
        commandPerFormat(dir: dir, count: count, secret: secret)
        if env["SOCKLAB_BENCH_DETAIL"] != nil {
            let p0 = Date()
            for input in inputs.prefix(1000) { if case .success(let b) = input.content { _ = try? AnswerSheet.parse(bytes: b, file: input.path) } }
            let perParse = Date().timeIntervalSince(p0) / Double(min(1000, inputs.count))
            print(String(format: "grade: one thread: parse %.0f µs per file", perParse * 1e6))
        }
    }

    /// Not timed: `count` answer files `b00000.yaml`... in `dir`, about a quarter of the answers
    /// wrong; prints what they hold.
    static func writeAnswerFiles(count: Int, catalog: ExerciseCatalog, secret: String, into dir: URL) throws {
        let generator = Grader(catalog: catalog, secret: secret, workers: .machine)
        var rng = SplitMix64(seed: 42)
        var bytes = 0
        for i in 0..<count {
            let student = String(format: "b%05d", i)
            let text = try answerFile(student: student, catalog: catalog, grader: generator, rng: &rng)
            bytes += text.utf8.count
            try Data(text.utf8).write(to: dir.appendingPathComponent("\(student).yaml"))
        }
        let questions = catalog.exercises.reduce(0) { $0 + $1.questions.count }
        var inUse: Set<String> = []
        for i in 0..<count {
            for (id, v) in generator.variants(for: String(format: "b%05d", i)) { inUse.insert("\(id) \(v)") }
        }
        print("grade: \(count) answer files, \(tagged ? "tagged" : "untagged (SOCKLAB_BENCH_UNTAGGED)") (\(questions) questions each, \(bytes / count) bytes on average), \(catalog.exercises.count) exercises, \(inUse.count) (exercise, variant) keys in use")
    }

    /// Every file in `dir`, read first, as always (so the figures compare across versions); the
    /// command reads each file when the grader takes it up, which the per-format runs measure.
    static func readAnswerFiles(in dir: URL) throws -> [AnswerInput] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return names.map { name in
            let path = dir.appendingPathComponent(name).path
            return AnswerInput(path: path, content: .success([UInt8](FileManager.default.contents(atPath: path) ?? Data())))
        }
    }

    /// The first run's figures: results, wall time (reading, grading), files per second, CPU time.
    static func printFirstRun(_ report: GradeReport, count: Int, start: Date, read: Date, end: Date, cpu: Double) {
        let total = end.timeIntervalSince(start)
        let graded = report.results.filter { !$0.isError }.count
        let mean = report.results.reduce(0) { $0 + $1.score } / Double(max(1, report.results.count))
        if let bad = report.results.first(where: \.isError) { print("grade: first error row: \(bad.errors.map(\.description).joined(separator: "; "))") }
        print(String(format: "grade: %d graded, %d error rows, mean score %.2f of %.0f", graded, report.results.count - graded, mean, report.maxScore))
        print(String(format: "grade: read %.3f s, grade %.3f s, total %.3f s", read.timeIntervalSince(start), end.timeIntervalSince(read), total))
        print(String(format: "grade: %.0f files/s on %d cores (goal ≥ 5000), peak memory %@", Double(count) / total,
                     ProcessInfo.processInfo.activeProcessorCount, peakMemory()))
        // CPU time is steadier than wall time on a busy machine: the wall figure cannot beat it
        // divided by the number of cores.
        print(String(format: "grade: CPU %.3f s (%.0f µs per file), so at most %.0f files/s on %d idle cores", cpu,
                     cpu / Double(count) * 1e6, Double(count) / cpu * Double(ProcessInfo.processInfo.activeProcessorCount),
                     ProcessInfo.processInfo.activeProcessorCount))
    }

    /// What the TA's output costs on top: feedback is rendered only when an output asks for it.
    static func printOutputs(_ report: GradeReport) throws {
        let o0 = Date()
        let csv = report.csv()
        let o1 = Date()
        let json = try report.json()
        let o2 = Date()
        print(String(format: "grade: output: CSV gradebook %.3f s (%d KB), JSON with all feedback %.3f s (%d MB)",
                     o1.timeIntervalSince(o0), csv.utf8.count / 1024, o2.timeIntervalSince(o1), json.utf8.count >> 20))
    }

    /// The same files again with every key already computed: reading and marking alone. `keysWall`
    /// and `keysCPU` are the first run's grading times, of which the keys are the difference.
    static func printCachedRuns(_ grader: Grader, _ inputs: [AnswerInput], count: Int, repeats: Int, questions: Int,
                                keysWall: Double, keysCPU: Double) throws {
        let again = Date()
        let cpu2 = cpuSeconds()
        for _ in 0..<repeats { _ = try grader.grade(inputs) }
        let t2 = Date().timeIntervalSince(again) / Double(repeats)
        let c2 = (cpuSeconds() - cpu2) / Double(repeats)
        print(String(format: "grade: again with keys cached: %.3f s, %.0f files/s (%.0f answers/s); keys took about %.3f s of the first run",
                     t2, Double(count) / t2, Double(count * questions) / t2, max(0, keysWall - t2)))
        print(String(format: "grade: again: CPU %.3f s (%.0f µs per file); keys took about %.3f CPU s", c2, c2 / Double(count) * 1e6,
                     max(0, keysCPU - c2)))
    }

    /// What streaming costs: the whole report (every result in memory, then the CSV) against the
    /// streamed run `socklab grade` makes (pieces rendered as files are graded, kept in a store,
    /// written in report order), keys cached, alternated so that both see the same machine.
    static func printStreamingCost(_ grader: Grader, _ inputs: [AnswerInput], count: Int, catalog: ExerciseCatalog, rounds: Int) throws {
        let csvOutput = GradeOutput(format: .csv, catalog: catalog, revealed: false)
        var wholeCPU = 0.0, streamedCPU = 0.0, wholeBytes = 0, streamedBytes = 0
        for _ in 0..<rounds {
            var c = cpuSeconds()
            try grader.grade(inputs).writeCSV { wholeBytes += $0.utf8.count }
            wholeCPU += cpuSeconds() - c
            c = cpuSeconds()
            try grader.gradeStreamed(inputs, output: csvOutput, store: MemoryPieceStore()).write { streamedBytes += $0.utf8.count }
            streamedCPU += cpuSeconds() - c
        }
        print(String(format: "grade: CSV with keys cached (%d alternations): whole report %.0f µs per file, streamed %.0f µs per file of CPU (%+.1f %%), same size: %@",
                     rounds, wholeCPU / Double(rounds * count) * 1e6, streamedCPU / Double(rounds * count) * 1e6,
                     (streamedCPU / wholeCPU - 1) * 100, wholeBytes == streamedBytes ? "yes" : "NO"))
    }

    /// The release `socklab grade FOLDER --format F --out FILE` on the generated files, once per
    /// output format (Gradescope and PrairieLearn take one submission: the first file), then with
    /// `--feedback-dir` and with `--compare` (against the JSON run's output): wall time, the
    /// child's CPU time and its peak resident memory (its VmHWM), so each figure is that of a run
    /// of its own, reading and writing included. Each command is printed as it can be run again.
    static func commandPerFormat(dir: URL, count: Int, secret: String) {
        let socklab = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("socklab")
        guard FileManager.default.isExecutableFile(atPath: socklab.path) else {
            print("grade: \(socklab.path) is missing; run `swift build -c release` to measure the command per format")
            return
        }
        // SOCKLAB_BENCH_FORMATS=csv,json measures only those (empty: none); `feedback` and `compare`
        // name the runs with --feedback-dir and --compare.
        let all = ["table", "csv", "json", "canvas", "gradescope", "prairielearn", "feedback", "compare"]
        let formats = ProcessInfo.processInfo.environment["SOCKLAB_BENCH_FORMATS"].map { $0.split(separator: ",").map(String.init) } ?? all
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-bench-grade-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let json = scratch.appendingPathComponent("grades.json")
        let first = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted().first.map { dir.appendingPathComponent($0).path } ?? dir.path
        for name in formats {
            let out = scratch.appendingPathComponent("grades.\(name)")
            var args: [String]
            var files = count
            switch name {
            case "gradescope", "prairielearn":
                args = ["grade", first, "--format", name, "--out", out.path]
                files = 1
            case "feedback":
                args = ["grade", dir.path, "--format", "csv", "--out", out.path, "--feedback-dir", scratch.appendingPathComponent("feedback").path]
            case "compare":
                guard FileManager.default.fileExists(atPath: json.path) else {
                    print("grade: --compare needs the json run first (SOCKLAB_BENCH_FORMATS=json,compare)")
                    continue
                }
                args = ["grade", dir.path, "--format", "json", "--out", out.path, "--compare", json.path]
            default:
                args = ["grade", dir.path, "--format", name, "--out", name == "json" ? json.path : out.path]
            }
            print("grade: $ SOCKLAB_SECRET=\(secret) \(socklab.path) \(args.joined(separator: " "))")
            guard let run = spawn(socklab, args, environment: ["SOCKLAB_SECRET=\(secret)"]) else {
                print("grade: could not run \(socklab.path)")
                return
            }
            let written = name == "json" ? json : out
            let size = (try? FileManager.default.attributesOfItem(atPath: written.path)[.size] as? Int) ?? 0
            print(String(format: "grade: socklab grade %@: %d file%@ in %.2f s (CPU %.2f s), peak memory %.1f MB (goal < 300), output %.1f MB, exit %d",
                         name, files, files == 1 ? "" : "s", run.seconds, run.cpu, Double(run.peakKB) / 1024, Double(size) / 1_048_576, run.status))
            if name == "feedback" { try? FileManager.default.removeItem(at: scratch.appendingPathComponent("feedback")) }
        }
    }

    /// Runs `exe args` with its standard output and error sent to /dev/null: wall seconds, the
    /// child's CPU seconds (user and system), its peak resident memory in KB and its exit status.
    static func spawn(_ exe: URL, _ args: [String], environment: [String]) -> (seconds: Double, cpu: Double, peakKB: Int, status: Int32)? {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let env = ProcessInfo.processInfo.environment.filter { $0.key != "SOCKLAB_SECRET" }.map { "\($0.key)=\($0.value)" } + environment
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe.path] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let start = Date()
        guard posix_spawn(&pid, exe.path, &actions, nil, argv, envp) == 0 else { return nil }
        // The child's own high-water mark, read from /proc while it runs: wait4's ru_maxrss is no
        // use here, because Linux carries the parent's resident size into a spawned child. Its
        // CPU time does come from wait4.
        var status: Int32 = 0
        var peakKB = 0
        var usage = rusage()
        while true {
            if let kb = highWaterKB(pid) { peakKB = max(peakKB, kb) }
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 { return nil }
            usleep(5_000)
        }
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (Date().timeIntervalSince(start), cpu, peakKB, (status >> 8) & 0xFF)
    }

    /// VmHWM of a running process, in KB.
    static func highWaterKB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    static func loadCatalog(_ content: URL) throws -> ExerciseCatalog {
        func yaml(_ folder: String) throws -> [(path: String, text: String)] {
            let d = content.appendingPathComponent(folder)
            return try FileManager.default.contentsOfDirectory(atPath: d.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
                (d.appendingPathComponent($0).path, try String(contentsOfFile: d.appendingPathComponent($0).path, encoding: .utf8))
            }
        }
        let coursePath = content.appendingPathComponent("course.yaml").path
        let files = Course.Files(course: (coursePath, try String(contentsOfFile: coursePath, encoding: .utf8)),
                                 scenarios: try yaml("scenarios"), exercises: try yaml("exercises"))
        let (course, problems) = Course.load(files, caches: CourseCaches())
        guard let course, problems.isEmpty else { throw BenchError(problems.map(\.description).joined(separator: "\n")) }
        return course.catalog
    }

    /// Files as today's `socklab template` writes them, with a `tag:` beside each variant (what
    /// grading verifies); SOCKLAB_BENCH_UNTAGGED=1 writes them as an older template did, without,
    /// so the two ways of checking a variant can be timed against each other.
    static let tagged = ProcessInfo.processInfo.environment["SOCKLAB_BENCH_UNTAGGED"] == nil

    /// A student's file: their variants, each answer right or (one time in four) off.
    static func answerFile(student: String, catalog: ExerciseCatalog, grader: Grader, rng: inout SplitMix64) throws -> String {
        let variants = grader.variants(for: student)
        var lines = ["student: \(student)", "exercises:"]
        for e in catalog.exercises {
            let v = variants[e.id]!
            let key = try grader.key(e, v)
            lines.append("  \(e.id):")
            if !v.values.isEmpty {
                lines.append("    variant: {" + v.values.keys.sorted().map { "\($0): \(v.values[$0]!)" }.joined(separator: ", ") + "}")
                if tagged { lines.append("    tag: \(grader.chooser.tag(student: student, exercise: e.id, variant: v))") }
            }
            lines.append("    answers:")
            for q in e.questions {
                let wrong = rng.next() % 4 == 0
                lines.append("      \(q.id): \(render(key.values[q.id]!, wrong: wrong))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ v: AnswerValue, wrong: Bool) -> String {
        switch v {
        case .integer(let n): return String(wrong ? n + 1 : n)
        case .boolean(let b): return (b != wrong) ? "yes" : "no"
        case .text(let t): return wrong ? "CLOSED" : "\"\(t)\""
        case .never: return wrong ? "3" : "never"
        case .list(let items): return "[" + (wrong ? items.reversed() : items).joined(separator: ", ") + "]"
        case .counts(let c): return "{" + AnswerValue.sortedCountKeys(c).map { "\($0): \(c[$0]! + (wrong ? 1 : 0))" }.joined(separator: ", ") + "}"
        }
    }

    /// User and system CPU time of the whole process so far, in seconds.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// VmHWM from /proc/self/status: the most resident memory the process ever had.
    static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "unknown" }
        let kb = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        return String(format: "%.1f MB (VmHWM)", Double(kb) / 1024)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
