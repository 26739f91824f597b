@testable import Diagrams
import SocketSim
import Testing
import XMLCheck

/// Properties every figure must have, checked over a table of requests of every kind.
@Suite struct FigureTests {
    /// Golden figures plus a few more situations: a lost SYN, the deadlock as queues, a RecvQ ring.
    static func requests() throws -> [(name: String, request: FigureRequest)] {
        let lost = try Scenarios.trace(Scenarios.lostSyn), life = try Scenarios.trace(Scenarios.lifecycle)
        let dead = try Scenarios.trace(Scenarios.deadlock), three = try Scenarios.trace(Scenarios.threeSends)
        return try Scenarios.goldenRequests() + [
            ("lost-syn-sequence", FigureRequest(id: "lost", kind: .sequence, trace: lost, caption: "SYN 유실")),
            ("lost-syn-state", FigureRequest(id: "lost-sd", kind: .stateDiagram, trace: lost, host: "client")),
            ("lifecycle-listener", FigureRequest(id: "life-ls", kind: .listener, trace: life)),
            ("lifecycle-sequence", FigureRequest(id: "life-seq", kind: .sequence, trace: life)),
            ("deadlock-queues", FigureRequest(id: "dq", kind: .queues, trace: dead)),
            ("deadlock-every-step", FigureRequest(id: "dd", kind: .deadlock, trace: dead, after: [1, 2, 3, 4])),
            ("three-sends-ring-recvq", FigureRequest(id: "rr", kind: .ring, trace: three, host: "server", queue: "recvq")),
            ("three-sends-sequence", FigureRequest(id: "ts", kind: .sequence, trace: three)),
            ("lifecycle-socket-structure", FigureRequest(id: "lss", kind: .socketStructure, trace: life, options: ["sockets": "all"])),
        ]
    }

    static let names: [String] = (try? requests().map(\.name)) ?? []

    static func request(_ name: String) throws -> FigureRequest {
        try #require(try requests().first { $0.name == name }?.request)
    }

    @Test(arguments: names)
    func everyFrameIsWellFormedSVG(_ name: String) throws {
        let figure = try Diagrams.render(try Self.request(name))
        #expect(!figure.frames.isEmpty)
        #expect(!figure.description.isEmpty)
        for (i, frame) in figure.frames.enumerated() {
            let problems = XMLCheck.problems(in: frame.svg)
            #expect(problems.isEmpty, "\(name) frame \(i + 1): \(problems)")
            #expect(frame.svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(frame.svg.contains(" viewBox=\"0 0 "))
            #expect(frame.svg.contains(" role=\"img\""))
            #expect(frame.svg.contains("font-family=\"'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif\""))
            #expect(frame.svg.contains("@media (prefers-color-scheme:dark)"))
            #expect(!frame.svg.contains("@import") && !frame.svg.contains("@font-face"), "no web fonts")
            // aria-labelledby names the title and desc of this very frame.
            let prefix = "\(idSafe(figure.id))-f\(i + 1)"
            #expect(frame.svg.contains("aria-labelledby=\"\(prefix)-title \(prefix)-desc\""))
            #expect(frame.svg.contains("<title id=\"\(prefix)-title\">"))
            #expect(frame.svg.contains("<desc id=\"\(prefix)-desc\">"))
        }
    }

    @Test(arguments: names)
    func renderingIsDeterministic(_ name: String) throws {
        let request = try Self.request(name)
        #expect(try Diagrams.render(request) == Diagrams.render(request))
    }

    /// Several figures share a page, and all frames of one figure are in it at once.
    @Test(arguments: names)
    func idsAreUniqueAndPrefixedAndReferencesResolve(_ name: String) throws {
        let request = try Self.request(name)
        let figure = try Diagrams.render(request)
        var seen = Set<String>()
        for (i, frame) in figure.frames.enumerated() {
            let ids = Self.values(of: "id", in: frame.svg)
            for id in ids {
                #expect(id.hasPrefix("\(idSafe(request.id))-f\(i + 1)"), "\(id) lacks the figure and frame prefix")
                #expect(seen.insert(id).inserted, "duplicate id \(id) in \(name)")
            }
            for ref in Self.urlReferences(in: frame.svg) {
                #expect(ids.contains(ref), "\(name) frame \(i + 1) refers to #\(ref), which it does not define")
            }
        }
    }

    @Test func frameCountsFollowTheSteps() throws {
        let hs = try Scenarios.trace(Scenarios.handshake)
        for kind in [FigureKind.sequence, .queues, .socketStructure, .listener, .ring, .stateDiagram] {
            let all = try Diagrams.render(FigureRequest(id: "a", kind: kind, trace: hs, host: "server"))
            #expect(all.frames.count == hs.steps.count, "\(kind)")
            let some = try Diagrams.render(FigureRequest(id: "a", kind: kind, trace: hs, after: [2, 5], host: "server"))
            #expect(some.frames.map(\.label) == ["2단계 후: client: connect server:80", "5단계 후: net: deliver"], "\(kind)")
        }
        #expect(try Diagrams.render(FigureRequest(id: "d", kind: .deadlock, trace: hs)).frames.count == 1)
        #expect(try Diagrams.render(FigureRequest(id: "t", kind: .throughput, options: ["sizes": "500,1000"])).frames.count == 1)
        #expect(try Diagrams.render(FigureRequest(id: "s", kind: .segmentFormat)).frames.count == 1)
    }

    @Test func captionsAreEscaped() throws {
        let hs = try Scenarios.trace(Scenarios.handshake)
        let caption = "<b>& \"따옴표\" 'x'"
        for kind in FigureKind.allCases {
            let trace: Trace? = kind == .throughput || kind == .segmentFormat ? nil : hs
            let figure = try Diagrams.render(FigureRequest(id: "esc", kind: kind, trace: trace, host: "server",
                                                           caption: caption, options: ["sizes": "500"]))
            for frame in figure.frames {
                #expect(XMLCheck.problems(in: frame.svg).isEmpty, "\(kind)")
                #expect(frame.svg.contains(">&lt;b&gt;&amp; &quot;따옴표&quot; &apos;x&apos;</title>"), "\(kind)")
                #expect(!frame.svg.contains("<b>"), "\(kind)")
            }
        }
    }

    @Test func figureIdsAreMadeSafeForXML() throws {
        let hs = try Scenarios.trace(Scenarios.handshake)
        let figure = try Diagrams.render(FigureRequest(id: "3 way/hand\"shake", kind: .sequence, trace: hs, after: [1]))
        #expect(figure.id == "3 way/hand\"shake")
        #expect(figure.frames[0].svg.contains("id=\"fig-3_way_hand_shake-f1\""))
        #expect(XMLCheck.problems(in: figure.frames[0].svg).isEmpty)
    }

    // MARK: - Errors

    struct BadRequest: CustomTestStringConvertible, Sendable {
        var name: String
        var make: @Sendable (Trace) -> FigureRequest
        var expected: DiagramError
        var testDescription: String { name }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(name: "step 0", make: { FigureRequest(id: "x", kind: .queues, trace: $0, after: [0]) },
                   expected: .stepOutOfRange(step: 0, stepCount: 6)),
        BadRequest(name: "step past the end", make: { FigureRequest(id: "x", kind: .sequence, trace: $0, after: [1, 7]) },
                   expected: .stepOutOfRange(step: 7, stepCount: 6)),
        BadRequest(name: "deadlock step past the end", make: { FigureRequest(id: "x", kind: .deadlock, trace: $0, after: [99]) },
                   expected: .stepOutOfRange(step: 99, stepCount: 6)),
        BadRequest(name: "segment-format step past the end", make: { FigureRequest(id: "x", kind: .segmentFormat, trace: $0, after: [12]) },
                   expected: .stepOutOfRange(step: 12, stepCount: 6)),
        BadRequest(name: "unknown host", make: { FigureRequest(id: "x", kind: .stateDiagram, trace: $0, host: "alice") },
                   expected: .unknownHost("alice", known: ["client", "server"])),
        BadRequest(name: "unknown queue", make: { FigureRequest(id: "x", kind: .ring, trace: $0, queue: "delivered") },
                   expected: .unknownQueue("delivered")),
        BadRequest(name: "no trace", make: { _ in FigureRequest(id: "x", kind: .sequence) }, expected: .missingTrace(.sequence)),
        BadRequest(name: "step without a segment", make: { FigureRequest(id: "x", kind: .segmentFormat, trace: $0, after: [6]) },
                   expected: .noSegment(step: 6)),
        BadRequest(name: "two steps for one segment", make: { FigureRequest(id: "x", kind: .segmentFormat, trace: $0, after: [2, 3]) },
                   expected: .tooManySteps(.segmentFormat, given: 2)),
        BadRequest(name: "listener of a host that never listens", make: { FigureRequest(id: "x", kind: .listener, trace: $0, host: "client") },
                   expected: .noListener(host: "client")),
        BadRequest(name: "sizes not numbers", make: { _ in FigureRequest(id: "x", kind: .throughput, options: ["sizes": "500,big"]) },
                   expected: .badOption(name: "sizes", value: "500,big", expected: "buffer sizes separated by commas, e.g. 500,1000,2000")),
        BadRequest(name: "zero bytes", make: { _ in FigureRequest(id: "x", kind: .throughput, options: ["bytes": "0"]) },
                   expected: .badOption(name: "bytes", value: "0", expected: "a whole number of bytes greater than 0")),
    ]

    @Test(arguments: badRequests)
    func badRequestsThrowAClearError(_ bad: BadRequest) throws {
        let hs = try Scenarios.trace(Scenarios.handshake)
        #expect(throws: bad.expected) { try Diagrams.render(bad.make(hs)) }
    }

    @Test func outOfRangeMessageSaysWhatWouldWork() {
        let message = DiagramError.stepOutOfRange(step: 12, stepCount: 9).description
        #expect(message == "step 12 is out of range: the scenario has 9 steps, so 'after' takes numbers from 1 to 9")
        #expect(DiagramError.unknownHost("alice", known: ["client", "server"]).description
            == "unknown host 'alice': the scenario's hosts are client, server")
    }

    // MARK: - Helpers

    /// Values of `name="..."` attributes.
    static func values(of name: String, in svg: String) -> [String] {
        var out: [String] = []
        var rest = Substring(svg)
        let key = " \(name)=\""
        while let r = rest.range(of: key) {
            let after = rest[r.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            out.append(String(after[..<end]))
            rest = after[end...]
        }
        return out
    }

    static func urlReferences(in svg: String) -> [String] {
        var out: [String] = []
        var rest = Substring(svg)
        while let r = rest.range(of: "url(#") {
            let after = rest[r.upperBound...]
            guard let end = after.firstIndex(of: ")") else { break }
            out.append(String(after[..<end]))
            rest = after[end...]
        }
        return out
    }
}
