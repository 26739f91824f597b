@testable import Diagrams
import SocketSim
import Testing

/// The small pieces the figures are built from.
@Suite struct PartsTests {
    @Test func escapingCoversMarkupAndQuotesAndDropsIllegalCharacters() {
        #expect(esc("<b>&\"'") == "&lt;b&gt;&amp;&quot;&apos;")
        #expect(esc("a\u{0}b\u{1B}c") == "a\u{FFFD}b\u{FFFD}c")
        #expect(esc("줄\n바꿈\t탭") == "줄\n바꿈\t탭")
    }

    @Test(arguments: [(0.0, "0"), (-0.04, "0"), (1.25, "1.3"), (-1.25, "-1.3"), (12.0, "12"), (0.05, "0.1"), (-3.96, "-4")])
    func numbersHaveOneFixedFormat(_ x: Double, _ expected: String) {
        #expect(fmt(x) == expected)
    }

    @Test(arguments: [(0.0, 0.0, 1.0), (0.25, 1.0, 0.0), (0.5, 0.0, -1.0), (0.75, -1.0, 0.0), (1.0 / 12, 0.5, 0.866_025_403_784_438_6),
                      (0.875, -0.707_106_781_186_547_5, 0.707_106_781_186_547_5), (1.3, 0.951_056_516_295_153_5, -0.309_016_994_374_947_3)])
    func sineAndCosineInTurns(_ t: Double, _ s: Double, _ c: Double) {
        let r = sinCos(turns: t)
        #expect(abs(r.sin - s) < 1e-12 && abs(r.cos - c) < 1e-12)
    }

    @Test func logarithmAndNiceNumbers() {
        #expect(abs(ThroughputFigure.log2(64_000) - 15.965_784_284_662_087) < 1e-9)
        #expect(abs(ThroughputFigure.log2(0.5) + 1) < 1e-12)
        #expect(ThroughputFigure.niceCeil(129) == 200)
        #expect(ThroughputFigure.niceCeil(0.3) == 0.5)
        #expect(ThroughputFigure.niceCeil(1000) == 1000)
    }

    @Test func groupedBytes() {
        #expect(grouped(1_000_000) == "1,000,000")
        #expect(grouped(500) == "500")
        #expect(grouped(-8000) == "-8,000")
    }

    @Test func idsAreMadeXMLSafe() {
        #expect(idSafe("ch6-queues") == "ch6-queues")
        #expect(idSafe("6.1 큐") == "fig-6_1__")
    }

    /// Every arrow the simulator may take has a hand-made route in the state diagram.
    @Test(arguments: Array(Transition.rfc9293).sorted { ($0.from.rawValue, $0.to.rawValue) < ($1.from.rawValue, $1.to.rawValue) })
    func everyRFC9293ArrowHasARoute(_ t: Transition) throws {
        let route = try #require(StateDiagramFigure.routes[t], "no route for \(t.from.rawValue) -> \(t.to.rawValue)")
        #expect(route.points.count >= 2)
        // Figure 5's own arrows carry a label; the extras take the cause the path took.
        #expect(route.extra || StateDiagramFigure.labels[t] != nil)
    }

    @Test func everyStateHasABoxAndTheyDoNotOverlap() {
        for s in TCPState.allCases { #expect(StateDiagramFigure.centers[.state(s)] != nil, "\(s)") }
        let boxes = Array(StateDiagramFigure.centers.values)
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let apart = abs(boxes[i].0 - boxes[j].0) >= StateDiagramFigure.boxW || abs(boxes[i].1 - boxes[j].1) >= StateDiagramFigure.boxH
                #expect(apart)
            }
        }
    }

    @Test func segmentLabelsReadLikeTheTextbook() throws {
        let hs = try Scenarios.trace(Scenarios.handshake)
        let sent = hs.segmentEvents.filter { $0.kind == .sent }.map { SequenceFigure.label($0.segment) }
        let client = hs.steps[1].segments[0].segment
        #expect(sent[0] == "SYN seq=\(client.seq)")
        #expect(sent[1].hasPrefix("SYN+ACK seq=") && sent[1].hasSuffix(" ack=\(client.seq + 1)"))
        #expect(sent[2].hasPrefix("ACK ack="))
    }

    /// A state change caused by an arriving segment is drawn right after that segment's arrival.
    @Test func stateChangesFollowTheSegmentThatCausedThem() throws {
        let hs = try Scenarios.trace(Scenarios.handshake)
        let step3 = SequenceFigure.order(hs.steps[2], hs)
        let kinds = step3.map { item -> String in
            switch item {
            case .event(let e): return "\(e.kind.rawValue) \(e.segment.flags.label)"
            case .state(let c): return "\(c.host) \(c.to.rawValue)"
            case .elided(let n): return "elided \(n)"
            }
        }
        #expect(kinds == ["delivered SYN", "server SYN_RCVD", "sent SYN+ACK"])
    }

    @Test func theServersPathStartsWithItsListener() throws {
        let life = try Scenarios.trace(Scenarios.lifecycle)
        let (_, path) = StateDiagramFigure.followed(life, host: "server")
        #expect(path.map(\.change.to) == [.listen, .synReceived, .established, .closeWait, .lastAck, .closed])
    }
}
