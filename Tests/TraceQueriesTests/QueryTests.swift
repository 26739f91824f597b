import CourseModel
import CourseModelTestSupport
import Foundation
import SocketSim
import Testing
import TraceQueries

func scenarioText(_ name: String) throws -> String {
    try String(contentsOf: contentRoot.appendingPathComponent("scenarios/\(name).yaml"), encoding: .utf8)
}

func run(_ yaml: String, variables: [String: Int] = [:], overrides: [String: String] = [:]) -> ScenarioRun {
    ScenarioRun(text: yaml, file: "inline.yaml", variables: variables, overrides: overrides)
}

func value(_ run: ScenarioRun, _ query: String) throws -> AnswerValue {
    let q = try Query.parse(query)
    return try run.evaluate([q])[0].get()
}

@Suite struct QueryParsing {
    @Test(arguments: [
        ("returned 0", "step number"),
        ("queue client.sendqq after 1", "HOST.sendq"),
        ("frobnicate", "unknown query"),
        ("queue client.sendq", "ends too early"),
        ("min n in 1-5 where deadlock", "range"),
        ("min n in 1..5 where queue client.sendq after 1", "yes/no"),
        ("deadlock extra", "unexpected"),
    ])
    func refusesMalformed(_ text: String, _ fragment: String) {
        #expect(throws: QueryError.self) { try Query.parse(text) }
        do { _ = try Query.parse(text) } catch { #expect(error.message.contains(fragment), "\(error.message)") }
    }

    @Test func unknownHostAndStepOutOfRange() throws {
        let r = run("steps:\n  - client: send 10\n")
        let trace = try r.run().trace
        #expect(throws: QueryError.self) { try Query.parse("queue nobody.sendq after 1").evaluate(on: trace) }
        do { _ = try Query.parse("returned 5").evaluate(on: trace) } catch {
            #expect(error.message.contains("step 5 is out of range: the scenario has 1 step"))
        }
        do { _ = try Query.parse("state nobody after 1").evaluate(on: trace) } catch {
            #expect(error.message.contains("unknown host 'nobody'"))
        }
    }

    @Test func searchNeedsTheScenario() throws {
        let trace = try run("steps:\n  - client: send 10\n").run().trace
        #expect(throws: QueryError.self) { try Query.parse("min n in 1..5 where deadlock").evaluate(on: trace) }
    }
}

@Suite struct TextbookFacts {
    /// The chapter's deadlock example: SQS = RQS = 500, both ends send; 1001 bytes deadlock, 1000 do not.
    @Test func deadlockAtSQSPlusRQSPlusOne() throws {
        let text = try scenarioText("deadlock")
        let r = run(text, variables: ["sqs": 500, "rqs": 500], overrides: ["n": "1001"])
        #expect(try value(r, "deadlock") == .boolean(true))
        #expect(try value(r, "outcome") == .text("deadlock"))
        #expect(try value(r, "returnedAt 1") == .never)
        let ok = run(text, variables: ["sqs": 500, "rqs": 500], overrides: ["n": "1000"])
        #expect(try value(ok, "deadlock") == .boolean(false))
        #expect(try value(r, "min n in 1..3000 where deadlock") == .integer(1001))
        #expect(try value(r, "max n in 1..3000 where not deadlock") == .integer(1000))
        #expect(try value(r, "min n in 1..3000 monotone where deadlock") == .integer(1001))
        #expect(try value(r, "max n in 1..3000 monotone where not deadlock") == .integer(1000))
        #expect(try value(r, "min n in 1..900 monotone where deadlock") == .never)
    }

    /// A 5000-byte send with SQS = RQS = 2000 returns only once the receiver has taken 1000 bytes.
    @Test func bigSendReturnsAfterReceiverTakesTheExcess() throws {
        let r = run("""
        sqs: 2000
        rqs: 2000
        steps:
          - client: send 5000
          - server: recv 999
          - server: recv 1
        """)
        #expect(try value(r, "blocks 1") == .boolean(true))
        #expect(try value(r, "returnedAt 1") == .integer(3))
        #expect(try value(r, "returned 1") == .integer(5000))
        #expect(try value(r, "queue server.delivered after 3") == .integer(1000))
        #expect(try value(r, "returnedAt 1 == 3") == .boolean(true))
        #expect(try value(r, "min k in 1..2000 where queue server.delivered after 2 >= 999") == .integer(1))
    }

    @Test func handshake() throws {
        let r = run(try scenarioText("handshake"))
        #expect(try value(r, "segments") == .list(["SYN", "SYN+ACK", "ACK"]))
        #expect(try value(r, "segments server") == .list(["SYN+ACK"]))
        #expect(try value(r, "states client") == .list(["CLOSED", "SYN_SENT", "ESTABLISHED"]))
        #expect(try value(r, "states server") == .list(["SYN_RCVD", "ESTABLISHED"]))
        #expect(try value(r, "state server fd=3 after 6") == .text("LISTEN"))
        #expect(try value(r, "state client after 3") == .text("SYN_SENT"))
        #expect(try value(r, "state client after 4") == .text("ESTABLISHED"))
        #expect(try value(r, "returnedAt 2") == .integer(4))
        #expect(try value(r, "error 2") == .text("none"))
    }

    @Test func closingStates() throws {
        let r = run(try scenarioText("close-client-first"))
        #expect(try value(r, "states client") == .list(["ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"]))
        #expect(try value(r, "states server") == .list(["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"]))
        #expect(try value(r, "returned 4") == .integer(0))
    }

    @Test func originsNameTheSend() throws {
        let r = run("""
        network: manual
        steps:
          - client: send 100
          - client: send 200
          - net: transfer 150
        """)
        #expect(try value(r, "origins server.recvq after 3") == .counts(["send 1": 100, "send 2": 50]))
        #expect(try value(r, "origins client.sendq after 3") == .counts(["send 2": 150]))
        #expect(AnswerValue.counts(["send 10": 1, "send 2": 3]).display == "send 2: 3, send 10: 1")
    }

    @Test func letValuesAreParams() throws {
        let r = run(try scenarioText("ring"), variables: ["sqs": 500, "rqs": 500])
        #expect(try value(r, "param half") == .integer(250))
        #expect(try value(r, "param sqs") == .integer(500))
    }
}

/// Every worked-example value in the chapter's sections is a query that must evaluate.
@Suite struct SectionValues {
    @Test func everySectionQueryEvaluates() throws {
        let dir = contentRoot.appendingPathComponent("sections")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") }
        let pattern = try NSRegularExpression(pattern: #"scenario:\s*([\w-]+),\s*query:\s*"([^"]+)""#)
        var count = 0
        for f in files {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let scenario = String(text[Range(m.range(at: 1), in: text)!])
                let query = String(text[Range(m.range(at: 2), in: text)!])
                guard let s = try? scenarioText(scenario) else { continue }
                let r = run(s, variables: ["sqs": 500, "rqs": 500, "mss": 536, "msl": 30_000])
                let result = try r.evaluate([try Query.parse(query)])[0]
                if case .failure(let e) = result { Issue.record("\(f): \(scenario): \(query): \(e)") }
                count += 1
            }
        }
        #expect(count > 20)
    }
}
