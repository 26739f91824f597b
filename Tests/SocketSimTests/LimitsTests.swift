@testable import SocketSim
import Testing

/// Numbers outside their documented range are refused with a message naming the range; the
/// expression evaluator's arithmetic cannot overflow; nesting is bounded; a run has a work budget;
/// and snapshots share what did not change.
@Suite("limits: ranges, overflow, nesting, the work budget, shared snapshots")
struct LimitsTests {
    static let hosts = ["client", "server"]

    static func parse(_ actor: String, _ text: String) -> Result<Step, StepParser.Failure> {
        Result { () throws(StepParser.Failure) in try StepParser.parse(actor: actor, text: text, hosts: hosts, variables: [:]) }
    }

    @Test("a step's number outside its range is refused with the range", arguments: [
        ("client", "send 1099511627777", "send 1099511627777 is absurdly large (at most 1099511627776 bytes)"),
        ("client", "send 99999999999999999999", "send 99999999999999999999 is absurdly large (at most 1099511627776 bytes)"),
        ("client", "recv -1", "recv needs a byte count of 0 or more, got -1"),
        ("net", "transfer 1099511627777", "transfer N must be a byte count from 0 to 1099511627776, got 1099511627777"),
        ("net", "transfer 99999999999999999999", "transfer N must be a byte count from 0 to 1099511627776, got a number too large to hold"),
        ("net", "deliver 4194305", "deliver N must be a segment count from 1 to 4194304, got 4194305"),
        ("net", "deliver 99999999999999999999", "deliver N must be a segment count from 1 to 4194304, got a number too large to hold"),
        ("net", "drop 4194305", "drop N must be a segment count from 1 to 4194304, got 4194305"),
        ("time", "+8761h", "time step '+8761h' is more than a year (at most +525600min)"),
        ("time", "+9999999999999999999h", "time step '+9999999999999999999h' is more than a year (at most +525600min)"),
        ("time", "+99999999999999999999", "time step '+99999999999999999999' is more than a year (at most +525600min)"),
        ("time", "-5s", "expected a time step such as '+30s', '+500ms' or '+2min', got '-5s'"),
        ("client", "send 1 fd=65536", "fd=N must be a descriptor number from 0 to 65535, got 65536"),
        ("client", "close fd=99999999999999999999", "fd=N must be a descriptor number from 0 to 65535, got a number too large to hold"),
        ("server", "listen 65536", "expected a port number from 0 to 65535 after 'listen', got '65536'"),
        ("client", "connect server:99999999999999999999", "expected a port number from 0 to 65535 in 'server:99999999999999999999'"),
        ("server", "listen backlog=65536", "backlog=N needs a number from 0 to 65535, got 'backlog=65536'"),
    ])
    func refusedStepNumbers(actor: String, text: String, message: String) {
        switch Self.parse(actor, text) {
        case .success(let step): Issue.record("'\(actor): \(text)' was read as \(step)")
        case .failure(let f): #expect(f.message == message)
        }
    }

    @Test("the largest number in each range is accepted", arguments: [
        ("client", "send 1099511627776"), ("net", "transfer 1099511627776"), ("net", "deliver 4194304"),
        ("net", "drop 4194304"), ("time", "+525600min"), ("time", "+31536000000"), ("client", "close fd=65535"),
        ("server", "listen 65535 backlog=65535"),
    ])
    func largestAccepted(actor: String, text: String) throws {
        _ = try Self.parse(actor, text).get()
    }

    static func evaluate(_ text: String, _ variables: [String: Int] = [:]) -> String {
        do throws(Arithmetic.Failure) { return "= \(try Arithmetic.evaluate(text, variables: variables))" } catch { return "! \(error.message)" }
    }

    @Test("expression arithmetic reports overflow instead of trapping", arguments: [
        ("-9223372036854775807 - 1", "= -9223372036854775808"),
        ("-(-9223372036854775807 - 1)", "! number too large in expression"),
        ("(-9223372036854775807 - 1) / -1", "! number too large in expression"),
        ("(-9223372036854775807 - 1) % -1", "! number too large in expression"),
        ("m / -1", "! number too large in expression"),
        ("m % -1", "! number too large in expression"),
        ("-m", "! number too large in expression"),
        ("m - 1", "! number too large in expression"),
        ("9223372036854775807 + 1", "! number too large in expression"),
        ("9223372036854775807 * 2", "! number too large in expression"),
        ("min(9223372036854775807 * 2, 1)", "! number too large in expression"),
        ("7 / 0", "! division by zero in expression"),
        ("7 % 0", "! division by zero in expression"),
        ("m % 0", "! division by zero in expression"),
        ("-7 / 2", "= -3"),
        ("-7 % 2", "= -1"),
        ("9223372036854775808", "! number too large: 9223372036854775808"),
    ])
    func overflow(text: String, expected: String) {
        #expect(Self.evaluate(text, ["m": Int.min]) == expected)
    }

    static let tooDeep = "! expression nested too deeply (more than \(Limits.maxExpressionDepth) levels of parentheses, signs and operators)"

    /// Deeply nested texts, by name (the texts themselves are too long to print).
    static let deep: [String: String] = [
        "100,000 parentheses": String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
        "100,000 minus signs": String(repeating: "-", count: 100_000) + "1",
        "100,000 additions": "1" + String(repeating: " + 1", count: 100_000),
        "100,000 multiplications": "1" + String(repeating: " * 1", count: 100_000),
        "100,000 nested min(": String(repeating: "min(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
        "100,000 open parentheses": String(repeating: "(", count: 100_000),
    ]

    @Test("deep nesting is an error, not a stack overflow", arguments: deep.keys.sorted())
    func deepNesting(name: String) {
        let text = Self.deep[name]!
        #expect(Self.evaluate(text) == Self.tooDeep)
        // The template and the compiled form (hashed, compared, released) are as safe.
        let t = Arithmetic.Template("send {\(text)}")
        #expect(t == Arithmetic.Template("send {\(text)}"))
        #expect(throws: Arithmetic.Failure.self) { try t.substitute(variables: [:]) }
    }

    @Test("nesting up to the limit is fine")
    func nestingAtTheLimit() {
        let depth = Limits.maxExpressionDepth - 1
        #expect(Self.evaluate(String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)) == "= 1")
        #expect(Self.evaluate("1" + String(repeating: " + 1", count: Limits.maxExpressionDepth)) == "= \(Limits.maxExpressionDepth + 1)")
        #expect(Self.evaluate("1" + String(repeating: " + 1", count: Limits.maxExpressionDepth + 1)) == Self.tooDeep)
    }

    // MARK: - The work budget

    static func scenario(_ lines: [String], _ configure: (inout Parameters) -> Void = { _ in }) throws -> Scenario {
        var p = Parameters()
        configure(&p)
        let steps = try lines.map { line -> Step in
            let colon = line.firstIndex(of: ":")!
            return try StepParser.parse(actor: String(line[..<colon]), text: String(line[line.index(after: colon)...]),
                                        hosts: hosts, variables: [:])
        }
        return Scenario(parameters: p, start: Scenario.stepsBuildConnections(steps) ? .closed : .established, steps: steps)
    }

    static func budget(steps: Int = 1000, segments: Int = 1 << 20, timerFirings: Int = 1 << 20, snapshotEntries: Int = 1 << 22,
                       rounds: Int = 1 << 22) -> WorkBudget {
        WorkBudget(steps: steps, segments: segments, timerFirings: timerFirings, snapshotEntries: snapshotEntries, rounds: rounds)
    }

    static func exceeded(_ s: Scenario, _ b: WorkBudget) -> WorkBudget.Exceeded? {
        do throws(WorkBudget.Exceeded) { _ = try Simulator.run(s, budget: b); return nil } catch { return error }
    }

    @Test("each limit of the work budget stops the run at the step that went over")
    func budgetLimits() throws {
        let three = try Self.scenario(["client:send 1", "server:recv 1", "client:send 1"])
        #expect(Self.exceeded(three, Self.budget(steps: 2)) == WorkBudget.Exceeded(limit: .steps, allowed: 2, step: 3))
        #expect(Self.exceeded(three, Self.budget(steps: 3)) == nil)

        // 100 KB in 1-byte segments: 100,000 data segments in the first step.
        let tiny = try Self.scenario(["client:send 100000", "server:recv 100000"]) { $0.mss = 1; $0.sqs = 200_000; $0.rqs = 200_000 }
        #expect(Self.exceeded(tiny, Self.budget(segments: 5_000)) == WorkBudget.Exceeded(limit: .segments, allowed: 5_000, step: 1))

        // A SYN that is never answered, retransmitted 30 times over a year.
        let unanswered = try Self.scenario(["client:connect server:80 nonblock", "net:drop", "time:+525600min"]) {
            $0.network = .manual; $0.maxRetransmissions = 30; $0.rto = 1
        }
        #expect(Self.exceeded(unanswered, Self.budget(timerFirings: 10)) == WorkBudget.Exceeded(limit: .timerFirings, allowed: 10, step: 3))
        #expect(Self.exceeded(unanswered, Self.budget()) == nil)

        // 300 sockets: step k shows k + 2 socket entries.
        let many = try Self.scenario(Array(repeating: "server:socket", count: 300))
        #expect(Self.exceeded(many, Self.budget(snapshotEntries: 10_000))?.limit == .snapshotEntries)
        #expect(Self.exceeded(many, Self.budget(snapshotEntries: 50_000)) == nil)

        let rounds = try Self.scenario(["client:send 100000", "server:recv 100000"]) { $0.sqs = 1_000; $0.rqs = 1_000 }
        #expect(Self.exceeded(rounds, Self.budget(rounds: 3))?.limit == .rounds)
    }

    @Test("the standard budget's message says what ran out and where")
    func exceededMessage() {
        let e = WorkBudget.Exceeded(limit: .segments, allowed: 4_194_304, step: 17)
        #expect(e.description == "scenario too large: more than 4194304 segments (reached during step 17)")
    }

    // MARK: - Shared snapshots

    /// Storage slots all the steps' socket lists hold together (shared storage counted once).
    static func retained(_ trace: Trace) -> Int {
        var seen = Set<ObjectIdentifier>()
        var tails = Set<UnsafeRawPointer>()
        return trace.steps.reduce(0) { $0 + $1.sockets.newStorage(&seen, tails: &tails) }
    }

    @Test("n socket steps retain storage linear in n, not n²/2 socket copies")
    func socketStepsShare() throws {
        var sizes: [Int: Int] = [:]
        for n in [500, 1_000, 2_000] {
            let trace = try Simulator.run(try Self.scenario(Array(repeating: "server:socket", count: n)))
            #expect(trace.steps.last?.sockets.count == n)
            sizes[n] = Self.retained(trace)
            // A copy per socket per step would be n(n+1)/2 snapshots.
            #expect(sizes[n]! < 40 * n, "\(n) steps retain \(sizes[n]!) slots")
        }
        // Doubling the steps about doubles what is retained (a copy per step would quadruple it).
        #expect(Double(sizes[2_000]!) / Double(sizes[1_000]!) < 2.6)
        #expect(Double(sizes[1_000]!) / Double(sizes[500]!) < 2.6)
    }

    @Test("alternating send 1 / recv 1 retains storage linear in the steps")
    func deliveredRunsShare() throws {
        var sizes: [Int: Int] = [:]
        for n in [500, 1_000, 2_000] {
            let lines = (0..<n).flatMap { _ in ["client:send 1", "server:recv 1"] }
            let trace = try Simulator.run(try Self.scenario(lines))
            #expect(trace.steps.last?.sockets.first { $0.host == "server" }?.deliveredRuns.count == n)
            sizes[n] = Self.retained(trace)
            #expect(sizes[n]! < 80 * n, "\(n) pairs retain \(sizes[n]!) slots")
        }
        #expect(Double(sizes[2_000]!) / Double(sizes[1_000]!) < 2.6)
    }

    @Test("many queued sends retain storage linear in the steps")
    func queuedRunsShare() throws {
        let n = 2_000
        let trace = try Simulator.run(try Self.scenario(Array(repeating: "client:send 1", count: n)) { $0.sqs = 10_000; $0.rqs = 10_000 })
        #expect(trace.steps.last?.sockets.first { $0.host == "server" }?.recvq.runs.count == n)
        #expect(Self.retained(trace) < 80 * n)
    }

    @Test("RunList and SocketList read like the arrays they replace", arguments: 0..<40)
    func persistentCollectionsMatchArrays(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        var list = RunList()
        var model: [ByteRun] = []
        var snapshots: [(RunList, [ByteRun])] = []
        for _ in 0..<300 {
            if rng.next() % 3 != 0 {
                let origin = Origin(host: 0, send: Int(rng.next() % 4))
                let start = model.last.map { $0.origin == origin ? $0.end : Int(rng.next() % 50) } ?? 0
                let run = ByteRun(origin: origin, start: start, count: Int(rng.next() % 5) + 1)
                list.append(run)
                if let l = model.last, l.origin == run.origin, l.end == run.start { model[model.count - 1].count += run.count }
                else { model.append(run) }
            } else {
                var n = Int(rng.next() % 12)
                let got = list.removeFirst(bytes: n)
                var expected: [ByteRun] = []
                while n > 0, !model.isEmpty {
                    if model[0].count <= n { n -= model[0].count; expected.append(model.removeFirst()) }
                    else { expected.append(ByteRun(origin: model[0].origin, start: model[0].start, count: n)); model[0].start += n; model[0].count -= n; n = 0 }
                }
                #expect(got == expected)
            }
            #expect(Array(list) == model)
            #expect(list.count == model.count && (0..<model.count).allSatisfy { list[$0] == model[$0] })
            snapshots.append((list, model))
        }
        // Every earlier copy still reads as it did.
        for (l, m) in snapshots { #expect(Array(l) == m) }
    }

    // MARK: - Random in-range scenarios

    @Test("random scenarios with numbers anywhere in their ranges never trap: a trace or a budget error", arguments: 0..<12)
    func randomInRangeNeverTraps(batch: Int) throws {
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(batch))
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        func bytes() -> Int { pick([0, 1, 2, 535, 536, 65_536, Limits.maxBytes - 1, Limits.maxBytes, Int(rng.next() % 5_000)]) }
        func port() -> Int { pick([0, 1, 80, 49_152, 65_535]) }
        let budget = Self.budget(steps: 100, segments: 20_000, timerFirings: 2_000, snapshotEntries: 100_000, rounds: 100_000)
        for _ in 0..<20 {
            var p = Parameters()
            p.sqs = pick([1, 2, 500, 65_536, Limits.maxBytes])
            p.rqs = pick([1, 2, 500, 65_536, Limits.maxBytes])
            p.mss = pick([1, 536, 65_535])
            p.msl = pick([0, 1, 30_000, 86_400_000])
            p.rto = pick([1, 1_000, 3_600_000])
            p.maxRetransmissions = pick([0, 5, 30])
            p.finWait2Timeout = pick([0, 60_000, 86_400_000])
            p.backlog = pick([0, 1, 65_535])
            (p.ephemeralFirst, p.ephemeralLast) = pick([(1, 65_535), (65_535, 65_535), (49_152, 49_153)])
            p.network = pick([.auto, .manual])
            var lines: [String] = []
            for _ in 0..<Int(rng.next() % 30) {
                let host = pick(Self.hosts)
                let nb = pick(["", " nonblock"])
                lines.append(pick([
                    "\(host):send \(bytes())\(nb)", "\(host):recv \(bytes())\(nb)", "\(host):socket", "\(host):bind *:\(port())",
                    "\(host):listen", "\(host):listen \(port()) backlog=\(pick([0, 65_535]))", "\(host):connect \(pick(Self.hosts)):\(port())\(nb)",
                    "\(host):accept\(nb)", "\(host):shutdown \(pick(["SHUT_RD", "SHUT_WR", "SHUT_RDWR"]))", "\(host):close",
                    "\(host):close fd=\(pick([0, 3, 4, 65_535]))", "net:transfer \(pick(["all", String(bytes())]))",
                    "net:deliver \(pick(["all", "1", "4194304"]))", "net:drop \(pick([1, 4_194_304]))",
                    "time:+\(pick(["0", "1ms", "30s", "525600min", "31536000000"]))",
                ]))
            }
            var scenario = try Self.scenario(lines) { $0 = p }
            scenario.start = pick([.established, .closed])
            do throws(WorkBudget.Exceeded) {
                let trace = try Simulator.run(scenario, budget: budget)
                #expect(trace.steps.count == scenario.steps.count)
                // The clock is exactly the sum of the time steps so far: timers never move it on.
                var clock = 0
                for (step, record) in zip(scenario.steps, trace.steps) {
                    if case .advance(let ms) = step.action { clock += ms }
                    #expect(record.time == clock, "\(lines)")
                }
            } catch {
                #expect(error.step >= 1 && error.step <= scenario.steps.count, "\(error) for \(lines)")
            }
        }
    }
}
