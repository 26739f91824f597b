import SourceFiles
import SocketSim

/// The `simulate --format json` contract and the text report, written as the run goes.
///
/// Fields are only ever added, never renamed or repurposed. `outcome`, `deadlock` and per step
/// `index`, `actor`, `call`, `status`, `returned`, `error`, `completed` and
/// `hosts.<name>.{sendq,recvq,delivered}` are the original contract; `state`, `sockets`, `segments`,
/// `transitions` and the rest extend it.
///
/// The format is JSONEncoder's pretty-printed, sorted-key form, byte for byte (the tests hold this
/// writer to an Encodable copy of the old encoder path): two-space indent, `"key" : value`, empty
/// arrays and objects as an open bracket, a blank line and the close, keys in UTF-8 byte order.
/// Writing it directly costs a tenth of JSONEncoder and, above all, needs no whole trace: the
/// outcome and the `returnedAtStep` of blocked steps, which only the end of a run tells, come from a
/// first run (`Simulator.run(_:budget:snapshots:each:)` without snapshots), then the second run's
/// steps are written as they are made and dropped.
public struct TraceWriter {
    /// Receives the output in pieces of about `chunk` bytes.
    public typealias Sink = ([UInt8]) -> Void

    public enum Format: Sendable {
        case json, text
    }

    /// Runs `scenario` and writes its trace to `sink` without holding it: memory follows the largest
    /// step, not the run. A run over `budget` is refused before anything is written.
    public static func write(_ scenario: Scenario, format: Format, budget: WorkBudget = .standard,
                             chunk: Int = 1 << 16, to sink: @escaping Sink) throws(WorkBudget.Exceeded) {
        let summary = try Simulator.run(scenario, budget: budget, snapshots: false) { _ in }
        var w = TraceWriter(scenario: scenario, summary: summary, chunk: chunk, sink: sink)
        switch format {
        case .json: w.jsonHeader()
        case .text: w.textHeader()
        }
        // The same run again (it is deterministic), this time with every snapshot.
        _ = try Simulator.run(scenario, budget: budget) { record in
            var r = record
            if r.status == .blocked { r.returnedAtStep = summary.returnedAt[r.index] }
            switch format {
            case .json: w.jsonStep(r)
            case .text: w.textStep(r)
            }
        }
        switch format {
        case .json: w.jsonFooter()
        case .text: w.textFooter()
        }
        w.flush()
    }

    let title: String
    let parameters: Parameters
    let hosts: [HostConfig]
    let hostNames: [String]
    /// Host names in the order the JSON lists them (UTF-8 byte order), with their indices.
    let sortedHosts: [(name: String, index: Int)]
    let outcome: Outcome
    let deadlock: Deadlock?
    /// The text report's call column width.
    var callWidth: Int
    var out = JSONBytes()
    var stepsWritten = 0
    let chunk: Int
    let sink: Sink

    init(scenario: Scenario, summary: RunSummary, chunk: Int, sink: @escaping Sink) {
        title = scenario.title
        parameters = scenario.parameters
        hosts = scenario.hosts
        hostNames = scenario.hosts.map(\.name)
        sortedHosts = hostNames.enumerated().map { ($1, $0) }.sorted { JSONBytes.keyOrder($0.name, $1.name) }
        outcome = summary.outcome
        deadlock = summary.deadlock
        callWidth = Self.callWidth(scenario.steps.map { ($0.actor.name, $0.text) })
        self.chunk = chunk
        self.sink = sink
        out.bytes.reserveCapacity(chunk + 4096)
    }

    /// The writer for a trace already run (what `Trace.jsonString()` and `textReport()` use).
    init(trace: Trace, sink: @escaping Sink) {
        self.init(scenario: Scenario(title: trace.title, parameters: trace.parameters, hosts: trace.hosts, steps: []),
                  summary: RunSummary(outcome: trace.outcome, deadlock: trace.deadlock, returnedAt: [:], sendSizes: [:]),
                  chunk: 1 << 20, sink: sink)
        callWidth = Self.callWidth(trace.steps.map { ($0.actor, $0.text) })
    }

    /// The text report's call column: wide enough for every `actor: call` label, at least 12.
    static func callWidth(_ labels: [(actor: String, text: String)]) -> Int {
        max(12, labels.map { $0.actor.count + $0.text.count + 2 }.max() ?? 0)
    }

    mutating func flushIfFull() {
        if out.bytes.count >= chunk { flush() }
    }

    mutating func flush() {
        guard !out.bytes.isEmpty else { return }
        sink(out.bytes)
        out.bytes.removeAll(keepingCapacity: true)
    }

    // MARK: - JSON

    mutating func jsonHeader() {
        out.beginObject()
        out.key("deadlock")
        if let d = deadlock {
            out.beginObject()
            out.key("atStep"); out.int(d.atStep)
            out.key("blocked")
            out.beginArray()
            for b in d.blocked {
                out.element()
                out.beginObject()
                out.key("actor"); out.string(b.actor)
                out.key("call"); out.string(b.text)
                out.key("index"); out.int(b.index)
                out.key("remaining"); out.int(b.remaining)
                out.endObject()
            }
            out.endArray()
            out.endObject()
        } else {
            out.null()
        }
        out.key("hostList")
        out.beginArray()
        for h in hosts {
            out.element()
            out.beginObject()
            out.key("addresses")
            out.beginArray()
            for a in h.addresses { out.element(); out.string(a) }
            out.endArray()
            out.key("name"); out.string(h.name)
            out.key("rqs"); out.int(h.rqs ?? parameters.rqs)
            out.key("sqs"); out.int(h.sqs ?? parameters.sqs)
            out.endObject()
        }
        out.endArray()
        out.key("outcome"); out.string(outcome.rawValue)
        let p = parameters
        out.key("parameters")
        out.beginObject()
        out.key("backlog"); out.int(p.backlog)
        out.key("ephemeralPorts"); out.string("\(p.ephemeralFirst)-\(p.ephemeralLast)")
        out.key("finWait2Timeout"); out.int(p.finWait2Timeout)
        out.key("maxRetransmissions"); out.int(p.maxRetransmissions)
        out.key("msl"); out.int(p.msl)
        out.key("mss"); out.int(p.mss)
        out.key("network"); out.string(p.network.rawValue)
        out.key("rqs"); out.int(p.rqs)
        out.key("rto"); out.int(p.rto)
        out.key("sqs"); out.int(p.sqs)
        out.endObject()
        out.key("steps")
        out.beginArray()
    }

    mutating func jsonStep(_ step: StepRecord) {
        out.element()
        out.beginObject()
        out.key("actor"); out.string(step.actor)
        out.key("call"); out.string(step.text)
        out.key("completed")
        out.beginArray()
        for c in step.completed {
            out.element()
            out.beginObject()
            out.key("actor"); out.string(c.actor)
            out.key("call"); out.string(c.text)
            out.key("error"); out.string(c.result.error?.rawValue)
            out.key("index"); out.int(c.index)
            if !c.result.runs.isEmpty { out.key("origins"); runs(c.result.runs) }
            out.key("returned"); out.int(c.result.value)
            out.endObject()
        }
        out.endArray()
        out.key("deferred"); out.bool(step.deferred)
        out.key("error"); out.string(step.result.error?.rawValue)
        out.key("hosts")
        out.beginObject()
        for (name, i) in sortedHosts where i < step.hosts.count {
            let h = step.hosts[i]
            out.key(name)
            out.beginObject()
            out.key("blockedIn"); out.string(h.blockedIn?.text)
            out.key("delivered"); out.int(h.delivered)
            out.key("recvq"); out.int(h.recvq)
            out.key("sendq"); out.int(h.sendq)
            out.key("state"); out.string(h.state?.rawValue)
            out.endObject()
        }
        out.endObject()
        out.key("index"); out.int(step.index)
        if !step.result.runs.isEmpty { out.key("origins"); runs(step.result.runs) }
        out.key("returned"); out.int(step.result.value)
        out.key("returnedAtStep"); out.int(step.returnedAtStep)
        out.key("segments")
        out.beginArray()
        for e in step.segments {
            out.element()
            segment(e)
            flushIfFull()
        }
        out.endArray()
        out.key("sockets")
        out.beginArray()
        for s in step.sockets {
            out.element()
            socket(s)
        }
        out.endArray()
        out.key("status"); out.string(step.status.rawValue)
        out.key("time"); out.int(step.time)
        out.key("transitions")
        out.beginArray()
        for t in step.transitions {
            out.element()
            out.beginObject()
            out.key("cause"); out.string(t.cause.rawValue)
            out.key("from"); out.string(t.from.rawValue)
            out.key("host"); out.string(t.host)
            out.key("socket"); out.int(t.socket)
            out.key("time"); out.int(t.time)
            out.key("to"); out.string(t.to.rawValue)
            out.endObject()
        }
        out.endArray()
        out.endObject()
        stepsWritten += 1
        flushIfFull()
    }

    mutating func jsonFooter() {
        out.endArray()
        out.key("title"); out.string(title)
        out.endObject()
        out.raw(10)
    }

    mutating func runs<C: Collection>(_ runs: C) where C.Element == ByteRun {
        out.beginArray()
        for r in runs {
            out.element()
            out.beginObject()
            out.key("count"); out.int(r.count)
            out.key("host"); out.string(hostNames[r.origin.host])
            out.key("offset"); out.int(r.start)
            out.key("send"); out.int(r.origin.send)
            out.endObject()
        }
        out.endArray()
    }

    mutating func queue(_ q: QueueSnapshot) {
        out.beginObject()
        out.key("capacity"); out.int(q.capacity)
        out.key("count"); out.int(q.count)
        out.key("head"); out.int(q.head)
        out.key("runs"); runs(q.runList)
        out.key("tail"); out.int(q.tail)
        out.endObject()
    }

    mutating func socket(_ s: SocketSnapshot) {
        out.beginObject()
        if s.isListening { out.key("completed"); ints(s.completed) }
        out.key("delivered"); out.int(s.delivered)
        out.key("fd"); out.int(s.fd)
        out.key("host"); out.string(s.host)
        out.key("id"); out.int(s.id)
        if s.isListening { out.key("incomplete"); ints(s.incomplete) }
        out.key("listening"); out.bool(s.isListening)
        out.key("local"); out.string(s.local?.description)
        out.key("recvq"); out.int(s.recvq.count)
        out.key("recvqDetail"); queue(s.recvq)
        out.key("remote"); out.string(s.remote?.description)
        out.key("reuseaddr"); out.bool(s.reuseAddress)
        out.key("sendq"); out.int(s.sendq.count)
        out.key("sendqDetail"); queue(s.sendq)
        out.key("state"); out.string(s.state.rawValue)
        out.endObject()
    }

    mutating func ints(_ values: [Int]) {
        out.beginArray()
        for v in values { out.element(); out.int(v) }
        out.endArray()
    }

    mutating func segment(_ e: SegmentEvent) {
        let s = e.segment
        out.beginObject()
        out.key("ack"); out.int(s.ack % (1 << 32))
        out.key("dst"); out.string(s.destination.description)
        out.key("event"); out.string(e.kind.rawValue)
        out.key("flags")
        out.beginArray()
        for (flag, name) in TCPFlags.ordered where s.flags.contains(flag) { out.element(); out.string(name) }
        out.endArray()
        out.key("from"); out.string(hostNames[s.fromHost])
        out.key("id"); out.int(s.id)
        out.key("label"); out.string(s.label)
        out.key("length"); out.int(s.length)
        out.key("note"); out.string(e.note)
        out.key("seq"); out.int(s.seq % (1 << 32))
        out.key("src"); out.string(s.source.description)
        out.key("time"); out.int(e.time)
        out.key("to"); out.string(hostNames[s.toHost])
        out.key("window"); out.int(s.window)
        out.endObject()
    }

    // MARK: - Text

    mutating func textHeader() {
        out.text(title.isEmpty ? "scenario" : title)
        out.raw(10)
        let p = parameters
        out.text("SQS=\(p.sqs) RQS=\(p.rqs) MSS=\(p.mss) network=\(p.network.rawValue)")
        out.raw(10)
    }

    mutating func textStep(_ s: StepRecord) {
        var status: String
        switch s.status {
        case .returned: status = s.result.value.map { "-> \($0)" } ?? "ok"
        case .error: status = "-> \(s.result.error?.rawValue ?? "error")"
        case .blocked:
            status = s.deferred ? "waits" : "blocked"
            if let r = s.returnedAtStep { status += " (returns at \(r))" }
        }
        let label = "\(s.actor): \(s.text)"
        var line = Self.pad("\(s.index)", 3) + "  " + Self.pad(label, callWidth) + "  " + Self.pad(status, 22)
        for h in s.hosts {
            line += " | \(h.name) S=\(h.sendq) R=\(h.recvq) D=\(h.delivered)"
            if let st = h.state, st != .established { line += " \(st.rawValue)" }
        }
        out.text(line)
        out.raw(10)
        for c in s.completed {
            let v = c.result.error?.rawValue ?? c.result.value.map(String.init) ?? "ok"
            out.text("     ↳ step \(c.index) \(c.actor): \(c.text) returned \(v)")
            out.raw(10)
        }
        flushIfFull()
    }

    mutating func textFooter() {
        switch outcome {
        case .completed:
            out.text("outcome: completed")
            out.raw(10)
        case .deadlock:
            out.text("outcome: deadlock at step \(deadlock?.atStep ?? 0)")
            out.raw(10)
            for b in deadlock?.blocked ?? [] {
                let rest = b.remaining.map { ", \($0) bytes to go" } ?? ""
                out.text("  \(b.actor) is blocked in '\(b.text)' (step \(b.index)\(rest))")
                out.raw(10)
            }
        }
    }

    static func pad(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }
}

extension Trace {
    /// The JSON form (the `simulate --format json` contract), pretty-printed with sorted keys:
    /// byte-identical for identical runs.
    public func jsonString() -> String {
        var bytes: [UInt8] = []
        var w = TraceWriter(trace: self) { bytes += $0 }
        w.jsonHeader()
        for s in steps { w.jsonStep(s) }
        w.jsonFooter()
        w.flush()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What a person reads in a terminal: one line per step with each host's three queues.
    public func textReport() -> String {
        var bytes: [UInt8] = []
        var w = TraceWriter(trace: self) { bytes += $0 }
        w.textHeader()
        for s in steps { w.textStep(s) }
        w.textFooter()
        w.flush()
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// JSON in JSONEncoder's pretty-printed layout, appended to a byte buffer.
struct JSONBytes {
    var bytes: [UInt8] = []
    /// Per open container: whether it has an element yet.
    private var filled: [Bool] = []

    /// JSONEncoder's `.sortedKeys` order: the keys' UTF-8 bytes, compared lexicographically.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    mutating func raw(_ b: UInt8) { bytes.append(b) }

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

    private mutating func indent(_ level: Int) {
        for _ in 0..<level { bytes.append(32); bytes.append(32) }
    }

    /// Starts a member or element of the innermost container: the comma and the indent.
    private mutating func next() {
        if filled[filled.count - 1] { bytes.append(44) } else { filled[filled.count - 1] = true }
        bytes.append(10)
        indent(filled.count)
    }

    mutating func beginObject() { bytes.append(123); filled.append(false) }
    mutating func beginArray() { bytes.append(91); filled.append(false) }

    mutating func endObject() { close(125) }
    mutating func endArray() { close(93) }

    private mutating func close(_ bracket: UInt8) {
        let had = filled.removeLast()
        bytes.append(10)
        if !had { bytes.append(10) }
        indent(filled.count)
        bytes.append(bracket)
    }

    /// `"key" : ` (keys here are identifiers and host names: escaped like any string).
    mutating func key(_ k: String) {
        next()
        string(k)
        bytes.append(32); bytes.append(58); bytes.append(32)
    }

    mutating func element() { next() }

    mutating func null() { bytes.append(contentsOf: [110, 117, 108, 108]) }

    mutating func bool(_ b: Bool) {
        if b { bytes.append(contentsOf: [116, 114, 117, 101]) } else { bytes.append(contentsOf: [102, 97, 108, 115, 101]) }
    }

    mutating func int(_ v: Int?) {
        guard let v else { null(); return }
        if v == 0 { bytes.append(48); return }
        // Digits into a small stack buffer, backwards; Int.min's magnitude fits a UInt.
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            while m > 0 {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: m % 10) + 48
                m /= 10
            }
            if v < 0 { bytes.append(45) }
            bytes.append(contentsOf: buf[i..<20])
        }
    }

    mutating func string(_ s: String?) {
        guard let s else { null(); return }
        bytes.append(34)
        for b in s.utf8 {
            switch b {
            case 34: bytes.append(92); bytes.append(34)
            case 92: bytes.append(92); bytes.append(92)
            case 8: bytes.append(92); bytes.append(98)
            case 12: bytes.append(92); bytes.append(102)
            case 10: bytes.append(92); bytes.append(110)
            case 13: bytes.append(92); bytes.append(114)
            case 9: bytes.append(92); bytes.append(116)
            case 0..<32:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(34)
    }
}
