import Testing
@testable import SocketSim

/// A bad (or boundary) call and the result a real program gets from it.
struct CallResultCase: CustomTestStringConvertible, Sendable {
    var name: String
    var network: NetworkMode
    var start: StartMode
    var lines: [String]
    /// Step (1-based) whose final result is checked, and the value or errno expected.
    var step: Int
    var expected: String
    var testDescription: String { name }

    init(_ name: String, network: NetworkMode = .auto, start: StartMode = .closed, _ lines: [String], expect expected: String) {
        self.name = name
        self.network = network
        self.start = start
        self.lines = lines
        self.step = lines.count
        self.expected = expected
    }

    static let all: [CallResultCase] = [
        CallResultCase("accept on a socket that is not listening", ["server: socket", "server: accept fd=3"], expect: "EINVAL"),
        CallResultCase("accept with no listening socket at all", ["server: accept"], expect: "EINVAL"),
        CallResultCase("accept on a descriptor that is not open", ["server: listen 80", "server: accept fd=9 nonblock"], expect: "EBADF"),
        CallResultCase("accept after the listener was closed", ["server: listen 80", "server: close", "server: accept fd=3"], expect: "EBADF"),
        CallResultCase("send after close", start: .established, ["client: close", "client: send 10"], expect: "EBADF"),
        CallResultCase("recv after close", start: .established, ["client: close", "client: recv 10"], expect: "EBADF"),
        CallResultCase("close twice", start: .established, ["client: close", "client: close"], expect: "EBADF"),
        CallResultCase("send after shutdown(SHUT_WR)", start: .established, ["client: shutdown SHUT_WR", "client: send 10"], expect: "EPIPE"),
        CallResultCase("recv after shutdown(SHUT_RD) is end of stream", start: .established,
                       ["server: send 10", "client: shutdown SHUT_RD", "client: recv 10"], expect: "0"),
        CallResultCase("connect to a port nobody listens on", ["client: connect server:80"], expect: "ECONNREFUSED"),
        CallResultCase("connect to a port nobody listens on, another port listening",
                       ["server: listen 81", "client: connect server:80"], expect: "ECONNREFUSED"),
        CallResultCase("connect to an address no host has", ["client: connect 10.9.9.9:80"], expect: "EHOSTUNREACH"),
        CallResultCase("connect on a connected socket", start: .established, ["client: connect server:80 fd=3"], expect: "EISCONN"),
        CallResultCase("connect on a listening socket", ["server: listen 80", "server: connect client:80 fd=3"], expect: "EISCONN"),
        CallResultCase("recv nonblock on an empty RecvQ", start: .established, ["server: recv 100 nonblock"], expect: "EWOULDBLOCK"),
        CallResultCase("recv nonblock returns what is there", start: .established,
                       ["client: send 50", "server: recv 100 nonblock"], expect: "50"),
        CallResultCase("send nonblock on a full SendQ", network: .manual, start: .established,
                       ["client: send {sqs}", "client: send 1 nonblock"], expect: "EWOULDBLOCK"),
        CallResultCase("send nonblock takes what fits", network: .manual, start: .established,
                       ["client: send {sqs - 10}", "client: send 100 nonblock"], expect: "10"),
        CallResultCase("accept nonblock with nothing completed", ["server: listen 80", "server: accept nonblock"], expect: "EWOULDBLOCK"),
        CallResultCase("bind to another host's address", ["client: socket", "client: bind 10.0.0.2:5000"], expect: "EADDRNOTAVAIL"),
        CallResultCase("bind to another host by name", ["client: socket", "client: bind server:5000"], expect: "EADDRNOTAVAIL"),
        CallResultCase("bind to a port another socket holds", ["server: listen 80", "server: socket", "server: bind *:80"], expect: "EADDRINUSE"),
        CallResultCase("bind to a port a listener holds, even with reuseaddr on both",
                       ["server: listen 80 reuseaddr", "server: socket", "server: bind *:80 reuseaddr"], expect: "EADDRINUSE"),
        CallResultCase("bind to a port on another address of the host", ["server: listen 10.0.0.2:80", "server: socket", "server: bind 10.0.0.2:81"], expect: "0"),
        CallResultCase("bind a socket twice", ["server: socket", "server: bind *:80", "server: bind *:81"], expect: "EINVAL"),
        CallResultCase("recv on a socket that was never connected", ["client: socket", "client: recv 10"], expect: "ENOTCONN"),
        CallResultCase("send on a socket that was never connected", ["client: socket", "client: send 10"], expect: "ENOTCONN"),
        CallResultCase("shutdown on a socket that was never connected", ["client: socket", "client: shutdown SHUT_WR"], expect: "ENOTCONN"),
        CallResultCase("listen on a connected socket", start: .established, ["client: listen fd=3"], expect: "EINVAL"),
        CallResultCase("send after the peer reset the connection", start: .established,
                       ["client: close", "server: send 10", "server: send 10"], expect: "EPIPE"),
        CallResultCase("blocking send after the other end timed out in FIN_WAIT_2: its host answers RST", start: .established,
                       ["client: close", "time: +{finWait2Timeout}ms", "server: send {sqs + rqs + 1}"], expect: "EPIPE"),
    ]
}

@Suite("Socket calls and the connection life cycle")
struct SocketLifecycleTests {
    @Test("errors are results, with the errno a program gets", arguments: CallResultCase.all)
    func callResult(_ c: CallResultCase) throws {
        let trace = try Build.run(c.lines, network: c.network, start: c.start)
        let result = try #require(trace.outcome(ofStep: c.step), "\(c.name): the call never returned")
        #expect(result.summary == c.expected, "\(c.name)")
        #expect(trace.steps[c.step - 1].status == (result.error == nil ? .returned : .error))
    }

    // MARK: - Half-close

    @Test("half-close: data keeps flowing the other way after shutdown(SHUT_WR); the reader sees end of stream")
    func halfClose() throws {
        let t = try Build.run(["server: send 300", "server: shutdown SHUT_WR", "client: recv 500", "client: recv 500",
                               "client: send 12", "server: recv 100", "client: send 20", "server: recv 100",
                               "server: send 1", "client: close", "server: recv 100", "server: close"],
                              network: .auto, start: .established)
        #expect(t.host("server", afterStep: 2).state == .finWait2)
        #expect(t.host("client", afterStep: 2).state == .closeWait)
        #expect(t.outcome(ofStep: 3)?.value == 300)
        #expect(t.outcome(ofStep: 4)?.value == 0, "end of stream")
        #expect(t.outcome(ofStep: 5)?.value == 12)
        #expect(t.outcome(ofStep: 6)?.value == 12, "the half-closed server still receives")
        #expect(t.outcome(ofStep: 8)?.value == 20)
        #expect(t.outcome(ofStep: 9)?.error == .EPIPE, "but cannot send")
        #expect(t.host("server", afterStep: 9).state == .finWait2)
        #expect(t.outcome(ofStep: 11)?.value == 0)
        #expect(t.statePaths(host: "server") == [[.established, .finWait1, .finWait2, .timeWait]])
        #expect(t.statePaths(host: "client") == [[.established, .closeWait, .lastAck, .closed]])
    }

    @Test("shutdown(SHUT_WR) with bytes still in SendQ: FIN follows the last byte")
    func halfCloseWaitsForSendQ() throws {
        let t = try Build.run(["server: send 300", "server: shutdown SHUT_WR", "net: deliver all", "net: transfer all",
                               "net: deliver", "client: recv 500", "client: recv 500"], network: .manual, start: .established)
        #expect(t.host("server", afterStep: 2).state == .finWait1)
        #expect(t.steps[1].segments.isEmpty, "no FIN while SendQ holds bytes")
        #expect(t.host("client", afterStep: 3).state == .established, "nothing was in flight")
        #expect(t.steps[3].segments.contains { $0.kind == .sent && $0.segment.flags.contains(.fin) }, "FIN once SendQ drained")
        #expect(t.host("client", afterStep: 5).state == .closeWait)
        #expect(t.outcome(ofStep: 6)?.value == 300)
        #expect(t.outcome(ofStep: 7)?.value == 0)
    }

    // MARK: - TIME_WAIT

    @Test("the last ACK is lost: FIN again, TIME_WAIT re-ACKs and restarts its 2MSL timer")
    func timeWaitRestart() throws {
        let lines = ["client: close", "net: deliver", "net: deliver", "server: close", "net: deliver", "net: drop",
                     "time: +{rto}ms", "net: deliver", "net: deliver", "time: +{2 * msl - rto}ms", "time: +{rto - 1}ms",
                     "time: +1ms"]
        let scenario = try Build.scenario(lines, network: .manual, start: .established)
        let p = scenario.parameters
        let t = try Simulator.run(scenario)
        #expect(t.host("client", afterStep: 5).state == .timeWait)
        #expect(t.steps[5].segments.map(\.kind) == [.dropped])
        #expect(t.steps[5].segments.first?.segment.flags == .ack, "the dropped segment is the last ACK")
        #expect(t.steps[6].segments.contains { $0.kind == .retransmitted && $0.segment.flags.contains(.fin) }, "the server's FIN again")
        let reAck = t.steps[7].segments.filter { $0.kind == .sent }
        #expect(reAck.map(\.segment.flags) == [.ack], "TIME_WAIT acknowledges again")
        #expect(t.host("server", afterStep: 9).state == .closed)
        // Entered TIME_WAIT at 0, restarted at rto: the 2MSL of the first entry passes at step 10.
        #expect(t.steps[9].time == 2 * p.msl)
        #expect(t.host("client", afterStep: 10).state == .timeWait)
        #expect(t.host("client", afterStep: 11).state == .timeWait, "one millisecond before the restarted timer")
        let closing = try #require(t.transitions.first { $0.host == "client" && $0.to == .closed })
        #expect(closing.from == .timeWait && closing.cause == .timeout2MSL)
        #expect(closing.time == p.rto + 2 * p.msl)
        #expect(t.steps[11].transitions.contains(closing))
    }

    @Test("TIME_WAIT lasts exactly 2MSL")
    func timeWaitDuration() throws {
        let t = try Build.run(["client: close", "server: close", "time: +{2 * msl - 1}ms", "time: +1ms"],
                              network: .auto, start: .established)
        #expect(t.host("client", afterStep: 2).state == .timeWait)
        #expect(t.host("client", afterStep: 3).state == .timeWait)
        #expect(t.host("client", afterStep: 4).state == .closed)
    }

    // MARK: - Server restart

    private static let serverClosesFirst = ["server: listen 80{reuse}", "client: connect server:80", "server: accept",
                                            "server: close", "server: close fd=3", "client: close"]

    @Test("the server closes first, then cannot listen on its port again", arguments: [false, true])
    func serverRestart(reuseOnBoth: Bool) throws {
        let reuse = reuseOnBoth ? " reuseaddr" : ""
        let lines = Self.serverClosesFirst.map { $0.replacingOccurrences(of: "{reuse}", with: reuse) }
            + ["server: listen 80\(reuse)", "client: connect server:80", "server: accept"]
        let t = try Build.run(lines)
        #expect(t.statePaths(host: "server")[1] == [.listen, .synReceived, .established, .finWait1, .finWait2, .timeWait])
        #expect(t.host("server", afterStep: 6).state == .timeWait, "the side that closed first waits")
        #expect(t.statePaths(host: "client").first == [.closed, .synSent, .established, .closeWait, .lastAck, .closed])
        if reuseOnBoth {
            #expect(t.outcome(ofStep: 7)?.value == 0, "SO_REUSEADDR on both listeners: the port is free to listen on")
            #expect(t.outcome(ofStep: 8)?.value == 0)
            #expect(t.outcome(ofStep: 9)?.error == nil)
        } else {
            #expect(t.outcome(ofStep: 7)?.error == .EADDRINUSE, "the TIME_WAIT socket holds port 80")
            #expect(t.outcome(ofStep: 8)?.error == .ECONNREFUSED)
        }
    }

    @Test("SO_REUSEADDR only on the new socket is not enough (Linux needs it on both)")
    func reuseOnlyOnNewSocket() throws {
        let lines = Self.serverClosesFirst.map { $0.replacingOccurrences(of: "{reuse}", with: "") }
            + ["server: listen 80 reuseaddr"]
        let t = try Build.run(lines)
        #expect(t.outcome(ofStep: 7)?.error == .EADDRINUSE)
    }

    @Test("after 2MSL the port is free again")
    func restartAfterTwoMSL() throws {
        let lines = Self.serverClosesFirst.map { $0.replacingOccurrences(of: "{reuse}", with: "") }
            + ["server: listen 80", "time: +{2 * msl}ms", "server: listen 80"]
        let t = try Build.run(lines)
        #expect(t.outcome(ofStep: 7)?.error == .EADDRINUSE)
        #expect(t.outcome(ofStep: 9)?.value == 0)
    }

    // MARK: - Addresses

    @Test("ephemeral ports come from the configured range, in order, until it runs out")
    func ephemeralPorts() throws {
        let lines = ["server: listen 80", "client: connect server:80", "client: connect server:80", "client: connect server:80"]
        let t = try Build.run(lines) {
            $0.ephemeralFirst = 40_000
            $0.ephemeralLast = 40_001
        }
        let ports = t.steps.last!.sockets(host: "client").compactMap(\.local?.port)
        #expect(ports == [40_000, 40_001])
        #expect(t.outcome(ofStep: 4)?.error == .EADDRNOTAVAIL, "no port left in the range")
        #expect(t == (try Build.run(lines) { $0.ephemeralFirst = 40_000; $0.ephemeralLast = 40_001 }))
    }

    @Test("a connecting socket takes the address of the interface that reaches the peer")
    func localAddressFollowsRoute() throws {
        let hosts = [HostConfig(name: "client", addresses: ["192.168.7.5", "10.0.0.1"]),
                     HostConfig(name: "server", addresses: ["10.0.0.2", "192.168.7.9"])]
        let t = try Build.run(["server: listen 80", "client: connect 10.0.0.2:80", "client: connect 192.168.7.9:80",
                               "server: accept", "server: accept"], hosts: hosts)
        let client = t.steps.last!.sockets(host: "client")
        #expect(client.map { $0.local?.address } == ["10.0.0.1", "192.168.7.5"])
        #expect(client.map { $0.remote?.description } == ["10.0.0.2:80", "192.168.7.9:80"])
        // INADDR_ANY: one listener takes connections on both addresses; each new socket has the
        // address the SYN was sent to.
        let accepted = t.steps.last!.sockets(host: "server").filter { $0.fd != nil && !$0.isListening }
        #expect(accepted.map { $0.local?.description } == ["10.0.0.2:80", "192.168.7.9:80"])
        #expect(accepted.map { $0.remote } == client.map(\.local))
    }

    @Test("one new socket per SYN, with the listener's port and the segment's addresses; the listener never changes")
    func listenerAndNewSockets() throws {
        let t = try Build.run(["server: listen 80", "client: connect server:80 nonblock", "net: deliver", "net: deliver",
                               "net: deliver", "server: accept", "client: connect server:80 nonblock", "net: deliver all",
                               "server: accept"], network: .manual)
        let listener = try #require(t.steps[0].sockets.first { $0.isListening })
        #expect(listener.local == Endpoint("*", 80))
        for step in t.steps {
            let l = try #require(step.socket(id: listener.id))
            #expect(l.state == .listen, "step \(step.index): the listener stays in LISTEN")
            #expect(l.remote == nil)
        }
        #expect(t.transitions.filter { $0.socket == listener.id }.map(\.to) == [.listen])
        // The SYN arrived: a new structure in SYN_RCVD on the incomplete list.
        let syn = try #require(t.steps[2].segments.first { $0.kind == .delivered }?.segment)
        #expect(syn.flags == .syn)
        let l3 = try #require(t.steps[2].socket(id: listener.id))
        let childID = try #require(l3.incomplete.first)
        let child = try #require(t.steps[2].socket(id: childID))
        #expect(l3.completed.isEmpty)
        #expect(child.state == .synReceived && child.fd == nil)
        #expect(child.local == syn.destination && child.remote == syn.source)
        #expect(child.local?.port == 80)
        // The third message completes it; accept gives it a descriptor.
        let l5 = try #require(t.steps[4].socket(id: listener.id))
        #expect(l5.incomplete.isEmpty && l5.completed == [child.id])
        #expect(t.steps[4].socket(id: child.id)?.state == .established)
        let l6 = try #require(t.steps[5].socket(id: listener.id))
        #expect(l6.completed.isEmpty)
        #expect(t.steps[5].result.value == 4)
        #expect(t.steps[5].socket(id: child.id)?.fd == 4)
        // A second connection: a second new socket, another descriptor.
        #expect(t.steps[8].result.value == 5)
        let servers = t.steps[8].sockets(host: "server").filter { !$0.isListening }
        #expect(servers.count == 2)
        #expect(Set(servers.map(\.remote)).count == 2)
    }

    @Test("a blocked accept returns when a connection completes")
    func blockedAccept() throws {
        let t = try Build.run(["server: listen 80", "server: accept", "client: connect server:80", "server: recv 10",
                               "client: send 5"])
        #expect(t.steps[1].status == .blocked)
        #expect(t.returnStep(ofStep: 2) == 3)
        #expect(t.outcome(ofStep: 2)?.value == 4)
        #expect(t.steps[3].deferred == false && t.steps[3].status == .blocked)
        #expect(t.returnStep(ofStep: 4) == 5)
        #expect(t.outcome(ofStep: 4)?.value == 5)
    }

    @Test("backlog: SYNs beyond it are ignored, then retried")
    func backlog() throws {
        let t = try Build.run(["server: listen 80 backlog=1", "client: connect server:80 nonblock",
                               "client: connect server:80 nonblock", "net: deliver all"], network: .manual)
        let l = try #require(t.steps.last?.sockets(host: "server").first { $0.isListening })
        #expect(l.incomplete.count + l.completed.count == 1)
        #expect(t.steps[3].segments.contains { $0.note?.contains("listen queue full") == true })
    }

    // MARK: - Regressions found by the property tests

    @Test("bytes sent to a closed socket are lost, not transmitted")
    func dataToClosedSocketAccounting() throws {
        let scenario = try Build.scenario(["client: close", "server: send 100"], start: .established)
        var sim = Simulator(scenario: scenario)
        for (i, step) in scenario.steps.enumerated() { _ = sim.perform(step, index: i + 1) }
        let server = sim.accounting(socket: 1), client = sim.accounting(socket: 0)
        #expect((server.accepted, server.transmitted, server.lost, server.sendq) == (100, 0, 100, 0))
        #expect(client.arrived == 0)
    }

    @Test("a FIN that arrives while our FIN waits behind data: CLOSING still sends the data, then its FIN")
    func closingSendsQueuedData() throws {
        let t = try Build.run(["server: send 100", "client: shutdown SHUT_WR", "server: close", "net: deliver all",
                               "net: transfer all", "net: deliver all", "client: recv 1000", "client: recv 1000"],
                              network: .manual, start: .established)
        #expect(t.host("server", afterStep: 4).state == .closing)
        #expect(t.outcome(ofStep: 7)?.value == 100)
        #expect(t.outcome(ofStep: 8)?.value == 0)
        #expect(t.statePaths(host: "server") == [[.established, .finWait1, .closing, .timeWait]])
        #expect(t.statePaths(host: "client") == [[.established, .finWait1, .finWait2, .timeWait]])
    }

    @Test("data never lands in a SYN_SENT socket that reuses an old connection's addresses and ports")
    func noDataIntoSynSent() throws {
        let t = try Build.run(["server: send 100", "client: connect server:81 nonblock", "client: close fd=3",
                               "net: transfer all", "client: connect server:80 nonblock", "server: send 10", "net: transfer all"],
                              network: .manual, start: .established) {
            $0.ephemeralLast = $0.ephemeralFirst + 1
        }
        let reused = try #require(t.steps[4].sockets(host: "client").last)
        #expect(reused.state == .synSent)
        #expect(reused.local?.port == t.parameters.ephemeralFirst, "the range wrapped around to the freed port")
        let after = try #require(t.steps[6].socket(id: reused.id))
        #expect(after.recvq.count == 0 && after.state == .synSent)
        #expect(t.steps[6].segments.contains { $0.kind == .sent && $0.segment.flags == .rst }, "the unacceptable ACK gets RST")
    }
}
