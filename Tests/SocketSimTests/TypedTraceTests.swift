import Testing
@testable import SocketSim

/// A trace carries each call parsed (what consumers switch over) beside the text it was written as
/// (what they show), so nothing downstream re-reads the text.
@Suite struct TypedTraceTests {
    @Test("a host blocked in recv: the snapshot, the step and the later completion all hold the parsed recv")
    func blockedRecvIsTyped() throws {
        let trace = try Build.run(["server: recv {rqs - 200}", "client: send 40"], rqs: 500, start: .established)
        let recv = SocketCall.recv(300, nonBlocking: false)
        let first = trace.steps[0]
        #expect(first.status == .blocked)
        #expect(first.action == .call(recv, fd: nil))
        #expect(first.action.socketCall?.kind == .recv)
        // The text is the step after `{expr}` substitution, as `simulate --format json` prints it.
        #expect(first.text == "recv 300")
        let server = try #require(first.hosts.first { $0.name == "server" })
        #expect(server.blockedIn == WrittenCall(recv, text: "recv 300"))
        #expect(first.hosts.first { $0.name == "client" }?.blockedIn == nil)

        let second = trace.steps[1]
        #expect(second.action.socketCall == .send(40, nonBlocking: false))
        let done = try #require(second.completed.first)
        #expect(done.index == 1 && done.actor == "server")
        #expect(done.call == recv && done.text == "recv 300")
        #expect(done.result.value == 40)
        #expect(second.hosts.allSatisfy { $0.blockedIn == nil })
    }

    @Test("a blocked accept and connect: snapshots and completions name the call, not its text")
    func blockedAcceptIsTyped() throws {
        let trace = try Build.run(["server: listen 80", "server: accept", "client: connect server:80"], network: .manual)
        let accept = trace.steps[1]
        #expect(accept.status == .blocked)
        #expect(trace.steps[1].hosts.first { $0.name == "server" }?.blockedIn?.call == .accept(nonBlocking: false))
        let connect = trace.steps[2]
        #expect(connect.status == .blocked)
        #expect(connect.hosts.first { $0.name == "client" }?.blockedIn?.call.kind == .connect)
        #expect(connect.hosts.first { $0.name == "client" }?.blockedIn?.text == "connect server:80")
        #expect(trace.outcome == .deadlock)
        #expect(trace.deadlock?.blocked.map(\.call.kind) == [.connect, .accept])
        #expect(trace.deadlock?.blocked.map(\.text) == ["connect server:80", "accept"])
    }

    @Test("network and time steps carry their parsed action and no socket call")
    func networkAndTimeSteps() throws {
        let trace = try Build.run(["client: send 100", "net: transfer 60 client", "net: deliver all", "time: +30s"],
                                  network: .manual, start: .established)
        #expect(trace.steps.map(\.action.socketCall) == [.send(100, nonBlocking: false), nil, nil, nil])
        #expect(trace.steps[1].action == .network(.transfer(limit: 60, from: "client")))
        #expect(trace.steps[2].action == .network(.deliver(count: nil)))
        #expect(trace.steps[3].action == .advance(milliseconds: 30_000))
        #expect(trace.steps.map(\.text) == ["send 100", "transfer 60 client", "deliver all", "+30s"])
    }

    /// Every spelling of every call, with the kind it is.
    static let spellings: [(text: String, kind: SocketCall.Kind)] = [
        ("socket", .socket), ("bind *:80 reuseaddr", .bind), ("listen", .listen), ("listen 80", .listen),
        ("listen *:80 backlog=3", .listen), ("connect server:80 nonblock", .connect), ("accept nonblock", .accept),
        ("send 5", .send), ("RECV nonblock 7", .recv), ("shutdown SHUT_WR", .shutdown), ("close fd=3", .close),
    ]

    @Test("every call's kind is its verb, whatever its form, case or flags", arguments: spellings)
    func kinds(_ text: String, _ kind: SocketCall.Kind) throws {
        let step = try Build.step("client: \(text)")
        let call = try #require(step.action.socketCall)
        #expect(call.kind == kind)
        #expect(text.lowercased().hasPrefix(kind.rawValue + (text.contains(" ") ? " " : "")))
        #expect(step.text == text)
    }

    @Test("the spellings above cover every kind of call")
    func spellingsCoverEveryKind() {
        #expect(Set(Self.spellings.map(\.kind)) == Set(SocketCall.Kind.allCases))
    }
}
