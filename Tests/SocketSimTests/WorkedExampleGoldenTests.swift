import Testing
@testable import SocketSim

/// One of the textbook's worked examples, run as a scenario.
struct WorkedExample: CustomTestStringConvertible, Sendable {
    var name: String
    var title: String
    var sqs: Int
    var rqs: Int
    var network: NetworkMode
    var lines: [String]
    var testDescription: String { name }

    func trace() throws -> Trace {
        var s = try Build.scenario(lines, sqs: sqs, rqs: rqs, network: network, start: .established)
        s.title = title
        return try Simulator.run(s)
    }

    /// The program of the textbook's figure: three sends of 1000, 2000 and 5000 bytes, then close.
    static let threeSendsProgram = ["client: send 1000", "client: send 2000", "client: send 5000", "client: close"]

    static let all: [WorkedExample] = [
        WorkedExample(name: "three-sends-8000", title: "three sends, queues that hold all 8000 bytes, manual network",
                      sqs: 8000, rqs: 8000, network: .manual,
                      lines: ["client: send 1000", "client: send 2000", "net: transfer 1500", "client: send 5000",
                              "server: recv 2000", "net: transfer 5000", "server: recv 4000", "net: transfer all",
                              "server: recv 4000"]),
        WorkedExample(name: "three-sends-500", title: "three sends with SQS = RQS = 500",
                      sqs: 500, rqs: 500, network: .auto,
                      lines: threeSendsProgram + Array(repeating: "server: recv 2000", count: 17) + ["server: close"]),
        WorkedExample(name: "three-sends-3000-2000", title: "three sends with SQS = 3000, RQS = 2000",
                      sqs: 3000, rqs: 2000, network: .auto,
                      lines: threeSendsProgram + Array(repeating: "server: recv 2500", count: 5) + ["server: close"]),
        WorkedExample(name: "three-sends-1000-6000", title: "three sends with SQS = 1000, RQS = 6000",
                      sqs: 1000, rqs: 6000, network: .auto,
                      lines: threeSendsProgram + ["server: recv 4000", "server: recv 4000", "server: recv 4000", "server: close"]),
        WorkedExample(name: "timing-a", title: "all three sends before the first recv",
                      sqs: 8000, rqs: 8000, network: .auto,
                      lines: ["client: send 1000", "client: send 2000", "client: send 5000", "server: recv 6000", "server: recv 6000"]),
        WorkedExample(name: "timing-b", title: "sends and recvs interleaved",
                      sqs: 8000, rqs: 8000, network: .auto,
                      lines: ["client: send 1000", "server: recv 6000", "client: send 2000", "server: recv 6000",
                              "client: send 5000", "server: recv 6000"]),
        WorkedExample(name: "deadlock-500-1001", title: "SQS = RQS = 500, both ends send 1001",
                      sqs: 500, rqs: 500, network: .auto,
                      lines: ["client: send 1001", "server: send 1001", "client: recv 1001", "server: recv 1001"]),
        WorkedExample(name: "no-deadlock-500-1000", title: "SQS = RQS = 500, both ends send exactly SQS + RQS",
                      sqs: 500, rqs: 500, network: .auto,
                      lines: ["client: send 1000", "server: send 1000", "client: recv 1000", "server: recv 1000"]),
        WorkedExample(name: "rule-one-manual", title: "send of SQS + 250 returns when 250 bytes reached RecvQ",
                      sqs: 500, rqs: 500, network: .manual,
                      lines: ["client: send 750", "net: transfer 249", "net: transfer 1"]),
        WorkedExample(name: "rule-two-auto", title: "send of SQS + RQS + 250 returns when the receiver took 250",
                      sqs: 500, rqs: 500, network: .auto,
                      lines: ["client: send 1250", "server: recv 249", "server: recv 1"]),
    ]
}

@Suite("The textbook's worked examples")
struct WorkedExampleGoldenTests {
    @Test("golden trace", arguments: WorkedExample.all)
    func golden(_ example: WorkedExample) throws {
        Golden.check(TraceRendering.render(try example.trace()), name: example.name)
    }

    private func runs(_ r: [ByteRun]) -> String { TraceRendering.runs(r, hosts: Scenario.defaultHosts) }

    @Test("three sends, queues of 8000: whose bytes are where")
    func threeSends8000() throws {
        let t = try WorkedExample.all[0].trace()
        #expect(t.outcome == .completed)
        #expect((1...4).allSatisfy { t.steps[$0 - 1].status == .returned }, "queues of 8000 never block these sends")
        // After step 3 TCP has moved 1500 bytes: all of send #1 and the first 500 of send #2.
        let server3 = try #require(t.steps[2].sockets.first { $0.host == "server" })
        #expect(runs(server3.recvq.runs) == "[client#1[0..<1000] client#2[0..<500]]")
        let client4 = try #require(t.steps[3].sockets.first { $0.host == "client" })
        #expect(runs(client4.sendq.runs) == "[client#2[500..<2000] client#3[0..<5000]]", "after the three sends")
        #expect(client4.sendq.count == 6500)
        // The first recv asks for 2000 but gets only what is in RecvQ.
        #expect(t.steps[4].result.value == 1500)
        #expect(runs(t.steps[4].result.runs) == "[client#1[0..<1000] client#2[0..<500]]")
        #expect(runs(t.steps[6].result.runs) == "[client#2[500..<2000] client#3[0..<2500]]")
        #expect(t.steps[8].result.value == 2500)
        #expect(runs(t.steps[8].result.runs) == "[client#3[2500..<5000]]")
        let end = try #require(t.steps.last?.sockets.first { $0.host == "server" })
        #expect(end.delivered == 8000)
        #expect(runs(end.deliveredRuns) == "[client#1[0..<1000] client#2[0..<2000] client#3[0..<5000]]")
    }

    @Test("three sends with SQS = RQS = 500: when each send returns")
    func threeSends500() throws {
        let t = try WorkedExample.all[1].trace()
        // 1000 = SQS + RQS fits at once; 2000 returns once the receiver took 3000 - 1000 = 2000 bytes
        // (four recvs of at most RQS = 500); 5000 once it took 8000 - 1000 = 7000 (fourteen recvs).
        #expect(t.returnStep(ofStep: 1) == 1)
        #expect(t.returnStep(ofStep: 2) == 8)
        #expect(t.returnStep(ofStep: 3) == 18)
        #expect(t.steps[3].deferred, "close waits behind the blocked send")
        #expect(t.returnStep(ofStep: 4) == 18)
        #expect((5...20).allSatisfy { t.outcome(ofStep: $0)?.value == 500 }, "every recv gets a full RecvQ")
        #expect(t.outcome(ofStep: 21)?.value == 0, "end of stream after 8000 bytes")
        #expect(t.outcome == .completed)
    }

    @Test("SQS = RQS = 500 and both ends send 1001: deadlock, one byte short each")
    func deadlock() throws {
        let t = try WorkedExample.all[6].trace()
        #expect(t.outcome == .deadlock)
        let d = try #require(t.deadlock)
        #expect(d.atStep == 2)
        #expect(d.blocked.map(\.actor) == ["client", "server"])
        #expect(d.blocked.map(\.remaining) == [1, 1])
        #expect(t.steps[2].deferred && t.steps[3].deferred, "the recvs never start")
        for h in t.steps[3].hosts { #expect((h.sendq, h.recvq, h.delivered) == (500, 500, 0)) }
    }

    @Test("both ends sending exactly SQS + RQS: no deadlock")
    func noDeadlock() throws {
        let t = try WorkedExample.all[7].trace()
        #expect(t.outcome == .completed)
        #expect(t.outcome(ofStep: 1)?.value == 1000 && t.outcome(ofStep: 2)?.value == 1000)
        #expect(t.outcome(ofStep: 3)?.value == 500 && t.outcome(ofStep: 4)?.value == 500)
    }
}
