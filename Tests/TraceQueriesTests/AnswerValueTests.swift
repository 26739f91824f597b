import SocketSim
import Testing
import TraceQueries

/// Each query form gives its value a type (a state, an errno, an endpoint, an outcome, typed list
/// items), so no consumer parses a rendering; `display` renders each as the text it always was.
@Suite struct TypedAnswerValues {
    /// A non-blocking `recv` on an empty queue fails; a later one returns what arrived; a blocking
    /// one with nothing coming never returns.
    static let recvs = """
    network: auto
    steps:
      - server: recv 100 nonblock
      - client: send 50
      - server: recv 100 nonblock
      - server: recv 100
    """

    @Test func callResultsAreErrnosOrValues() throws {
        let r = run(Self.recvs)
        #expect(try value(r, "returned 1") == .errno(.EWOULDBLOCK))
        #expect(try value(r, "error 1") == .errno(.EWOULDBLOCK))
        #expect(try value(r, "returned 3") == .integer(50))
        #expect(try value(r, "error 3") == .errno(nil))
        #expect(try value(r, "returned 4") == .never)
        #expect(try value(r, "error 4") == .never)
        #expect(try value(r, "recvs server") == .list([.errno(.EWOULDBLOCK), .integer(50), .never]))
        #expect(try value(r, "recvs client") == .list([]))
    }

    @Test func statesAndSegmentsAreTyped() throws {
        let r = run(try scenarioText("handshake"))
        #expect(try value(r, "state client after 1") == .state(.closed))
        #expect(try value(r, "state server after 1") == .state(.listen))
        #expect(try value(r, "states client") == .list([.state(.closed), .state(.synSent), .state(.established)]))
        #expect(try value(r, "segments client") == .list([.segment("SYN"), .segment("ACK")]))
        #expect(try value(r, "outcome") == .outcome(.completed))
    }

    @Test func endpointsAreTypedAndNoneIsNil() throws {
        let r = run(try scenarioText("handshake"))
        guard case .endpoint(let listening?) = try value(r, "local server after 1") else {
            Issue.record("local of a listening socket is an endpoint"); return
        }
        #expect(listening.isWildcard && listening.port == 80)
        guard case .endpoint(let local?) = try value(r, "local client after 4"),
              case .endpoint(let remote?) = try value(r, "remote client after 4") else {
            Issue.record("a connected socket has both endpoints"); return
        }
        #expect(remote.port == 80 && !remote.isWildcard && local != remote)
        #expect(try value(r, "remote server after 1") == .endpoint(nil))
        #expect(try value(r, "local client after 4").display == local.description)
    }

    @Test func paramWordsStayText() throws {
        let r = run("network: manual\nsteps:\n  - client: send 10\n")
        #expect(try value(r, "param network") == .text("manual"))
        #expect(try value(r, "param sqs") != .text("manual"))
    }

    /// The renderings are the texts keys were before they were typed (the site, feedback, the CSV
    /// and the answer templates show them).
    @Test func displayIsTheOldText() {
        #expect(AnswerValue.state(.synReceived).display == "SYN_RCVD")
        #expect(AnswerValue.errno(.EPIPE).display == "EPIPE")
        #expect(AnswerValue.errno(nil).display == "none")
        #expect(AnswerValue.outcome(.deadlock).display == "deadlock")
        #expect(AnswerValue.endpoint(Endpoint("10.0.0.1", 49152)).display == "10.0.0.1:49152")
        #expect(AnswerValue.endpoint(Endpoint("*", 80)).display == "*:80")
        #expect(AnswerValue.endpoint(nil).display == "none")
        #expect(AnswerValue.list([.state(.closed), .state(.synSent)]).display == "CLOSED, SYN_SENT")
        #expect(AnswerValue.list([.segment("SYN"), .segment("SYN+ACK")]).display == "SYN, SYN+ACK")
        #expect(AnswerValue.list([.errno(.EWOULDBLOCK), .integer(50), .never]).display == "EWOULDBLOCK, 50, never")
        #expect(AnswerValue.list([]).display == "")
        #expect(AnswerValue.text("manual").display == "manual")
    }

    /// A literal in a query or a choice is read as the value's type asks.
    @Test func literalsAreReadAsTheValuesType() {
        #expect(AnswerValue.literalMatches(.state(.synReceived), "syn-received"))
        #expect(AnswerValue.literalMatches(.state(.finWait1), "FIN_WAIT_1"))
        #expect(!AnswerValue.literalMatches(.state(.finWait1), "FIN_WAIT_2"))
        #expect(AnswerValue.literalMatches(.errno(nil), "none"))
        #expect(AnswerValue.literalMatches(.errno(nil), "NONE"))
        #expect(!AnswerValue.literalMatches(.errno(.EPIPE), "none"))
        #expect(AnswerValue.literalMatches(.errno(.EPIPE), "epipe"))
        #expect(!AnswerValue.literalMatches(.errno(nil), "EPIPE"))
        #expect(AnswerValue.literalMatches(.outcome(.deadlock), "Deadlock"))
        #expect(!AnswerValue.literalMatches(.outcome(.deadlock), "completed"))
        #expect(AnswerValue.literalMatches(.endpoint(Endpoint("*", 80)), "*:80"))
        #expect(AnswerValue.literalMatches(.endpoint(nil), "none"))
        #expect(!AnswerValue.literalMatches(.endpoint(Endpoint("*", 80)), "none"))
        #expect(AnswerValue.literalMatches(.list([.segment("SYN"), .segment("SYN+ACK")]), "syn, syn+ack"))
        #expect(!AnswerValue.literalMatches(.list([.segment("SYN"), .segment("SYN+ACK")]), "SYN+ACK, SYN"))
    }

    /// A query comparing a typed value with a literal (`error 9 == none` in a search).
    @Test func comparisonsReadTheLiteralAsTheType() throws {
        let r = run(Self.recvs)
        #expect(try value(r, "error 1 == EWOULDBLOCK") == .boolean(true))
        #expect(try value(r, "error 3 == none") == .boolean(true))
        #expect(try value(r, "error 1 == none") == .boolean(false))
        let h = run(try scenarioText("handshake"))
        #expect(try value(h, "state client after 4 == established") == .boolean(true))
        #expect(try value(h, "state client after 4 != ESTABLISHED") == .boolean(false))
    }
}
