import CourseModel
import Foundation
import SocketSim

// The `simulate --format json` encoding as it was before the trace was streamed: JSONEncoder over
// Encodable views of the trace (copied verbatim but for names). The oracle the streaming writer is
// held to, byte for byte.

extension Trace {
    /// The JSON form as JSONEncoder wrote it, pretty-printed with sorted keys.
    func referenceJSONString() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try enc.encode(TraceDocument(self))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// What a person reads in a terminal: one line per step with each host's three queues.
    func referenceTextReport() -> String {
        var lines: [String] = []
        let p = parameters
        lines.append("\(title.isEmpty ? "scenario" : title)")
        lines.append("SQS=\(p.sqs) RQS=\(p.rqs) MSS=\(p.mss) network=\(p.network.rawValue)")
        let callWidth = max(12, steps.map { $0.actor.count + $0.text.count + 2 }.max() ?? 0)
        for s in steps {
            var status: String
            switch s.status {
            case .returned: status = s.result.value.map { "-> \($0)" } ?? "ok"
            case .error: status = "-> \(s.result.error?.rawValue ?? "error")"
            case .blocked:
                status = s.deferred ? "waits" : "blocked"
                if let r = s.returnedAtStep { status += " (returns at \(r))" }
            }
            let label = "\(s.actor): \(s.text)"
            var line = referencePad("\(s.index)", 3) + "  " + referencePad(label, callWidth) + "  " + referencePad(status, 22)
            for h in s.hosts {
                line += " | \(h.name) S=\(h.sendq) R=\(h.recvq) D=\(h.delivered)"
                if let st = h.state, st != .established { line += " \(st.rawValue)" }
            }
            lines.append(line)
            for c in s.completed {
                let v = c.result.error?.rawValue ?? c.result.value.map(String.init) ?? "ok"
                lines.append("     ↳ step \(c.index) \(c.actor): \(c.text) returned \(v)")
            }
        }
        switch outcome {
        case .completed:
            lines.append("outcome: completed")
        case .deadlock:
            lines.append("outcome: deadlock at step \(deadlock?.atStep ?? 0)")
            for b in deadlock?.blocked ?? [] {
                let rest = b.remaining.map { ", \($0) bytes to go" } ?? ""
                lines.append("  \(b.actor) is blocked in '\(b.text)' (step \(b.index)\(rest))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func referencePad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// The `simulate --format json` contract. Fields are only ever added, never renamed or repurposed.
///
/// `outcome`, `deadlock` and per step `index`, `actor`, `call`, `status`, `returned`, `error`,
/// `completed` and `hosts.<name>.{sendq,recvq,delivered}` are the original contract; `state`,
/// `sockets`, `segments`, `transitions` and the rest extend it.
struct TraceDocument: Encodable {
    let trace: Trace
    init(_ trace: Trace) { self.trace = trace }

    enum Keys: String, CodingKey {
        case title, parameters, hostList, outcome, deadlock, steps
        case atStep, blocked, actor, call, remaining, index
        case sqs, rqs, mss, network, msl, rto, maxRetransmissions, finWait2Timeout, ephemeralPorts, backlog
        case name, addresses
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(trace.title, forKey: .title)
        var p = c.nestedContainer(keyedBy: Keys.self, forKey: .parameters)
        let params = trace.parameters
        try p.encode(params.sqs, forKey: .sqs)
        try p.encode(params.rqs, forKey: .rqs)
        try p.encode(params.mss, forKey: .mss)
        try p.encode(params.network.rawValue, forKey: .network)
        try p.encode(params.msl, forKey: .msl)
        try p.encode(params.rto, forKey: .rto)
        try p.encode(params.maxRetransmissions, forKey: .maxRetransmissions)
        try p.encode(params.finWait2Timeout, forKey: .finWait2Timeout)
        try p.encode("\(params.ephemeralFirst)-\(params.ephemeralLast)", forKey: .ephemeralPorts)
        try p.encode(params.backlog, forKey: .backlog)
        var hl = c.nestedUnkeyedContainer(forKey: .hostList)
        for h in trace.hosts {
            var hc = hl.nestedContainer(keyedBy: Keys.self)
            try hc.encode(h.name, forKey: .name)
            try hc.encode(h.addresses, forKey: .addresses)
            try hc.encode(h.sqs ?? params.sqs, forKey: .sqs)
            try hc.encode(h.rqs ?? params.rqs, forKey: .rqs)
        }
        try c.encode(trace.outcome.rawValue, forKey: .outcome)
        if let d = trace.deadlock {
            var dc = c.nestedContainer(keyedBy: Keys.self, forKey: .deadlock)
            try dc.encode(d.atStep, forKey: .atStep)
            var bl = dc.nestedUnkeyedContainer(forKey: .blocked)
            for b in d.blocked {
                var bc = bl.nestedContainer(keyedBy: Keys.self)
                try bc.encode(b.actor, forKey: .actor)
                try bc.encode(b.text, forKey: .call)
                try bc.encode(b.index, forKey: .index)
                if let r = b.remaining { try bc.encode(r, forKey: .remaining) } else { try bc.encodeNil(forKey: .remaining) }
            }
        } else {
            try c.encodeNil(forKey: .deadlock)
        }
        try c.encode(trace.steps.map { StepJSON(step: $0, trace: trace) }, forKey: .steps)
    }
}

extension KeyedEncodingContainer where K == DynamicKey {
    /// Writes `value` under `key`, or JSON `null` when it is nil: the contract keeps absent values as null.
    mutating func put<T: Encodable>(_ key: String, _ value: T?) throws {
        if let value { try encode(value, forKey: DynamicKey(key)) } else { try encodeNil(forKey: DynamicKey(key)) }
    }
}

struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

struct RunJSON: Encodable {
    let run: ByteRun
    let trace: Trace
    enum K: String, CodingKey { case host, send, offset, count }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(trace.hostName(run.origin.host), forKey: .host)
        try c.encode(run.origin.send, forKey: .send)
        try c.encode(run.start, forKey: .offset)
        try c.encode(run.count, forKey: .count)
    }
}

struct ResultFields {
    static func encode(_ r: CallResult, trace: Trace, into c: inout KeyedEncodingContainer<DynamicKey>) throws {
        try c.put("returned", r.value)
        try c.put("error", r.error?.rawValue)
        if !r.runs.isEmpty { try c.encode(r.runs.map { RunJSON(run: $0, trace: trace) }, forKey: DynamicKey("origins")) }
    }
}

struct StepJSON: Encodable {
    let step: StepRecord
    let trace: Trace

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.put("index", step.index)
        try c.put("actor", step.actor)
        try c.put("call", step.text)
        try c.put("status", step.status.rawValue)
        try ResultFields.encode(step.result, trace: trace, into: &c)
        try c.put("deferred", step.deferred)
        try c.put("returnedAtStep", step.returnedAtStep)
        try c.put("completed", step.completed.map { CompletionJSON(c: $0, trace: trace) })
        var hc = c.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey("hosts"))
        for h in step.hosts {
            var one = hc.nestedContainer(keyedBy: DynamicKey.self, forKey: DynamicKey(h.name))
            try one.encode(h.sendq, forKey: DynamicKey("sendq"))
            try one.encode(h.recvq, forKey: DynamicKey("recvq"))
            try one.encode(h.delivered, forKey: DynamicKey("delivered"))
            try one.put("state", h.state?.rawValue)
            try one.put("blockedIn", h.blockedIn?.text)
        }
        try c.put("sockets", step.sockets.map { SocketJSON(s: $0, trace: trace) })
        try c.put("segments", step.segments.map { SegmentJSON(e: $0, trace: trace) })
        try c.put("transitions", step.transitions.map(TransitionJSON.init))
        try c.put("time", step.time)
    }
}

struct CompletionJSON: Encodable {
    let c: Completion
    let trace: Trace
    func encode(to encoder: Encoder) throws {
        var k = encoder.container(keyedBy: DynamicKey.self)
        try k.encode(c.index, forKey: DynamicKey("index"))
        try k.encode(c.actor, forKey: DynamicKey("actor"))
        try k.encode(c.text, forKey: DynamicKey("call"))
        try ResultFields.encode(c.result, trace: trace, into: &k)
    }
}

struct QueueJSON: Encodable {
    let q: QueueSnapshot
    let trace: Trace
    enum K: String, CodingKey { case capacity, count, head, tail, runs }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(q.capacity, forKey: .capacity)
        try c.encode(q.count, forKey: .count)
        try c.encode(q.head, forKey: .head)
        try c.encode(q.tail, forKey: .tail)
        try c.encode(q.runs.map { RunJSON(run: $0, trace: trace) }, forKey: .runs)
    }
}

struct SocketJSON: Encodable {
    let s: SocketSnapshot
    let trace: Trace
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        try c.put("id", s.id)
        try c.put("host", s.host)
        try c.put("fd", s.fd)
        try c.put("local", s.local?.description)
        try c.put("remote", s.remote?.description)
        try c.put("state", s.state.rawValue)
        try c.put("sendq", s.sendq.count)
        try c.put("recvq", s.recvq.count)
        try c.put("delivered", s.delivered)
        try c.put("sendqDetail", QueueJSON(q: s.sendq, trace: trace))
        try c.put("recvqDetail", QueueJSON(q: s.recvq, trace: trace))
        try c.put("listening", s.isListening)
        if s.isListening {
            try c.put("incomplete", s.incomplete)
            try c.put("completed", s.completed)
        }
        try c.put("reuseaddr", s.reuseAddress)
    }
}

struct SegmentJSON: Encodable {
    let e: SegmentEvent
    let trace: Trace
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: DynamicKey.self)
        let s = e.segment
        try c.put("event", e.kind.rawValue)
        try c.put("id", s.id)
        try c.put("from", trace.hostName(s.fromHost))
        try c.put("to", trace.hostName(s.toHost))
        try c.put("src", s.source.description)
        try c.put("dst", s.destination.description)
        try c.put("seq", s.seq % (1 << 32))
        try c.put("ack", s.ack % (1 << 32))
        try c.put("flags", s.flags.names)
        try c.put("label", s.label)
        try c.put("window", s.window)
        try c.put("length", s.length)
        try c.put("time", e.time)
        try c.put("note", e.note)
    }
}

struct TransitionJSON: Encodable {
    let t: StateChange
    init(_ t: StateChange) { self.t = t }
    enum K: String, CodingKey { case socket, host, from, to, cause, time }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(t.socket, forKey: .socket)
        try c.encode(t.host, forKey: .host)
        try c.encode(t.from.rawValue, forKey: .from)
        try c.encode(t.to.rawValue, forKey: .to)
        try c.encode(t.cause.rawValue, forKey: .cause)
        try c.encode(t.time, forKey: .time)
    }
}

