@testable import Grader
import CourseModel
import SocketSim
import Testing
import TraceQueries

/// A student's text marked against a typed key: the student's text is parsed (states in any usual
/// spelling, lists normalised), the key is not, and the two meet as before the keys were typed.
@Suite struct TypedKeyMarking {
    /// The credit `raw` earns against `key` for a question of `kind`; nil when it cannot be read.
    func credit(_ raw: RawAnswer, _ key: AnswerValue, _ kind: QuestionKind, choices: [String] = [],
                partial: PartialCredit? = nil) -> Double? {
        guard case .success(let answer) = Marking.read(raw, as: kind, choices: choices) else { return nil }
        return Marking.credit(answer, key: Marking.read(key: key, as: kind), tolerance: 0, partial: partial)
    }

    @Test(arguments: ["ESTABLISHED", "established", " ESTABLISHED ", "Established", "ESTAB", "estab"])
    func aStateInAnyUsualSpellingIsRight(_ written: String) {
        #expect(credit(.scalar(written), .state(.established), .state) == 1)
    }

    @Test(arguments: ["FIN_WAIT_1", "FIN-WAIT-1", "fin wait 1", "FinWait1"])
    func finWait1Spellings(_ written: String) {
        #expect(credit(.scalar(written), .state(.finWait1), .state) == 1)
        #expect(credit(.scalar(written), .state(.finWait2), .state) == 0)
    }

    @Test func syncReceivedSpellings() {
        for written in ["SYN_RCVD", "SYN-RECEIVED", "syn_recv", "syn received"] {
            #expect(credit(.scalar(written), .state(.synReceived), .state) == 1, "\(written)")
        }
    }

    @Test func aWrongStateEarnsNothingAndAWordThatIsNoStateIsUnreadable() {
        #expect(credit(.scalar("SYN_SENT"), .state(.established), .state) == 0)
        #expect(credit(.scalar("ESTABLISHED1"), .state(.established), .state) == nil)
        #expect(credit(.scalar("connected"), .state(.established), .state) == nil)
        #expect(credit(.list(["ESTABLISHED"]), .state(.established), .state) == nil)
    }

    @Test func aListOfStatesReadsEachItemAsAState() {
        let key = AnswerValue.list([.state(.established), .state(.finWait1), .state(.finWait2), .state(.timeWait), .state(.closed)])
        #expect(credit(.list(["ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"]), key, .list) == 1)
        #expect(credit(.list(["established", "FIN-WAIT-1", "fin wait 2", "time-wait", "closed"]), key, .list) == 1)
        #expect(credit(.scalar("ESTABLISHED → FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT → CLOSED"), key, .list) == 1)
        #expect(credit(.list(["ESTABLISHED", "FIN_WAIT_2", "FIN_WAIT_1", "TIME_WAIT", "CLOSED"]), key, .list) == 0)
        #expect(credit(.list(["ESTABLISHED", "FIN_WAIT_1", "CLOSED"]), key, .list, partial: .prefix) == 2.0 / 5.0)
    }

    @Test func aListOfSegmentsReadsFlagsInAnyUsualSpelling() {
        let key = AnswerValue.list([.segment("SYN"), .segment("SYN+ACK"), .segment("ACK")])
        for written in [RawAnswer.list(["SYN", "SYN+ACK", "ACK"]), .list(["syn", "syn/ack", "ack"]), .scalar("SYN, SYN-ACK, ACK"),
                        .scalar("syn > syn ack > ack")] {
            #expect(credit(written, key, .list) == 1, "\(written)")
        }
        #expect(credit(.list(["SYN", "ACK", "SYN+ACK"]), key, .list) == 0)
        #expect(credit(.list(["SYN", "ACK+SYN", "ACK"]), key, .list) == 0)
    }

    @Test func aListOfCallResults() {
        let key = AnswerValue.list([.errno(.EWOULDBLOCK), .integer(50), .never])
        #expect(credit(.list(["EWOULDBLOCK", "50", "never"]), key, .list) == 1)
        #expect(credit(.list(["ewouldblock", "50", "NEVER"]), key, .list) == 1)
        #expect(credit(.list(["EWOULDBLOCK", "50", "0"]), key, .list) == 0)
        #expect(credit(.list(["EAGAIN", "50", "never"]), key, .list) == 0)
    }

    @Test func choicesCompareTheKeysNameWithoutRegardToCase() {
        let errnos = ["none", "EPIPE", "ECONNRESET"]
        #expect(credit(.scalar("EPIPE"), .errno(.EPIPE), .choice, choices: errnos) == 1)
        #expect(credit(.scalar("epipe"), .errno(.EPIPE), .choice, choices: errnos) == 1)
        #expect(credit(.scalar("none"), .errno(.EPIPE), .choice, choices: errnos) == 0)
        #expect(credit(.scalar("NONE"), .errno(nil), .choice, choices: errnos) == 1)
        #expect(credit(.scalar("EBADF"), .errno(.EPIPE), .choice, choices: errnos) == nil)

        let endpoints = ["10.0.0.1:49152", "*:80", "none"]
        #expect(credit(.scalar("10.0.0.1:49152"), .endpoint(Endpoint("10.0.0.1", 49152)), .choice, choices: endpoints) == 1)
        #expect(credit(.scalar("*:80"), .endpoint(Endpoint("10.0.0.1", 49152)), .choice, choices: endpoints) == 0)
        #expect(credit(.scalar("none"), .endpoint(nil), .choice, choices: endpoints) == 1)

        #expect(credit(.scalar("Deadlock"), .outcome(.deadlock), .choice, choices: ["completed", "deadlock"]) == 1)
        #expect(credit(.scalar("completed"), .outcome(.deadlock), .choice, choices: ["completed", "deadlock"]) == 0)

        // A state asked as a choice compares by the choice's text, as it always has.
        #expect(credit(.scalar("listen"), .state(.listen), .choice, choices: ["LISTEN", "ESTABLISHED"]) == 1)
        #expect(credit(.scalar("ESTABLISHED"), .state(.listen), .choice, choices: ["LISTEN", "ESTABLISHED"]) == 0)
    }

    /// A key read for marking is the key's own rendering, never a re-reading of it.
    @Test func keysReadAsTheirKindAsks() {
        #expect(Marking.read(key: .state(.timeWait), as: .state) == .state(.timeWait))
        #expect(Marking.read(key: .state(.timeWait), as: .choice) == .word("TIME_WAIT"))
        #expect(Marking.read(key: .errno(nil), as: .choice) == .word("none"))
        #expect(Marking.read(key: .errno(.EPIPE), as: .choice) == .word("EPIPE"))
        #expect(Marking.read(key: .outcome(.completed), as: .choice) == .word("completed"))
        #expect(Marking.read(key: .endpoint(Endpoint("*", 80)), as: .choice) == .word("*:80"))
        #expect(Marking.read(key: .list([.state(.synReceived), .segment("FIN+ACK"), .integer(3), .errno(.EPIPE), .never]), as: .list)
                == .list(["SYN_RCVD", "FIN+ACK", "3", "EPIPE", "NEVER"]))
    }

    /// Every list item of a key reads as a student writing the item's rendering would read.
    @Test(arguments: TCPState.allCases.map(AnswerValue.Item.state) + Errno.allCases.map(AnswerValue.Item.errno)
          + ["SYN", "SYN+ACK", "ACK", "FIN", "FIN+ACK", "RST", "RST+ACK", "DATA"].map(AnswerValue.Item.segment)
          + [.integer(0), .integer(500), .integer(-3), .never])
    func keyItemsMeetStudentItems(_ item: AnswerValue.Item) {
        #expect(Marking.listItem(item) == Marking.normalizeItem(item.display))
    }
}
