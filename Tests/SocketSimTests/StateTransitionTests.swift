import Testing
@testable import SocketSim

/// One row per arrow of RFC 9293's state diagram (plus the ways out every implementation has):
/// a scenario that takes the arrow, the arrows it must show with their causes, and the exact state
/// path of every socket that changed state.
struct TransitionCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The arrows this row is about, with the label the trace must give them.
    var arrows: [(TCPState, TCPState, TransitionCause)]
    var network: NetworkMode
    var start: StartMode
    var lines: [String]
    /// Per host: the state path of each socket that changed state, in socket order, as `A>B>C`.
    var paths: [String: [String]]
    /// Results of chosen steps (1-based), as the trace shows them: a value or an errno name.
    var results: [Int: String] = [:]

    var testDescription: String { name }

    init(_ name: String, _ arrows: [(TCPState, TCPState, TransitionCause)], network: NetworkMode = .manual,
         start: StartMode = .closed, _ lines: [String], paths: [String: [String]], results: [Int: String] = [:]) {
        self.name = name
        self.arrows = arrows
        self.network = network
        self.start = start
        self.lines = lines
        self.paths = paths
        self.results = results
    }

    func trace() throws -> Trace {
        try Build.run(lines, network: network, start: start)
    }
}

private let handshake = ["server: listen 80", "client: connect server:80 nonblock", "net: deliver", "net: deliver", "net: deliver"]
private let openedPaths = ["CLOSED>SYN_SENT>ESTABLISHED"]
private let simultaneousOpen = ["client: socket", "client: bind *:5000", "server: socket", "server: bind *:6000",
                                "client: connect server:6000 nonblock", "server: connect client:5000 nonblock"]

extension TransitionCase {
    static let all: [TransitionCase] = [
        TransitionCase("passive open: CLOSED -> LISTEN", [(.closed, .listen, .passiveOpen)],
                       ["server: listen 80"], paths: ["server": ["CLOSED>LISTEN"]], results: [1: "0"]),
        TransitionCase("active open: CLOSED -> SYN_SENT", [(.closed, .synSent, .activeOpen)],
                       ["server: listen 80", "client: connect server:80"],
                       paths: ["client": ["CLOSED>SYN_SENT"], "server": ["CLOSED>LISTEN"]]),
        TransitionCase("SYN arrives: a new socket LISTEN -> SYN_RCVD, the listener stays in LISTEN",
                       [(.listen, .synReceived, .rcvSyn)],
                       ["server: listen 80", "client: connect server:80", "net: deliver"],
                       paths: ["client": ["CLOSED>SYN_SENT"], "server": ["CLOSED>LISTEN", "LISTEN>SYN_RCVD"]]),
        TransitionCase("SYN+ACK arrives: SYN_SENT -> ESTABLISHED", [(.synSent, .established, .rcvSynAck)],
                       ["server: listen 80", "client: connect server:80", "net: deliver", "net: deliver"],
                       paths: ["client": openedPaths, "server": ["CLOSED>LISTEN", "LISTEN>SYN_RCVD"]], results: [2: "0"]),
        TransitionCase("ACK of SYN arrives: SYN_RCVD -> ESTABLISHED", [(.synReceived, .established, .rcvAckOfSyn)],
                       handshake + ["server: accept"],
                       paths: ["client": openedPaths, "server": ["CLOSED>LISTEN", "LISTEN>SYN_RCVD>ESTABLISHED"]],
                       results: [2: "EINPROGRESS", 6: "4"]),
        TransitionCase("simultaneous open: SYN_SENT -> SYN_RCVD -> ESTABLISHED",
                       [(.synSent, .synReceived, .rcvSyn), (.synReceived, .established, .rcvAckOfSyn)],
                       simultaneousOpen + ["net: deliver all"],
                       paths: ["client": ["CLOSED>SYN_SENT>SYN_RCVD>ESTABLISHED"], "server": ["CLOSED>SYN_SENT>SYN_RCVD>ESTABLISHED"]]),
        TransitionCase("close in SYN_RCVD: SYN_RCVD -> FIN_WAIT_1",
                       [(.synReceived, .finWait1, .close), (.finWait1, .finWait2, .rcvAckOfFin)],
                       simultaneousOpen + ["net: deliver", "net: deliver", "client: close", "net: deliver all"],
                       paths: ["client": ["CLOSED>SYN_SENT>SYN_RCVD>FIN_WAIT_1>FIN_WAIT_2"],
                               "server": ["CLOSED>SYN_SENT>SYN_RCVD>ESTABLISHED>CLOSE_WAIT"]]),
        TransitionCase("close in SYN_SENT: SYN_SENT -> CLOSED", [(.synSent, .closed, .closeWithoutFin)],
                       ["client: connect server:80 nonblock", "client: close"],
                       paths: ["client": ["CLOSED>SYN_SENT>CLOSED"]], results: [1: "EINPROGRESS", 2: "0"]),
        TransitionCase("close in LISTEN: LISTEN -> CLOSED", [(.listen, .closed, .closeWithoutFin)],
                       ["server: listen 80", "server: close"], paths: ["server": ["CLOSED>LISTEN>CLOSED"]]),
        TransitionCase("close: ESTABLISHED -> FIN_WAIT_1, FIN arrives: ESTABLISHED -> CLOSE_WAIT",
                       [(.established, .finWait1, .close), (.established, .closeWait, .rcvFin)], start: .established,
                       ["client: close", "net: deliver"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1"], "server": ["ESTABLISHED>CLOSE_WAIT"]]),
        TransitionCase("ACK of FIN: FIN_WAIT_1 -> FIN_WAIT_2", [(.finWait1, .finWait2, .rcvAckOfFin)], start: .established,
                       ["client: close", "net: deliver", "net: deliver"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2"], "server": ["ESTABLISHED>CLOSE_WAIT"]]),
        TransitionCase("CLOSE_WAIT -> LAST_ACK, FIN_WAIT_2 -> TIME_WAIT, LAST_ACK -> CLOSED",
                       [(.closeWait, .lastAck, .close), (.finWait2, .timeWait, .rcvFin), (.lastAck, .closed, .rcvAckOfFin)],
                       start: .established,
                       ["client: close", "net: deliver", "net: deliver", "server: close", "net: deliver", "net: deliver"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT"],
                               "server": ["ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED"]]),
        TransitionCase("2MSL timeout: TIME_WAIT -> CLOSED", [(.timeWait, .closed, .timeout2MSL)], start: .established,
                       ["client: close", "net: deliver all", "server: close", "net: deliver all", "time: +{2 * msl}ms"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT>CLOSED"],
                               "server": ["ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED"]]),
        TransitionCase("simultaneous close: FIN_WAIT_1 -> CLOSING -> TIME_WAIT",
                       [(.finWait1, .closing, .rcvFin), (.closing, .timeWait, .rcvAckOfFin)], start: .established,
                       ["client: close", "server: close", "net: deliver", "net: deliver", "net: deliver", "net: deliver"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>CLOSING>TIME_WAIT"],
                               "server": ["ESTABLISHED>FIN_WAIT_1>CLOSING>TIME_WAIT"]]),
        TransitionCase("FIN that acknowledges our FIN: FIN_WAIT_1 -> TIME_WAIT",
                       [(.finWait1, .timeWait, .rcvFinAckOfFin)], start: .established,
                       ["client: close", "net: deliver", "net: drop", "server: close", "net: deliver"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>TIME_WAIT"], "server": ["ESTABLISHED>CLOSE_WAIT>LAST_ACK"]]),
        TransitionCase("orphaned FIN_WAIT_2 times out: FIN_WAIT_2 -> CLOSED", [(.finWait2, .closed, .finWait2Timeout)],
                       start: .established,
                       ["client: close", "net: deliver", "net: deliver", "time: +{finWait2Timeout - 1}ms", "time: +1ms"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>CLOSED"], "server": ["ESTABLISHED>CLOSE_WAIT"]]),
        TransitionCase("connection refused: RST in SYN_SENT -> CLOSED", [(.synSent, .closed, .rcvRst)], network: .auto,
                       ["client: connect server:80"], paths: ["client": ["CLOSED>SYN_SENT>CLOSED"]],
                       results: [1: "ECONNREFUSED"]),
        TransitionCase("listener closed with a completed connection: ESTABLISHED -> CLOSED on both ends",
                       [(.established, .closed, .listenerClosed), (.established, .closed, .rcvRst)], network: .auto,
                       ["server: listen 80", "client: connect server:80", "server: close", "client: recv 10"],
                       paths: ["client": ["CLOSED>SYN_SENT>ESTABLISHED>CLOSED"],
                               "server": ["CLOSED>LISTEN>CLOSED", "LISTEN>SYN_RCVD>ESTABLISHED>CLOSED"]],
                       results: [2: "0", 3: "0", 4: "ECONNRESET"]),
        TransitionCase("listener closed during the handshake: SYN_RCVD -> CLOSED",
                       [(.synReceived, .closed, .listenerClosed)],
                       ["server: listen 80", "client: connect server:80 nonblock", "net: deliver", "server: close", "net: deliver all"],
                       paths: ["client": ["CLOSED>SYN_SENT>ESTABLISHED>CLOSED"],
                               "server": ["CLOSED>LISTEN>CLOSED", "LISTEN>SYN_RCVD>CLOSED"]]),
        TransitionCase("RST in CLOSE_WAIT: data for a closed socket, CLOSE_WAIT -> CLOSED and FIN_WAIT_2 -> CLOSED",
                       [(.closeWait, .closed, .rcvRst), (.finWait2, .closed, .rcvDataAfterClose)], network: .auto, start: .established,
                       ["client: close", "server: send 100", "server: send 100"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>CLOSED"], "server": ["ESTABLISHED>CLOSE_WAIT>CLOSED"]],
                       results: [2: "100", 3: "EPIPE"]),
        TransitionCase("RST in FIN_WAIT_1: FIN_WAIT_1 -> CLOSED", [(.finWait1, .closed, .rcvRst)],
                       handshake + ["server: close", "client: close", "net: deliver"],
                       paths: ["client": ["CLOSED>SYN_SENT>ESTABLISHED>FIN_WAIT_1>CLOSED"],
                               "server": ["CLOSED>LISTEN>CLOSED", "LISTEN>SYN_RCVD>ESTABLISHED>CLOSED"]]),
        TransitionCase("data for a socket closed in FIN_WAIT_1: it answers RST, FIN_WAIT_1 -> CLOSED",
                       [(.finWait1, .closed, .rcvDataAfterClose), (.established, .closed, .rcvRst)], start: .established,
                       ["client: close", "net: drop", "server: send 100", "net: transfer all", "net: deliver all", "server: recv 10"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>CLOSED"], "server": ["ESTABLISHED>CLOSED"]],
                       results: [3: "100", 4: "100", 6: "ECONNRESET"]),
        TransitionCase("retransmission give-up: SYN_SENT -> CLOSED", [(.synSent, .closed, .retransmissionTimeout)],
                       ["client: connect server:80", "time: +10min"], paths: ["client": ["CLOSED>SYN_SENT>CLOSED"]],
                       results: [1: "ETIMEDOUT"]),
        TransitionCase("retransmission give-up: SYN_RCVD -> CLOSED", [(.synReceived, .closed, .retransmissionTimeout)],
                       ["server: listen 80", "client: connect server:80 nonblock", "net: deliver", "time: +10min"],
                       paths: ["client": ["CLOSED>SYN_SENT>CLOSED"], "server": ["CLOSED>LISTEN", "LISTEN>SYN_RCVD>CLOSED"]]),
        TransitionCase("retransmission give-up: FIN_WAIT_1 -> CLOSED", [(.finWait1, .closed, .retransmissionTimeout)],
                       start: .established, ["client: close", "time: +10min"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>CLOSED"]]),
        TransitionCase("retransmission give-up: CLOSING -> CLOSED", [(.closing, .closed, .retransmissionTimeout)],
                       start: .established,
                       ["client: close", "server: close", "net: deliver", "net: deliver", "net: drop 2", "time: +10min"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>CLOSING>CLOSED"], "server": ["ESTABLISHED>FIN_WAIT_1>CLOSING>CLOSED"]]),
        TransitionCase("retransmission give-up: LAST_ACK -> CLOSED", [(.lastAck, .closed, .retransmissionTimeout)],
                       start: .established,
                       ["client: close", "net: deliver", "net: deliver", "server: close", "net: drop", "time: +10min"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>CLOSED"],
                               "server": ["ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED"]]),
        TransitionCase("shutdown(SHUT_WR) in CLOSE_WAIT: CLOSE_WAIT -> LAST_ACK",
                       [(.closeWait, .lastAck, .close)], network: .auto, start: .established,
                       ["client: close", "server: shutdown SHUT_WR"],
                       paths: ["client": ["ESTABLISHED>FIN_WAIT_1>FIN_WAIT_2>TIME_WAIT"],
                               "server": ["ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSED"]]),
    ]

    /// The arrows of `Transition.rfc9293` the model never takes, and why.
    static let notTaken: [Transition: String] = [
        Transition(.listen, .synSent): "a SEND on a listening socket: the socket API has no such call",
        Transition(.synReceived, .listen): "a reset connection in the handshake is dropped; the listener never left LISTEN",
    ]
}

@Suite("RFC 9293 transitions")
struct StateTransitionTests {
    @Test("exact state paths", arguments: TransitionCase.all)
    func transition(_ row: TransitionCase) throws {
        let trace = try row.trace()
        for (host, expected) in row.paths {
            let actual = trace.statePaths(host: host).map { $0.map(\.rawValue).joined(separator: ">") }
            #expect(actual == expected, "\(row.name): \(host)")
        }
        for host in ["client", "server"] where row.paths[host] == nil {
            #expect(trace.statePaths(host: host).isEmpty, "\(row.name): \(host) should not change state")
        }
        for (from, to, cause) in row.arrows {
            #expect(trace.transitions.contains { $0.from == from && $0.to == to && $0.cause == cause },
                    "\(row.name): no \(from.rawValue) -> \(to.rawValue) (\(cause.rawValue))")
        }
        for change in trace.transitions {
            #expect(Transition.rfc9293.contains(Transition(change.from, change.to)),
                    "\(row.name): \(change.from.rawValue) -> \(change.to.rawValue) is not an arrow of RFC 9293")
        }
        for (step, expected) in row.results.sorted(by: { $0.key < $1.key }) {
            #expect(trace.outcome(ofStep: step)?.summary == expected, "\(row.name): step \(step) '\(row.lines[step - 1])'")
        }
    }

    @Test("the table covers every arrow the model can take")
    func coverage() throws {
        var seen = Set<Transition>()
        for row in TransitionCase.all {
            for c in try row.trace().transitions { seen.insert(Transition(c.from, c.to)) }
        }
        let expected = Transition.rfc9293.subtracting(TransitionCase.notTaken.keys)
        let missing = expected.subtracting(seen).map { "\($0.from.rawValue) -> \($0.to.rawValue)" }.sorted()
        #expect(missing.isEmpty, "arrows without a test: \(missing)")
        #expect(seen.isSubset(of: Transition.rfc9293))
    }
}
