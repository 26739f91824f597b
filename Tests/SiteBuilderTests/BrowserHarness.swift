import Foundation

/// Why a headless Chromium run could not give an answer.
struct ChromiumError: Error, CustomStringConvertible {
    let description: String
}

/// Headless Chromium for tests: the page's DOM after its scripts ran, and screenshots.
///
/// A missing browser throws (naming `scripts/install-deps`) rather than skipping: a skipped
/// browser test reads as a pass. Every run is bounded by `timeout` and gets its own throwaway
/// profile, so tests running in parallel neither hang nor share a profile lock.
enum Chromium {
    /// How long one Chromium run may take before its whole process group is killed.
    static let timeout: TimeInterval = 30

    /// The path of the Chromium binary: `chromium` (Debian) or `chromium-browser`, found on PATH.
    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["chromium", "chromium-browser"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
            }
        }
        throw ChromiumError(description:
            "Chromium is not installed (looked for chromium and chromium-browser on PATH); run scripts/install-deps")
    }

    /// The serialized DOM of `url` after its scripts and timers ran for `budgetMs` of virtual time.
    ///
    /// Chromium exits 0 even when the page throws, so a page reports its state through attributes
    /// (`data-errors`, `data-state`) that callers look for in this text.
    static func dumpDOM(url: URL, budgetMs: Int = 2000, width: Int = 1200, height: Int = 900,
                        extra: [String] = []) throws -> String {
        let output = try run(["--window-size=\(width),\(height)", "--virtual-time-budget=\(budgetMs)"] + extra
                             + ["--dump-dom", url.absoluteString])
        let dom = String(decoding: output, as: UTF8.self)
        guard !dom.isEmpty else {
            throw ChromiumError(description: "Chromium printed no DOM for \(url.absoluteString)")
        }
        return dom
    }

    /// Writes a PNG screenshot of `url` at `width` x `height` to `to`.
    static func screenshot(url: URL, to: URL, width: Int = 1200, height: Int = 900) throws {
        try? FileManager.default.removeItem(at: to)
        _ = try run(["--window-size=\(width),\(height)", "--screenshot=\(to.path)", url.absoluteString])
        guard FileManager.default.fileExists(atPath: to.path) else {
            throw ChromiumError(description: "Chromium wrote no screenshot for \(url.absoluteString) to \(to.path)")
        }
    }

    /// Prints `url` to a PDF at `to` (A4 when the page's stylesheet asks for it), no header or footer.
    static func printToPDF(url: URL, to: URL) throws {
        try? FileManager.default.removeItem(at: to)
        _ = try run(["--no-pdf-header-footer", "--virtual-time-budget=3000", "--print-to-pdf=\(to.path)", url.absoluteString], timeout: 180)
        guard FileManager.default.fileExists(atPath: to.path) else {
            throw ChromiumError(description: "Chromium wrote no PDF for \(url.absoluteString) to \(to.path)")
        }
    }

    /// Runs headless Chromium with `arguments` and returns its standard output.
    private static func run(_ arguments: [String], timeout: TimeInterval = Chromium.timeout) throws -> Data {
        let executable = try executable()
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory
            .appendingPathComponent("socklab-chromium-\(UUID().uuidString)", isDirectory: true)
        try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: scratch) }

        // Output goes to files, not pipes: a large DOM would fill a pipe and block Chromium while
        // we wait for it to exit.
        let stdoutURL = scratch.appendingPathComponent("stdout")
        let stderrURL = scratch.appendingPathComponent("stderr")
        _ = fileManager.createFile(atPath: stdoutURL.path, contents: nil)
        _ = fileManager.createFile(atPath: stderrURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdout.close()
            try? stderr.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
        ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        if exited.wait(timeout: .now() + timeout) == .timedOut {
            // Foundation starts the child as the leader of its own process group, so signalling
            // the group also reaches Chromium's renderer and zygote processes.
            let group = -process.processIdentifier
            kill(group, SIGTERM)
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(group, SIGKILL)
                _ = exited.wait(timeout: .now() + 5)
            }
            throw ChromiumError(description:
                "Chromium did not finish within \(Int(timeout)) s and was killed: \(arguments.joined(separator: " "))")
        }

        let output = (try? Data(contentsOf: stdoutURL)) ?? Data()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let log = String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
            let tail = log.split(separator: "\n").filter { !$0.contains("dbus") }.suffix(10).joined(separator: "\n")
            throw ChromiumError(description:
                "Chromium failed (\(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus)): \(arguments.joined(separator: " "))\n\(tail)")
        }
        return output
    }
}
