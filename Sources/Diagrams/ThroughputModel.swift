import SocketSim

/// Section 6.3's cost model: every time the sender must wait for SendQ space costs a fixed overhead,
/// on top of a cost per byte copied.
///
/// The number of waits is counted by running the simulator, not derived from a formula: the client
/// sends `bytes` in one blocking `send`, the server calls `recv S` until that send returns, with
/// SQS = RQS = S. A wait is a step after which the send was still blocked.
public enum ThroughputModel {
    public static let defaultSizes = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]
    public static let defaultBytes = 1_000_000

    /// One point per buffer size: the waits the simulator counted and the resulting MB/s (10^6 B/s).
    public static func points(sizes: [Int], bytes: Int, perByteNs: Double = 1, perWaitUs: Double = 50)
        -> [(size: Int, waits: Int, mbps: Double)] {
        sizes.map { size in
            let w = waits(size: size, bytes: bytes) ?? 0
            return (size, w, throughput(bytes: bytes, waits: w, perByteNs: perByteNs, perWaitUs: perWaitUs))
        }
    }

    /// MB/s for `bytes` sent with `waits` waits: bytes / (bytes × perByteNs + waits × perWaitUs).
    public static func throughput(bytes: Int, waits: Int, perByteNs: Double = 1, perWaitUs: Double = 50) -> Double {
        let ns = Double(bytes) * perByteNs + Double(waits) * perWaitUs * 1_000
        guard ns > 0 else { return 0 }
        return Double(bytes) / ns * 1_000  // bytes per ns is GB/s; times 1000 is MB/s
    }

    /// How many steps the sender's `send(bytes)` stayed blocked with SQS = RQS = `size` while the
    /// receiver called `recv size` once per step; nil if the run stopped making progress.
    public static func waits(size: Int, bytes: Int) -> Int? {
        guard size > 0, bytes >= 0 else { return nil }
        var parameters = Parameters()
        parameters.sqs = size
        parameters.rqs = size
        parameters.network = .auto
        let hosts = Scenario.defaultHosts
        let names = hosts.map(\.name)
        let send: Step, recv: Step
        do throws(StepParser.Failure) {
            send = try StepParser.parse(actor: names[0], text: "send \(bytes)", hosts: names, variables: [:])
            recv = try StepParser.parse(actor: names[1], text: "recv \(size)", hosts: names, variables: [:])
        } catch {
            return nil
        }
        var sim = Simulator(scenario: Scenario(title: "throughput", parameters: parameters, hosts: hosts, start: .established))
        sim.recording = false  // a million bytes in 500-byte steps: only the completions matter
        if sim.perform(send, index: 1).status != .blocked { return 0 }
        // Each recv frees up to `size` bytes of room; a run needing far more steps is stuck.
        let limit = bytes / size + 16
        var index = 1
        while index <= limit {
            index += 1
            let record = sim.perform(recv, index: index)
            if record.completed.contains(where: { $0.index == 1 }) { return index - 1 }
        }
        return nil
    }
}
