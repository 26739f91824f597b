import Testing
@testable import SocketSim

@Suite("net: steps")
struct NetworkStepTests {
    @Test("transfer returns the bytes it moved, not counting the FIN that follows them")
    func transferCountsBytesOnly() throws {
        let trace = try Build.run(["client: send 200", "client: close", "net: transfer all", "net: deliver"], network: .manual)
        #expect(trace.steps[2].result.value == 200)
        #expect(trace.steps[2].hosts[1].recvq == 200)
        #expect(trace.steps[3].result.value == 1, "deliver counts segments: the FIN")
        #expect(trace.steps[3].hosts[1].state == .closeWait)
    }

    @Test("transfer N moves at most N bytes per direction and no more than the peer's free RecvQ")
    func transferIsBoundedAndFlowControlled() throws {
        let trace = try Build.run(["client: send 400", "server: send 300", "net: transfer 250", "net: transfer all"],
                                sqs: 500, rqs: 350, network: .manual)
        #expect(trace.steps[2].result.value == 500, "250 in each direction")
        #expect(trace.steps[2].hosts[0].recvq == 250 && trace.steps[2].hosts[1].recvq == 250)
        #expect(trace.steps[3].result.value == 150, "client to server 100 more (its RecvQ is then full at RQS = 350), server to client its last 50")
        #expect(trace.steps[3].hosts[1].recvq == 350 && trace.steps[3].hosts[0].sendq == 50)
    }
}
