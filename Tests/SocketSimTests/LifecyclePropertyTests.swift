import Testing
@testable import SocketSim

/// Drives random call sequences on both ends, step by step, looking at the world between steps the
/// way a student poking at the simulator would: any call, in any state, on any descriptor.
struct LifecycleFuzzer {
    var rng: SplitMix64
    let scenario: Scenario
    var simulator: Simulator
    var lines: [String] = []
    var records: [StepRecord] = []
    var issues: [String] = []
    /// Per socket: bytes transmitted up to the last step, and bytes that arrived from its peers.
    var transmittedSoFar: [Int] = []
    var arrivedFrom: [Int: Int] = [:]
    /// Set when a program was left waiting on a half-open connection (legitimately stuck).
    var hungOnHalfOpenConnection = false

    static func make(seed: UInt64) throws -> LifecycleFuzzer {
        var rng = SplitMix64(seed: seed)
        let network: NetworkMode = Bool.random(using: &rng) ? .auto : .manual
        let start: StartMode = Int.random(in: 0..<3, using: &rng) == 0 ? .established : .closed
        var hosts = Scenario.defaultHosts
        if Bool.random(using: &rng) { hosts[1].addresses = ["10.0.0.2", "192.168.1.2"] }
        let base = try Build.scenario([], sqs: Int.random(in: 1...600, using: &rng), rqs: Int.random(in: 1...600, using: &rng),
                                      network: network, start: start, hosts: hosts) { p in
            p.mss = [1, 100, 536].randomElement(using: &rng)!
            p.msl = Int.random(in: 1...30, using: &rng) * 1_000
            p.rto = Int.random(in: 1...10, using: &rng) * 100
            p.maxRetransmissions = Int.random(in: 0...5, using: &rng)
            p.finWait2Timeout = Int.random(in: 1...60, using: &rng) * 1_000
            p.ephemeralFirst = 49_152
            p.ephemeralLast = 49_152 + Int.random(in: 0...3, using: &rng)
            p.backlog = Int.random(in: 0...3, using: &rng)
        }
        return LifecycleFuzzer(rng: rng, scenario: base, simulator: Simulator(scenario: base))
    }

    var p: Parameters { scenario.parameters }
    var hostNames: [String] { scenario.hosts.map(\.name) }
    var last: StepRecord? { records.last }

    func sockets(_ host: String) -> [SocketSnapshot] {
        if let last { return last.sockets(host: host) }
        return []
    }

    func openFDs(_ host: String) -> [Int] {
        if last == nil && scenario.start == .established { return [3] }
        return sockets(host).compactMap(\.fd).sorted()
    }

    mutating func perform(_ line: String) throws {
        let step = try Build.step(line, parameters: p, hosts: scenario.hosts)
        lines.append(line)
        let record = simulator.perform(step, index: lines.count)
        records.append(record)
        check(record)
    }

    /// What must hold after every step.
    mutating func check(_ record: StepRecord) {
        for c in record.transitions where !Transition.rfc9293.contains(Transition(c.from, c.to)) {
            issues.append("step \(record.index) '\(record.text)': \(c.from.rawValue) -> \(c.to.rawValue) is not an arrow of RFC 9293")
        }
        for s in record.sockets where s.sendq.count > s.sendq.capacity || s.recvq.count > s.recvq.capacity {
            issues.append("step \(record.index): socket \(s.id) exceeds a queue's capacity")
        }
        // FIFO per connection: what a socket delivered and holds is a prefix of its peer's sends, in
        // call order: each send's bytes once, from offset 0, all from the other host.
        for sock in record.sockets {
            let stream = coalesce(sock.deliveredRuns + sock.recvq.runs)
            let hosts = Set(stream.map(\.origin.host))
            let numbers = stream.map(\.origin.send)
            if hosts.count > 1 || hosts.contains(scenario.hosts.firstIndex { $0.name == sock.host }!)
                || zip(numbers, numbers.dropFirst()).contains(where: { $0 >= $1 }) || stream.contains(where: { $0.start != 0 }) {
                issues.append("step \(record.index) '\(record.text)': socket \(sock.id) received bytes out of order: \(TraceRendering.runs(stream, hosts: scenario.hosts))")
            }
        }
        // Bytes a socket transmitted during this step arrive at the socket that is its peer now.
        for sid in 0..<simulator.socketCount {
            let a = simulator.accounting(socket: sid)
            if a.accepted != a.sendq + a.transmitted + a.lost {
                issues.append("step \(record.index) '\(record.text)': socket \(sid): accepted \(a.accepted) != SendQ \(a.sendq) + transmitted \(a.transmitted) + lost \(a.lost)")
            }
            if a.arrived != a.recvq + a.delivered + a.discarded {
                issues.append("step \(record.index) '\(record.text)': socket \(sid): arrived \(a.arrived) != RecvQ \(a.recvq) + delivered \(a.delivered) + discarded \(a.discarded)")
            }
            let before = sid < transmittedSoFar.count ? transmittedSoFar[sid] : 0
            if a.transmitted > before {
                if let peer = a.peer { arrivedFrom[peer, default: 0] += a.transmitted - before } else {
                    issues.append("step \(record.index) '\(record.text)': socket \(sid) transmitted bytes to no peer")
                }
            }
        }
        transmittedSoFar = (0..<simulator.socketCount).map { simulator.accounting(socket: $0).transmitted }
        for sid in 0..<simulator.socketCount {
            let arrived = simulator.accounting(socket: sid).arrived
            if arrived != arrivedFrom[sid, default: 0] {
                issues.append("step \(record.index) '\(record.text)': socket \(sid) received \(arrived) bytes, its peers transmitted \(arrivedFrom[sid, default: 0])")
            }
        }
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs.randomElement(using: &rng)! }
    mutating func chance(_ n: Int) -> Bool { Int.random(in: 0..<n, using: &rng) == 0 }

    /// How a run begins: nothing, a handshake or two, or a simultaneous open, so that most runs
    /// have connections to send on, close and reset.
    mutating func preamble() -> [String] {
        guard scenario.start == .closed else { return [] }
        let manual = p.network == .manual
        let handshake = ["server: listen 80", "client: connect server:80" + (manual ? " nonblock" : ""),
                         manual ? "net: deliver all" : nil, "server: accept nonblock"].compactMap { $0 }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return []
        case 1, 2: return handshake
        case 3: return handshake + Array(handshake.dropFirst())
        default:
            return ["client: socket", "client: bind *:5000", "server: socket", "server: bind *:6000",
                    "client: connect server:6000 nonblock", "server: connect client:5000 nonblock"]
                + (manual ? (chance(2) ? ["net: deliver all"] : []) : [])
        }
    }

    /// One random step. A blocking variant is used only while the other host is not blocked, so the
    /// run can always be wound down; everything else is fair game.
    mutating func randomLine() -> String {
        let blocked = Set(simulator.blockedCalls().map(\.actor))
        let free = hostNames.filter { !blocked.contains($0) }
        let roll = Int.random(in: 0..<100, using: &rng)
        if free.isEmpty || roll >= 85 {
            if roll >= 95 || free.isEmpty && chance(3) {
                return "time: +" + pick(["1ms", "\(p.rto)ms", "\(p.msl)ms", "\(2 * p.msl)ms", "\(p.finWait2Timeout)ms", "10min"])
            }
            return "net: " + pick(["deliver", "deliver 2", "deliver all", "drop", "transfer all", "transfer 1", "transfer 300"])
        }
        let host = pick(free)
        let other = hostNames.first { $0 != host }!
        let canBlock = !blocked.contains(other)
        let fds = openFDs(host)
        let own = scenario.hosts.first { $0.name == host }!.addresses
        func fd() -> String {
            guard chance(3) else { return "" }
            return " fd=\(fds.isEmpty || chance(8) ? Int.random(in: 3...8, using: &rng) : pick(fds))"
        }
        func mode() -> String { canBlock && Bool.random(using: &rng) ? "" : " nonblock" }
        let port = pick([80, 81, 5000, 0])
        let reuse = chance(3) ? " reuseaddr" : ""
        // Weighted towards the calls that move data once a connection exists.
        let kinds = [0, 1, 2, 3, 3, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 9, 10]
        switch pick(kinds) {
        case 0: return "\(host): socket"
        case 1: return "\(host): bind \(pick(["*", "*", own[0], own.last!, other])):\(port)\(reuse)"
        case 2: return "\(host): " + pick(["listen", "listen 80\(reuse)", "listen 81\(reuse)", "listen backlog=1", "listen *:5000\(reuse)"])
        case 3:
            let target = scenario.hosts.first { $0.name == other }!.addresses
            return "\(host): connect \(pick([other, pick(target)])):\(pick([80, 81, 5000]))\(mode())\(fd())"
        case 5:
            let ready = sockets(host).filter { $0.isListening && $0.fd != nil && !$0.completed.isEmpty }
            if canBlock, let l = ready.first, Bool.random(using: &rng) { return "\(host): accept fd=\(l.fd!)" }
            return "\(host): accept nonblock\(fd())"
        case 6: return "\(host): send \(pick([0, 1, 100, p.sqs + p.rqs + 1]))\(mode())\(fd())"
        case 7: return "\(host): recv \(pick([1, 100, 1000]))\(mode())\(fd())"
        case 9: return "\(host): shutdown \(pick(["SHUT_RD", "SHUT_WR", "SHUT_WR", "SHUT_RDWR"]))\(fd())"
        default: return "\(host): close\(fd())"
        }
    }

    /// Both programs close every descriptor; the network delivers everything and time passes every
    /// timer. Then nothing may be blocked, open or alive.
    mutating func windDown() throws {
        for _ in 0..<12 {
            for host in hostNames {
                for fd in openFDs(host) { try perform("\(host): close fd=\(fd)") }
            }
            try perform("net: deliver all")
            try perform("net: transfer all")
            try perform("net: deliver all")
            try perform("time: +10min")
            if simulator.blockedCalls().isEmpty && hostNames.allSatisfy({ openFDs($0).isEmpty }) && simulator.liveSocketCount == 0 {
                break
            }
        }
        // A program blocked in recv on a half-open connection (the other end's structure is gone and
        // nothing is in flight: its RST or FIN was lost, or it gave up silently) waits forever, as
        // it would on a real kernel without keepalive. It cannot close anything; all else must go.
        let blocked = simulator.blockedCalls()
        let stuck = Set(blocked.filter { b in b.call.kind == .recv && halfOpen(host: b.actor) }.map(\.actor))
        for b in blocked where !stuck.contains(b.actor) {
            issues.append("still blocked after both programs closed everything: \(b.actor): \(b.text)")
        }
        if !simulator.leakedSockets.isEmpty { issues.append("leaked sockets \(simulator.leakedSockets)") }
        let live = last?.sockets ?? []
        // The stuck program still holds its descriptors, and a listener it holds keeps its queues.
        let queued = Set(live.filter { stuck.contains($0.host) && $0.fd != nil }.flatMap { $0.incomplete + $0.completed })
        let unexplained = live.filter { !(stuck.contains($0.host) && ($0.fd != nil || queued.contains($0.id))) }
        if simulator.liveSocketCount != live.count || !unexplained.isEmpty {
            issues.append("\(simulator.liveSocketCount) live sockets after every timer: \(unexplained.map { "\($0.host) socket \($0.id) \($0.state.rawValue)" })")
        }
        if !stuck.isEmpty { hungOnHalfOpenConnection = true }
    }

    /// Every connected socket of `host` has lost its other end and nothing is on the way to it.
    func halfOpen(host: String) -> Bool {
        guard simulator.inFlight.isEmpty, let last else { return false }
        let mine = last.sockets(host: host).filter { $0.fd != nil && $0.remote != nil && $0.state != .closed }
        return !mine.isEmpty && mine.allSatisfy { s in
            !last.sockets.contains { $0.host != host && $0.local == s.remote && $0.remote == s.local && $0.state != .closed }
        }
    }

    /// Runs `lines` from `base`, then winds down; the issues found.
    static func replay(_ base: LifecycleFuzzer, _ lines: [String]) throws -> LifecycleFuzzer {
        var f = base
        for line in lines { try f.perform(line) }
        try f.windDown()
        return f
    }

    /// The shortest sub-list of `lines` (removing chunks, then single lines) that still fails.
    static func shrink(_ base: LifecycleFuzzer, _ lines: [String]) throws -> [String] {
        var current = lines
        var chunk = max(1, current.count / 2)
        while chunk >= 1 {
            var i = 0
            var removed = false
            while i < current.count {
                var candidate = current
                candidate.removeSubrange(i..<min(i + chunk, candidate.count))
                if !(try replay(base, candidate).issues.isEmpty) {
                    current = candidate
                    removed = true
                } else {
                    i += chunk
                }
            }
            if !removed || chunk == 1 { chunk /= 2 } else { chunk = max(1, chunk / 2) }
        }
        return current
    }
}

@Suite("Life cycle: random call sequences on both ends")
struct LifecyclePropertyTests {
    static func randomRun(seed: UInt64) throws -> (base: LifecycleFuzzer, run: LifecycleFuzzer, lines: [String]) {
        let base = try LifecycleFuzzer.make(seed: seed)
        var f = base
        for line in f.preamble() { try f.perform(line) }
        let steps = Int.random(in: 5...80, using: &f.rng)
        for _ in 0..<steps { try f.perform(f.randomLine()) }
        let randomLines = f.lines
        try f.windDown()
        return (base, f, randomLines)
    }

    @Test("most random runs wind down completely (few leave a program waiting on a half-open connection)")
    func fewHangs() throws {
        var hung = 0
        for seed in 1...200 as ClosedRange<UInt64> where try Self.randomRun(seed: seed).run.hungOnHalfOpenConnection { hung += 1 }
        #expect(hung <= 10, "\(hung) of 200 runs ended with a program blocked on a half-open connection")
    }

    @Test("states move only along RFC 9293's arrows, bytes are accounted for, and nothing leaks",
          arguments: Array(1...300) as [UInt64])
    func randomLifecycle(seed: UInt64) throws {
        let (base, f, randomLines) = try Self.randomRun(seed: seed)
        let tag = "seed \(seed) (replay: LifecycleFuzzer.make(seed: \(seed)))"
        if !f.issues.isEmpty {
            let small = try LifecycleFuzzer.shrink(base, randomLines)
            let p = base.scenario.parameters
            Issue.record("""
                \(tag): \(f.issues.prefix(3).joined(separator: "\n"))
                smallest failing program (network \(p.network.rawValue), start \(base.scenario.start.rawValue), \
                sqs \(p.sqs) rqs \(p.rqs) mss \(p.mss) msl \(p.msl) rto \(p.rto) retries \(p.maxRetransmissions) \
                finWait2 \(p.finWait2Timeout) backlog \(p.backlog), server \(base.scenario.hosts[1].addresses)):
                \(small.joined(separator: "\n"))
                then: \(try LifecycleFuzzer.replay(base, small).issues.joined(separator: "; "))
                """)
        }

        // The same input gives the same trace.
        var scenario = f.scenario
        scenario.steps = try f.lines.map { try Build.step($0, parameters: scenario.parameters, hosts: scenario.hosts) }
        let once = try Simulator.run(scenario)
        #expect(try once == Simulator.run(scenario), "\(tag): two runs differ")
        #expect(once.steps.map { var r = $0; r.returnedAtStep = nil; return r } == f.records, "\(tag): run differs from perform")
    }
}
