import Foundation
import SocketSim

/// `socklab-bench simulate`: the simulation core's cost follows segments and calls, not bytes.
///
/// One blocking `send` of 1 GiB (then 4 GiB) from the client while the server calls `recv 65536`
/// until every byte is delivered, through 64 KiB queues in `auto` mode, step by step with recording
/// off, as the issue's benchmark asks. Prints elapsed time, throughput and peak memory (VmHWM): peak
/// memory must not grow from 1 GiB to 4 GiB.
enum SimulateBench {
    static let bufferSize = 64 * 1024

    static func run() throws {
        try streamJSON()
        print("simulate: one blocking send through \(bufferSize / 1024) KiB SendQ/RecvQ, server recv \(bufferSize) until done (auto, recording off)")
        for gib in [1, 4] { measure(bytes: gib << 30, label: "\(gib) GiB") }
        print("simulate, recording on (every MSS-sized segment, ACK and snapshot recorded):")
        measure(bytes: 64 << 20, label: "64 MiB", recording: true)
    }

    static func measure(bytes: Int, label: String, recording: Bool = false) {
        var parameters = Parameters()
        parameters.sqs = bufferSize
        parameters.rqs = bufferSize
        parameters.network = .auto
        let send = Step(actor: .host("client"), action: .call(.send(bytes, nonBlocking: false), fd: nil), text: "send \(bytes)")
        let recv = Step(actor: .host("server"), action: .call(.recv(bufferSize, nonBlocking: false), fd: nil),
                        text: "recv \(bufferSize)")
        var sim = Simulator(scenario: Scenario(parameters: parameters, start: .established))
        sim.recording = recording
        var segments = 0

        let clock = ContinuousClock()
        let started = clock.now
        var index = 1
        var sendReturned = sim.perform(send, index: index).status == .returned
        var delivered = 0
        while delivered < bytes {
            index += 1
            let record = sim.perform(recv, index: index)
            segments += record.segments.count { $0.kind == .sent && $0.segment.length > 0 }
            if record.completed.contains(where: { $0.index == 1 }) { sendReturned = true }
            let got = record.result.value ?? 0
            guard got > 0 else {
                print("  \(label): recv returned \(record.result.error?.rawValue ?? "0") after \(delivered) bytes; stopping")
                return
            }
            delivered += got
        }
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        let accounted = sim.accounting(socket: 1).delivered
        let ok = sendReturned && accounted == bytes && sim.blockedCalls().isEmpty
        // With recording off the core moves a whole window per step; with it on, data segments are
        // counted as recorded (at most MSS bytes each).
        let rate = recording ? String(format: ", %.2f M data segments/s (MSS %d)", Double(segments) / seconds / 1e6, parameters.mss) : ""
        print(String(format: "  %@: %.3f s, %.2f GiB/s%@, %d calls (%.0f k calls/s), peak memory (VmHWM) %@%@",
                     label, seconds, Double(bytes) / Double(1 << 30) / seconds, rate, index, Double(index) / seconds / 1e3,
                     peakMemory(), ok ? "" : " (WRONG: not every byte was delivered)"))
    }

    /// `socklab simulate --format json` on 1 GiB through 64 KiB queues (MSS 536: two million data
    /// segments, each recorded as sent and delivered, and 16,385 steps), as a user runs it: the
    /// release binary, its output read from a pipe and counted. Prints bytes, time, MB/s and the
    /// child's peak memory (ru_maxrss). Goals (issue 10): peak memory under 100 MB, at least
    /// 100 MB/s of JSON.
    static func streamJSON() throws {
        let socklab = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("socklab")
        guard FileManager.default.isExecutableFile(atPath: socklab.path) else {
            print("simulate --format json: \(socklab.path) is missing; run `swift build -c release` first")
            return
        }
        let bytes = 1 << 30
        let recvs = bytes / bufferSize + 1
        var yaml = "title: 1 GiB through 64 KiB buffers\nsqs: \(bufferSize)\nrqs: \(bufferSize)\nmss: 536\nnetwork: auto\nsteps:\n"
        yaml += "  - client: send \(bytes)\n"
        yaml += String(repeating: "  - server: recv \(bufferSize)\n", count: recvs)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-bench-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("gib.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { print("simulate --format json: no pipe"); return }
        let args = [socklab.path, "simulate", file.path, "--format", "json", "--content", dir.path]
        let argv = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var pid: pid_t = 0
        let clock = ContinuousClock()
        let started = clock.now
        guard posix_spawn(&pid, socklab.path, &actions, nil, argv, environ) == 0 else {
            print("simulate --format json: cannot start \(socklab.path)")
            return
        }
        close(fds[1])
        // Read and count, keeping the last bytes to check that the document is complete.
        var total = 0
        var tail: [UInt8] = []
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fds[0], buffer, 1 << 20)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            total += n
            let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
            tail = Array((tail + chunk).suffix(64))
        }
        close(fds[0])
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let complete = status == 0 && String(decoding: tail, as: UTF8.self).hasSuffix("}\n")
        print(String(format: "simulate --format json, 1 GiB through 64 KiB buffers (MSS 536, %d steps): %.2f GB of JSON in %.2f s, %.0f MB/s, peak memory %.1f MB%@",
                     recvs + 1, Double(total) / 1e9, seconds, Double(total) / 1e6 / seconds, Double(usage.ru_maxrss) / 1024,
                     complete ? "" : " (FAILED: the command did not finish its output)"))
        print("  goals: peak memory < 100 MB, >= 100 MB/s")
    }

    /// The process's peak resident set size, from /proc/self/status.
    static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "unknown" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}
