@testable import Diagrams
import SocketSim
import Testing

/// Figures decide by the trace's parsed calls and show the calls' text as written.
@Suite struct TypedCallTests {
    /// Manual network: the server's recv finds nothing and blocks; its send waits behind it.
    static let waitingReceiver = """
    sqs: 500
    rqs: 500
    network: manual
    start: established
    steps:
      - client: send 100
      - server: recv {rqs - 200}
      - server: send 900
      - net: transfer all
    """

    @Test("a receiver blocked in recv is marked under Delivered; a host blocked in send only under its SendQ")
    func queuesMarkTheBlockedReceiver() throws {
        let trace = try Scenarios.trace(Self.waitingReceiver)
        let figure = try Diagrams.render(FigureRequest(id: "q", kind: .queues, trace: trace))
        // After step 2 the server waits in recv 300: marked under its own SendQ (server → client)
        // and, as the receiver waiting for data, under Delivered (client → server).
        #expect(figure.frames[1].svg.components(separatedBy: "■ recv 300에서 대기 중").count - 1 == 2)
        // After step 4 the recv has returned and the send (900 into a SendQ of 500) blocks: it is
        // marked once, as the sender's call, never as a receiver waiting for data.
        #expect(trace.steps[3].hosts[1].blockedIn?.call == .send(900, nonBlocking: false))
        #expect(!figure.frames[3].svg.contains("recv 300에서 대기 중"))
        #expect(figure.frames[3].svg.components(separatedBy: "■ send 900에서 대기 중").count - 1 == 1)
    }

    @Test("the sequence figure names a call that returned later by its kind")
    func sequenceNamesTheReturnedCall() throws {
        let trace = try Scenarios.trace(Self.waitingReceiver)
        let lines = SequenceFigure.stepLines(trace.steps[3])
        #expect(lines.first == "4. net: transfer all")
        #expect(lines.contains("→ 2단계 recv 반환"))
    }

    @Test("network steps are spoken from their parsed action", arguments: [
        ("transfer all", "네트워크가 보낼 수 있는 바이트를 모두 옮김"),
        ("transfer 60 client", "네트워크가 60바이트를 옮김"),
        ("transfer client", "네트워크가 보낼 수 있는 바이트를 모두 옮김"),
        ("deliver", "네트워크가 세그먼트 하나를 전달"),
        ("deliver 3", "네트워크가 세그먼트 3개를 전달"),
        ("deliver all", "네트워크가 날아가는 세그먼트를 모두 전달"),
        ("drop 2", "네트워크가 세그먼트 2개를 버림"),
    ])
    func spokenNetworkSteps(_ text: String, _ spoken: String) throws {
        let trace = try Scenarios.trace("""
        network: manual
        start: established
        steps:
          - net: \(text)
        """)
        #expect(Spoken.step(trace.steps[0]) == spoken)
    }

    @Test("program calls are spoken as written, with their flags as socket options")
    func spokenCalls() throws {
        let trace = try Scenarios.trace("""
        steps:
          - server: listen 80 reuseaddr
          - server: accept nonblock
          - time: +30000ms
        """)
        #expect(Spoken.step(trace.steps[0]) == "server: listen 80 (SO_REUSEADDR)")
        #expect(Spoken.step(trace.steps[1]) == "server: accept (O_NONBLOCK)")
        #expect(Spoken.step(trace.steps[2]) == "시간이 30초 흐름")
    }
}
