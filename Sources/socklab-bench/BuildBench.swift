import CourseModel
import Foundation
import SiteBuilder

/// Times the site build as an instructor runs it: the release `socklab build` binary on the real
/// chapter (a full build into an empty folder, a rebuild with nothing changed, a rebuild after a
/// change of RQS), plus the in-process build step alone.
///
/// Goals (issue 4): full build under 0.5 s, rebuild with nothing changed under 50 ms.
enum BuildBench {
    static func run(repetitions: Int = 5) throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard FileManager.default.fileExists(atPath: cwd.appendingPathComponent("content/course.yaml").path) else {
            print("build: run from the repository root (content/course.yaml not found)")
            return
        }
        let socklab = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("socklab")
        guard FileManager.default.isExecutableFile(atPath: socklab.path) else {
            print("build: \(socklab.path) is missing; run `swift build -c release` first")
            return
        }
        // In process: the build step on a tree already in memory.
        let tree = try readTree(cwd)
        var inProcess: [Double] = []
        var fileCount = 0
        var stages: [[(stage: String, ms: Double)]] = []
        // One set of caches for the series, as a process building again and again keeps: the
        // builds after the first reuse the exercises' hint checks.
        let caches = CourseCaches()
        for _ in 0..<repetitions {
            let t = Date()
            let result = SiteBuilder.build(tree, workers: .machine, caches: caches, timer: .continuous)
            inProcess.append(Date().timeIntervalSince(t) * 1000)
            fileCount = result.files.count
            stages.append(result.timings)
        }
        // The command, as a user runs it.
        var full: [Double] = [], unchanged: [Double] = [], changed: [Double] = []
        for i in 0..<repetitions {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-bench-site-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }
            full.append(try time(socklab, ["build", "--quiet", "--out", out.path]))
            unchanged.append(try time(socklab, ["build", "--quiet", "--out", out.path]))
            changed.append(try time(socklab, ["build", "--quiet", "--out", out.path, "--set", "rqs=\(600 + i)"]))
        }
        print("site build (\(fileCount) files, median of \(repetitions)):")
        print(String(format: "  in-process build step        %7.1f ms", median(inProcess)))
        for (i, stage) in (stages.first ?? []).enumerated() {
            let values = stages.map { $0[i].ms }
            print(String(format: "    %-36@ %7.1f ms", stage.stage as NSString, median(values)))
        }
        try hintCheck(cwd.appendingPathComponent("content"))
        print(String(format: "  socklab build, full          %7.1f ms   (goal < 500 ms)", median(full)))
        print(String(format: "  socklab build, nothing new   %7.1f ms   (goal < 50 ms)", median(unchanged)))
        print(String(format: "  socklab build, RQS changed   %7.1f ms", median(changed)))
    }

    /// What the hint check (run while exercises load) costs, part by part, on one thread: the keys
    /// of every sampled variant, the share of the misconceptions' predictions in them, and the
    /// search of the rendered hints for the keys.
    static func hintCheck(_ content: URL) throws {
        let catalog = try GradeBench.loadCatalog(content)
        let t0 = Date()
        var keys: [[AnswerKey]] = []
        for e in catalog.exercises { keys.append(e.hintCheckVariants.compactMap { try? e.answerKey(for: $0) }) }
        let t1 = Date()
        for e in catalog.exercises { for v in e.hintCheckVariants { _ = try? e.answerKey(for: v, predicting: false) } }
        let t2 = Date()
        for (e, k) in zip(catalog.exercises, keys) { _ = e.answerLeaks(keys: k) }
        let t3 = Date()
        let count = keys.reduce(0) { $0 + $1.count }
        print(String(format: "  hint check (%d keys): keys %.1f ms (without predictions %.1f ms), search of the hints %.1f ms",
                     count, t1.timeIntervalSince(t0) * 1000, t2.timeIntervalSince(t1) * 1000, t3.timeIntervalSince(t2) * 1000))
    }

    /// Wall time of one run, measured with posix_spawn and waitpid: Foundation's `Process` on
    /// Linux polls for the child's exit and would add tens of milliseconds to every measurement.
    static func time(_ exe: URL, _ args: [String]) throws -> Double {
        let argv = ([exe.path] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let t = Date()
        guard posix_spawn(&pid, exe.path, &actions, nil, argv, environ) == 0 else {
            throw BuildBenchError("cannot start \(exe.path)")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let ms = Date().timeIntervalSince(t) * 1000
        guard status == 0 else { throw BuildBenchError("socklab \(args.joined(separator: " ")) failed") }
        return ms
    }

    static func readTree(_ root: URL) throws -> SourceTree {
        var files: [String: String] = [:]
        for folder in ["content", "templates"] {
            let dir = root.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
            while let url = walker?.nextObject() as? URL {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                files[folder + "/" + url.path.dropFirst(dir.path.count + 1)] = text
            }
        }
        return SourceTree(files: files)
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }
}

struct BuildBenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
