import Testing
@testable import SocketSim

/// A run performed step by step, with what the trace does not keep: the byte accounting of every
/// socket and the blocked calls after each step.
struct SteppedRun {
    var scenario: Scenario
    var records: [StepRecord] = []
    /// accounting[k][sid]: after step k + 1.
    var accounting: [[ByteAccounting]] = []
    var blocked: [[BlockedCall]] = []
    var simulator: Simulator

    init(_ scenario: Scenario) {
        self.scenario = scenario
        simulator = Simulator(scenario: scenario)
        for (i, step) in scenario.steps.enumerated() {
            records.append(simulator.perform(step, index: i + 1))
            accounting.append((0..<simulator.socketCount).map { simulator.accounting(socket: $0) })
            blocked.append(simulator.blockedCalls())
        }
    }

    /// The step during which the call of step `index` returned, and its result.
    func completion(ofStep index: Int) -> (step: Int, result: CallResult)? {
        let r = records[index - 1]
        if r.status != .blocked { return (index, r.result) }
        for s in records { if let c = s.completed.first(where: { $0.index == index }) { return (s.index, c.result) } }
        return nil
    }
}

/// Random scenarios over an established connection: sends, recvs (blocking or not) and transfers.
enum RandomBuffering {
    static func scenario(seed: UInt64) throws -> Scenario {
        var rng = SplitMix64(seed: seed)
        let sqs = pick([1, 2, 7, 100, 500, Int.random(in: 1...1500, using: &rng)], &rng)
        let rqs = pick([1, 3, 100, 500, Int.random(in: 1...1500, using: &rng)], &rng)
        let mss = pick([1, 100, 536, 1460, 1 << 20], &rng)
        let network: NetworkMode = Bool.random(using: &rng) ? .auto : .manual
        var hosts = Scenario.defaultHosts
        if Int.random(in: 0..<3, using: &rng) == 0 {
            hosts[0].sqs = Int.random(in: 1...1200, using: &rng)
            hosts[1].rqs = Int.random(in: 1...1200, using: &rng)
        }
        let total = (hosts[0].sqs ?? sqs) + (hosts[1].rqs ?? rqs)
        func size() -> Int {
            pick([0, 1, sqs, rqs, total, total + 1, Int.random(in: 1...max(1, total / 2), using: &rng),
                  Int.random(in: 1...(3 * total), using: &rng)], &rng)
        }
        var lines: [String] = []
        for _ in 0..<Int.random(in: 3...40, using: &rng) {
            let host = Bool.random(using: &rng) ? "client" : "server"
            let nb = Int.random(in: 0..<4, using: &rng) == 0 ? " nonblock" : ""
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4: lines.append("\(host): send \(size())\(nb)")
            case 4..<7: lines.append("\(host): recv \(size())\(nb)")
            default:
                let amount = Bool.random(using: &rng) ? "all" : String(size())
                let from = Int.random(in: 0..<3, using: &rng) == 0 ? " \(host)" : ""
                lines.append("net: transfer \(amount)\(from)")
            }
        }
        return try Build.scenario(lines, sqs: sqs, rqs: rqs, network: network, start: .established, hosts: hosts) {
            $0.mss = mss
        }
    }

    static func pick<T>(_ choices: [T], _ rng: inout SplitMix64) -> T { choices.randomElement(using: &rng)! }
}

/// Joins neighbouring runs that continue each other, so two renderings of the same bytes compare equal.
func coalesce<S: Sequence>(_ runs: S) -> [ByteRun] where S.Element == ByteRun {
    var out: [ByteRun] = []
    for r in runs where r.count > 0 {
        if let last = out.last, last.origin == r.origin, last.end == r.start {
            out[out.count - 1].count += r.count
        } else {
            out.append(r)
        }
    }
    return out
}

/// The first `n` bytes of `runs`.
func prefix(_ runs: [ByteRun], bytes n: Int) -> [ByteRun] {
    var left = n
    var out: [ByteRun] = []
    for var r in runs where left > 0 {
        r.count = min(r.count, left)
        left -= r.count
        out.append(r)
    }
    return out
}

@Suite("Buffering: properties of random scenarios")
struct BufferingPropertyTests {
    static let seeds: [UInt64] = Array(1...400)

    @Test("bytes are conserved, FIFO, bounded, and send/recv block only when they must", arguments: seeds)
    func randomScenario(seed: UInt64) throws {
        let scenario = try RandomBuffering.scenario(seed: seed)
        let run = SteppedRun(scenario)
        let tag = "seed \(seed) (replay: RandomBuffering.scenario(seed: \(seed)))"
        let hostNames = scenario.hosts.map(\.name)
        let sqs = scenario.hosts.map { $0.sqs ?? scenario.parameters.sqs }
        let rqs = scenario.hosts.map { $0.rqs ?? scenario.parameters.rqs }

        // Per step: conservation, capacity, and a blocked call is blocked for a reason.
        for (k, record) in run.records.enumerated() {
            let acc = run.accounting[k]
            try #require(acc.count == 2, "\(tag): an established start has exactly two sockets")
            for (sid, a) in acc.enumerated() {
                #expect(a.accepted == a.sendq + a.transmitted + a.lost, "\(tag) step \(k + 1) socket \(sid): accepted = SendQ + transmitted + lost")
                #expect(a.arrived == a.recvq + a.delivered + a.discarded, "\(tag) step \(k + 1) socket \(sid): arrived = RecvQ + delivered + discarded")
                #expect(a.lost == 0 && a.discarded == 0, "\(tag) step \(k + 1): nothing is lost on an open connection")
            }
            #expect(acc[0].transmitted == acc[1].arrived, "\(tag) step \(k + 1): client's transmitted bytes all arrived")
            #expect(acc[1].transmitted == acc[0].arrived, "\(tag) step \(k + 1): server's transmitted bytes all arrived")
            for s in record.sockets {
                #expect(s.sendq.count <= s.sendq.capacity && s.recvq.count <= s.recvq.capacity,
                        "\(tag) step \(k + 1): a queue exceeds its capacity")
                #expect(s.sendq.runs.reduce(0) { $0 + $1.count } == s.sendq.count, "\(tag): SendQ runs add up")
                #expect(s.recvq.runs.reduce(0) { $0 + $1.count } == s.recvq.count, "\(tag): RecvQ runs add up")
            }
            for b in run.blocked[k] {
                let h = hostNames.firstIndex(of: b.actor)!
                // The blocked call as the trace records it, parsed, is the scenario's step.
                #expect(scenario.steps[b.index - 1].action.socketCall == b.call, "\(tag): blocked call \(b.text)")
                #expect(b.text == scenario.steps[b.index - 1].text, "\(tag)")
                switch b.call {
                case .send: #expect(acc[h].sendq == sqs[h], "\(tag) step \(k + 1): a blocked send has a full SendQ")
                    if scenario.parameters.network == .auto {
                        #expect(acc[1 - h].recvq == rqs[1 - h], "\(tag) step \(k + 1): in auto mode a blocked send faces a full RecvQ")
                    }
                case .recv: #expect(acc[h].recvq == 0, "\(tag) step \(k + 1): a blocked recv has an empty RecvQ")
                default: Issue.record("\(tag): unexpected blocked call \(b.text)")
                }
            }
        }

        // What each send put in the queue, in call order (the host's calls run in step order).
        var sentStream: [[ByteRun]] = [[], []]
        var sendNumber = [0, 0]
        var accepted = [0, 0]
        var recvStream: [[ByteRun]] = [[], []]
        let finalBlocked = run.blocked.last ?? []
        for (i, step) in scenario.steps.enumerated() {
            guard case .host(let name) = step.actor, case .call(let call, _) = step.action else { continue }
            let h = hostNames.firstIndex(of: name)!
            let done = run.completion(ofStep: i + 1)
            switch call {
            case .send(let n, let nonBlocking):
                var got = 0
                if let done {
                    #expect(done.result.error == nil || done.result.error == .EWOULDBLOCK, "\(tag) step \(i + 1): \(done.result.summary)")
                    got = done.result.value ?? 0
                    if done.result.error == nil && !nonBlocking { #expect(got == n, "\(tag) step \(i + 1): a blocking send returns n") }
                    if nonBlocking { #expect(got <= n, "\(tag) step \(i + 1)") }
                    // The textbook's rules, at the step during which the send returned.
                    if !nonBlocking && done.result.error == nil && n > 0 {
                        let a = run.accounting[done.step - 1]
                        #expect(a[1 - h].arrived >= accepted[h] + n - sqs[h],
                                "\(tag) step \(i + 1): send \(n) returned with fewer than n - SQS bytes in the peer's RecvQ")
                        #expect(a[1 - h].delivered >= accepted[h] + n - (sqs[h] + rqs[1 - h]),
                                "\(tag) step \(i + 1): send \(n) returned before the receiver took n - (SQS + RQS) bytes")
                    }
                } else if let b = finalBlocked.first(where: { $0.index == i + 1 }) {
                    got = n - (b.remaining ?? 0)
                }
                if got > 0 {
                    sendNumber[h] += 1
                    sentStream[h].append(ByteRun(origin: Origin(host: h, send: sendNumber[h]), start: 0, count: got))
                    accepted[h] += got
                }
            case .recv(let n, _):
                guard let done, done.result.error == nil else { continue }
                let runs = done.result.runs
                #expect(runs.reduce(0) { $0 + $1.count } == done.result.value, "\(tag) step \(i + 1): recv's value is its runs' bytes")
                #expect((done.result.value ?? 0) <= n, "\(tag) step \(i + 1): recv returns at most n")
                recvStream[h].append(contentsOf: runs)
            default:
                Issue.record("\(tag): unexpected call in a buffering scenario")
            }
        }
        let last = try #require(run.records.last)
        for h in 0..<2 {
            let peer = 1 - h
            let received = coalesce(recvStream[peer])
            let delivered = received.reduce(0) { $0 + $1.count }
            #expect(received == prefix(sentStream[h], bytes: delivered),
                    "\(tag): \(hostNames[peer]) received \(hostNames[h])'s bytes out of order or altered")
            let snapshot = try #require(last.sockets.first { $0.host == hostNames[peer] })
            #expect(coalesce(snapshot.deliveredRuns) == received, "\(tag): Delivered is what recv returned")
            #expect(accepted[h] == run.accounting.last![h].accepted, "\(tag): the sends' values add up to the bytes accepted")
            // SendQ then RecvQ hold the rest, in order.
            let inQueues = coalesce(Array(snapshot.recvq.runs)) + coalesce(Array(last.sockets.first { $0.host == hostNames[h] }!.sendq.runs))
            #expect(coalesce(received + inQueues) == coalesce(sentStream[h]),
                    "\(tag): Delivered + RecvQ + SendQ is every byte sent, in order")
        }

        // The same input gives the same trace, and step-by-step gives what run gives.
        let once = try Simulator.run(scenario)
        #expect(try once == Simulator.run(scenario), "\(tag): two runs of the same scenario differ")
        #expect(once.steps.map { var r = $0; r.returnedAtStep = nil; return r } == run.records, "\(tag): run differs from perform")
    }

    // MARK: - The textbook's rules, sharply

    /// Rule 1: `send n` with SQS < n: in manual mode, moving the bytes one at a time, the send returns
    /// exactly at the transfer that brings the (n - SQS)th byte into the peer's RecvQ.
    @Test("send n > SQS returns when n - SQS bytes reached the peer's RecvQ", arguments: Array(1...60) as [UInt64])
    func ruleOne(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let sqs = Int.random(in: 1...60, using: &rng), rqs = Int.random(in: 1...60, using: &rng)
        let n = Int.random(in: 1...(sqs + rqs), using: &rng)
        let tag = "seed \(seed): SQS=\(sqs) RQS=\(rqs) n=\(n)"
        let lines = ["client: send \(n)"] + Array(repeating: "net: transfer 1", count: rqs + 1)
        let run = SteppedRun(try Build.scenario(lines, sqs: sqs, rqs: rqs, network: .manual, start: .established))
        let returned = try #require(run.completion(ofStep: 1), "\(tag): the send never returned")
        #expect(returned.result.value == n, "\(tag)")
        for (k, acc) in run.accounting.enumerated() {
            let stillBlocked = k + 1 < returned.step
            #expect(!stillBlocked || acc[1].arrived < n - sqs, "\(tag) step \(k + 1): blocked although n - SQS bytes had arrived")
        }
        #expect(run.accounting[returned.step - 1][1].arrived >= n - sqs, "\(tag): returned before n - SQS bytes arrived")
        #expect(returned.step == max(1, 1 + n - sqs), "\(tag): returns at the transfer of byte n - SQS")
    }

    /// Rule 2: `send n` with n > SQS + RQS returns only once the receiver has taken n - (SQS + RQS).
    @Test("send n > SQS + RQS returns when the receiver took n - (SQS + RQS)", arguments: Array(1...60) as [UInt64])
    func ruleTwo(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &+ 1000)
        let sqs = Int.random(in: 1...80, using: &rng), rqs = Int.random(in: 1...80, using: &rng)
        let n = sqs + rqs + Int.random(in: 1...100, using: &rng)
        let tag = "seed \(seed): SQS=\(sqs) RQS=\(rqs) n=\(n)"
        var lines = ["client: send \(n)"]
        var planned = 0
        while planned < n {
            let r = Int.random(in: 1...max(1, rqs / 2 + 1), using: &rng)
            lines.append("server: recv \(r)")
            planned += r
        }
        let run = SteppedRun(try Build.scenario(lines, sqs: sqs, rqs: rqs, network: .auto, start: .established))
        let returned = try #require(run.completion(ofStep: 1), "\(tag): the send never returned")
        let threshold = n - (sqs + rqs)
        for (k, acc) in run.accounting.enumerated() where k + 1 < returned.step {
            #expect(acc[1].delivered < threshold, "\(tag) step \(k + 1): still blocked although the receiver took n - (SQS + RQS)")
            #expect(acc[1].arrived == acc[1].delivered + rqs && acc[0].sendq == sqs, "\(tag) step \(k + 1): both queues full while blocked")
        }
        #expect(run.accounting[returned.step - 1][1].delivered >= threshold, "\(tag): returned before the receiver took n - (SQS + RQS)")
    }

    /// Rule 3: both ends sending more than SQS + RQS at once deadlock; at most SQS + RQS they do not.
    @Test("both ends sending: deadlock exactly when both exceed SQS + RQS", arguments: Array(1...120) as [UInt64])
    func ruleThree(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &+ 2000)
        let sqs = Int.random(in: 1...700, using: &rng), rqs = Int.random(in: 1...700, using: &rng)
        let total = sqs + rqs
        func size() -> Int {
            [total, total + 1, Int.random(in: 1...total, using: &rng), Int.random(in: total...(3 * total), using: &rng)]
                .randomElement(using: &rng)!
        }
        let a = size(), b = size()
        let tag = "seed \(seed): SQS=\(sqs) RQS=\(rqs) client sends \(a), server sends \(b)"
        let trace = try Build.run(["client: send \(a)", "server: send \(b)", "client: recv \(b)", "server: recv \(a)"],
                                  sqs: sqs, rqs: rqs, network: .auto, start: .established)
        if a > total && b > total {
            #expect(trace.outcome == .deadlock, "\(tag)")
            let d = try #require(trace.deadlock, "\(tag)")
            #expect(d.blocked.map(\.actor) == ["client", "server"], "\(tag)")
            #expect(d.blocked.map(\.remaining) == [a - total, b - total], "\(tag): each send is short by n - (SQS + RQS)")
            #expect(d.blocked.map(\.call) == [.send(a, nonBlocking: false), .send(b, nonBlocking: false)], "\(tag)")
            #expect(d.blocked.map(\.text) == ["send \(a)", "send \(b)"], "\(tag)")
        } else if a <= total && b <= total {
            #expect(trace.outcome == .completed, "\(tag)")
            #expect(trace.deadlock == nil, "\(tag)")
            #expect(trace.outcome(ofStep: 1)?.value == a && trace.outcome(ofStep: 2)?.value == b, "\(tag)")
        } else {
            // One end can always finish its send; the other then depends on the first's recv.
            #expect(trace.outcome(ofStep: a <= total ? 1 : 2)?.value == min(a, b), "\(tag): the smaller send completes")
        }
    }
}
