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

    static func run() {
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

    /// The process's peak resident set size, from /proc/self/status.
    static func peakMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return "unknown" }
        return line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces)
    }
}
