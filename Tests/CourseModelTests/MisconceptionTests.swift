import CourseModel
import ScenarioLoading
import SocketSim
import Testing

/// Misconceptions read the trace's parsed calls, never the text a step was written as.
@Suite struct MisconceptionTests {
    @Test("'recv fills the buffer': every recv that got bytes reads as the count it asked for, however written")
    func recvFillsBufferReadsTheParsedCount() throws {
        let yaml = """
        sqs: 500
        rqs: 500
        network: auto
        start: established
        steps:
          - server: recv {rqs - 200}
          - client: send 100
          - client: send 50
          - server: recv nonblock 200
          - server: recv 0
        """
        let trace = try Simulator.run(try ScenarioLoader.load(text: yaml, file: "m.yaml"))
        // What really happens: the blocked recv 300 returns 100 at step 2, the non-blocking recv
        // 200 (its flag written first) returns the 50 bytes there are.
        #expect(trace.steps[1].completed.map(\.result.value) == [100])
        #expect(trace.steps.map(\.result.value) == [nil, 100, 50, 50, 0])
        let seen = Misconception.recvFillsBuffer.view(trace)
        #expect(seen.steps[1].completed.map(\.result.value) == [300])
        #expect(seen.steps.map(\.result.value) == [nil, 100, 50, 200, 0])
    }
}
