import Foundation
import SocklabTestSupport
import Testing
@testable import SocketSim

/// Builds scenarios from `actor: call` lines, the way a scenario file writes them.
enum Build {
    static func variables(_ p: Parameters) -> [String: Int] {
        var v: [String: Int] = [:]
        for name in Parameters.integerNames { v[name] = p[integer: name] }
        return v
    }

    static func step(_ line: String, parameters: Parameters = Parameters(),
                     hosts: [HostConfig] = Scenario.defaultHosts) throws -> Step {
        let colon = try #require(line.firstIndex(of: ":"), "a step is 'actor: call', got '\(line)'")
        let actor = line[..<colon].trimmingCharacters(in: .whitespaces)
        let text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        do {
            return try StepParser.parse(actor: actor, text: text, hosts: hosts.map(\.name), variables: variables(parameters))
        } catch {
            Issue.record("cannot parse '\(line)': \(error.message)")
            throw error
        }
    }

    static func scenario(_ lines: [String], sqs: Int = 500, rqs: Int = 500, network: NetworkMode = .auto,
                         start: StartMode? = nil, hosts: [HostConfig] = Scenario.defaultHosts,
                         title: String = "", configure: (inout Parameters) -> Void = { _ in }) throws -> Scenario {
        var p = Parameters()
        p.sqs = sqs
        p.rqs = rqs
        p.network = network
        configure(&p)
        let steps = try lines.map { try step($0, parameters: p, hosts: hosts) }
        let start = start ?? (Scenario.stepsBuildConnections(steps) ? .closed : .established)
        return Scenario(title: title, parameters: p, hosts: hosts, start: start, steps: steps)
    }

    static func run(_ lines: [String], sqs: Int = 500, rqs: Int = 500, network: NetworkMode = .auto,
                    start: StartMode? = nil, hosts: [HostConfig] = Scenario.defaultHosts,
                    configure: (inout Parameters) -> Void = { _ in }) throws -> Trace {
        try Simulator.run(try scenario(lines, sqs: sqs, rqs: rqs, network: network, start: start, hosts: hosts,
                                   configure: configure))
    }
}

extension Trace {
    /// The state paths of every socket of `host` that changed state, in order of socket id.
    func statePaths(host: String) -> [[TCPState]] {
        var paths: [Int: [TCPState]] = [:]
        for c in transitions where c.host == host {
            if paths[c.socket] == nil { paths[c.socket] = [c.from] }
            paths[c.socket]!.append(c.to)
        }
        return paths.keys.sorted().map { paths[$0]! }
    }

    /// The value or error the call of step `index` finally produced (in its own step or later).
    func outcome(ofStep index: Int) -> CallResult? {
        let r = steps[index - 1]
        if r.status != .blocked { return r.result }
        for s in steps { if let c = s.completed.first(where: { $0.index == index }) { return c.result } }
        return nil
    }

    /// The step during which the call of step `index` returned (nil while it is still blocked).
    func returnStep(ofStep index: Int) -> Int? {
        let r = steps[index - 1]
        if r.status != .blocked { return index }
        return steps.first { $0.completed.contains { $0.index == index } }?.index
    }

    func host(_ name: String, afterStep index: Int) -> HostSnapshot {
        steps[index - 1].hosts.first { $0.name == name }!
    }
}

extension StepRecord {
    func socket(id: Int) -> SocketSnapshot? { sockets.first { $0.id == id } }
    func sockets(host: String) -> [SocketSnapshot] { sockets.filter { $0.host == host } }
}

extension CallResult {
    var summary: String {
        if let e = error { return e.rawValue }
        return value.map(String.init) ?? "-"
    }
}

// MARK: - Compact rendering for golden files

/// A deterministic, compact text rendering of a trace: every number the textbook's figures show,
/// with the origin of every byte run.
enum TraceRendering {
    static func runs<S: Sequence>(_ runs: S, hosts: [HostConfig]) -> String where S.Element == ByteRun {
        let parts = runs.map { "\(hosts[$0.origin.host].name)#\($0.origin.send)[\($0.start)..<\($0.end)]" }
        return "[" + parts.joined(separator: " ") + "]"
    }

    static func render(_ trace: Trace) -> String {
        var out: [String] = []
        let p = trace.parameters
        out.append("title: \(trace.title)")
        out.append("parameters: sqs=\(p.sqs) rqs=\(p.rqs) mss=\(p.mss) network=\(p.network.rawValue)")
        for step in trace.steps {
            var line = "step \(step.index) \(step.actor): \(step.text) -> \(step.status.rawValue)"
            if step.status != .blocked {
                line += " \(step.result.summary)"
                if !step.result.runs.isEmpty { line += " " + runs(step.result.runs, hosts: trace.hosts) }
            }
            if step.deferred { line += " (deferred)" }
            if let r = step.returnedAtStep { line += " (returned at step \(r))" }
            out.append(line)
            for c in step.completed {
                var l = "  completed step \(c.index) \(c.actor): \(c.text) -> \(c.result.summary)"
                if !c.result.runs.isEmpty { l += " " + runs(c.result.runs, hosts: trace.hosts) }
                out.append(l)
            }
            for s in step.sockets.sorted(by: { $0.id < $1.id }) {
                out.append("  \(s.host) socket \(s.id) fd=\(s.fd.map(String.init) ?? "-") \(s.state.rawValue)"
                           + " local=\(s.local?.description ?? "-") remote=\(s.remote?.description ?? "-")")
                out.append("    sendq \(s.sendq.count)/\(s.sendq.capacity) head=\(s.sendq.head) tail=\(s.sendq.tail) "
                           + runs(s.sendq.runs, hosts: trace.hosts))
                out.append("    recvq \(s.recvq.count)/\(s.recvq.capacity) head=\(s.recvq.head) tail=\(s.recvq.tail) "
                           + runs(s.recvq.runs, hosts: trace.hosts))
                out.append("    delivered \(s.delivered) " + runs(s.deliveredRuns, hosts: trace.hosts))
            }
            for h in step.hosts where h.blockedIn != nil {
                out.append("  \(h.name) blocked in: \(h.blockedIn!.text)")
            }
        }
        out.append("outcome: \(trace.outcome.rawValue)")
        if let d = trace.deadlock {
            out.append("deadlock at step \(d.atStep)")
            for b in d.blocked {
                out.append("  \(b.actor) blocked in step \(b.index) '\(b.text)' remaining \(b.remaining.map(String.init) ?? "-")")
            }
        }
        return out.joined(separator: "\n") + "\n"
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
