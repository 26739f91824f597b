import Testing
@testable import SocketSim

/// The connection state value on its own: an event in, the effects out, no simulator.
struct ConnectionTests {
    static let timing = Connection.Timing(Parameters())
    static let client = Endpoint("10.0.0.1", 49152), server = Endpoint("10.0.0.2", 80)

    /// A segment from the server to the client.
    static func segment(_ flags: TCPFlags, seq: Int, ack: Int = 0, length: Int = 0) -> Segment {
        Segment(id: 0, fromHost: 1, toHost: 0, source: server, destination: client, seq: seq, ack: ack, flags: flags,
                window: 500, length: length, payload: [])
    }

    /// The client's side of the chapters' connection: ISS 1000, the server's 2000.
    static func established() -> Connection { .established(iss: 1000, irs: 2000, timing: timing) }

    /// What the simulator would do for a control segment: arm its retransmission timer.
    static func sent(_ effects: [ConnectionEffect], on c: inout Connection, now: Int) {
        for case .sendControl(let out) in effects {
            c.controlSegmentSent(Segment(id: 1, fromHost: 0, toHost: 1, source: client, destination: server, seq: out.seq,
                                         ack: out.ack, flags: out.flags, window: 500, length: 0, payload: []), now: now)
        }
    }

    @Test("a FIN in ESTABLISHED: an ACK of it, and CLOSE_WAIT")
    func finInEstablished() {
        var c = Self.established()
        let effects = c.receive(Self.segment([.fin, .ack], seq: 2001, ack: 1001), now: 5, orphaned: false)
        #expect(effects == [
            .transition(from: .established, to: .closeWait, cause: .rcvFin),
            .send(Outgoing(flags: .ack, seq: 1001, ack: 2002)),
        ])
        #expect(c.state == .closeWait)
        #expect(c.finReceived)
        #expect(c.rcvNxt == 2002)
    }

    @Test("a FIN that arrives again in TIME_WAIT restarts the 2MSL timer and is acknowledged again")
    func finAgainInTimeWait() {
        var c = Self.established()
        var effects = c.close(now: 0, sendQueueEmpty: true)
        Self.sent(effects, on: &c, now: 0)
        effects = c.receive(Self.segment([.fin, .ack], seq: 2001, ack: 1002), now: 10, orphaned: true)
        #expect(c.state == .timeWait)
        #expect(c.timeWaitUntil == 10 + 2 * Self.timing.msl)
        effects = c.receive(Self.segment([.fin, .ack], seq: 2001, ack: 1002), now: 500, orphaned: true)
        #expect(effects == [
            .annotate("FIN again in TIME_WAIT: ACK and restart the 2MSL timer"),
            .send(Outgoing(flags: .ack, seq: 1002, ack: 2002)),
        ])
        #expect(c.timeWaitUntil == 500 + 2 * Self.timing.msl)
    }

    @Test("the active close, one event at a time")
    func activeClose() {
        var c = Self.established()
        var effects = c.close(now: 0, sendQueueEmpty: true)
        #expect(effects == [
            .transition(from: .established, to: .finWait1, cause: .close),
            .sendControl(Outgoing(flags: [.fin, .ack], seq: 1001, ack: 2001)),
        ])
        #expect(c.fin == .sent(seq: 1001))
        #expect(c.sndNxt == 1002)
        Self.sent(effects, on: &c, now: 0)
        #expect(c.retransmission?.due == Self.timing.rto)

        // An ACK that does not cover the FIN changes nothing.
        #expect(c.receive(Self.segment(.ack, seq: 2001, ack: 1001), now: 1, orphaned: true).isEmpty)
        #expect(c.state == .finWait1)

        effects = c.receive(Self.segment(.ack, seq: 2001, ack: 1002), now: 2, orphaned: true)
        #expect(effects == [.transition(from: .finWait1, to: .finWait2, cause: .rcvAckOfFin)])
        #expect(c.fin == .acked)
        #expect(c.retransmission == nil)
        // Orphaned: the FIN_WAIT_2 timer runs.
        #expect(c.finWait2Until == 2 + Self.timing.finWait2Timeout)

        effects = c.receive(Self.segment([.fin, .ack], seq: 2001, ack: 1002), now: 3, orphaned: true)
        #expect(effects == [
            .transition(from: .finWait2, to: .timeWait, cause: .rcvFin),
            .send(Outgoing(flags: .ack, seq: 1002, ack: 2002)),
        ])
        #expect(c.finWait2Until == nil)
        #expect(c.nextTimer?.timer == .timeWait)

        effects = c.timerFired(.timeWait, now: 3 + 2 * Self.timing.msl)
        #expect(effects == [.transition(from: .timeWait, to: .closed, cause: .timeout2MSL), .reclaim])
        #expect(c.nextTimer == nil)
    }

    @Test("shutdown(SHUT_WR) keeps the descriptor: FIN_WAIT_2 without a timer")
    func shutdownKeepsFinWait2Open() {
        var c = Self.established()
        Self.sent(c.shutDownWriting(cause: .close, now: 0, orphaned: false, sendQueueEmpty: true), on: &c, now: 0)
        _ = c.receive(Self.segment(.ack, seq: 2001, ack: 1002), now: 2, orphaned: false)
        #expect(c.state == .finWait2)
        #expect(c.finWait2Until == nil)
        // A second shutdown does nothing.
        #expect(c.shutDownWriting(cause: .close, now: 3, orphaned: false, sendQueueEmpty: true).isEmpty)
    }

    @Test("a FIN waits behind bytes in SendQ")
    func finWaitsForSendQueue() {
        var c = Self.established()
        let effects = c.close(now: 0, sendQueueEmpty: false)
        #expect(effects == [.transition(from: .established, to: .finWait1, cause: .close)])
        #expect(c.fin == .pending)
        #expect(c.sendFINIfReady(sendQueueEmpty: false).isEmpty)
        #expect(c.sendFINIfReady(sendQueueEmpty: true) == [.sendControl(Outgoing(flags: [.fin, .ack], seq: 1001, ack: 2001))])
        #expect(c.sendFINIfReady(sendQueueEmpty: true).isEmpty)
    }

    @Test("the retransmission timer sends the segment again and doubles the RTO, then gives up")
    func retransmissionTimer() throws {
        var c = Connection(timing: Self.timing)
        let effects = c.connect(iss: 1000, now: 0)
        #expect(effects == [
            .transition(from: .closed, to: .synSent, cause: .activeOpen),
            .sendControl(Outgoing(flags: .syn, seq: 1000, ack: 0)),
        ])
        Self.sent(effects, on: &c, now: 0)
        var now = 0
        var rto = Self.timing.rto
        for n in 1...Self.timing.maxRetransmissions {
            let r = try #require(c.retransmission)
            #expect(r.due == now + rto)
            now = r.due
            let fired = c.timerFired(.retransmit, now: now)
            guard case .retransmit(let seg, let note)? = fired.first, fired.count == 1 else {
                Issue.record("expected one retransmission, got \(fired)")
                return
            }
            #expect(seg.flags == .syn && seg.seq == 1000)
            #expect(note == "retransmission \(n)")
            rto *= 2
            #expect(c.retransmission?.rto == rto)
        }
        let last = c.timerFired(.retransmit, now: now + rto)
        #expect(last == [.aborted, .transition(from: .synSent, to: .closed, cause: .retransmissionTimeout), .reclaim])
        #expect(c.pendingError == .ETIMEDOUT)
        #expect(c.history == .aborted)
        #expect(c.nextTimer == nil)
    }

    struct ResetCase: CustomTestStringConvertible, Sendable {
        var name: String
        var connection: @Sendable () -> Connection
        var error: Errno?
        var testDescription: String { name }
    }

    static let resets: [ResetCase] = [
        ResetCase(name: "SYN_SENT: ECONNREFUSED", connection: {
            var c = Connection(timing: timing)
            _ = c.connect(iss: 1000, now: 0)
            return c
        }, error: .ECONNREFUSED),
        ResetCase(name: "ESTABLISHED: ECONNRESET", connection: { established() }, error: .ECONNRESET),
        ResetCase(name: "CLOSE_WAIT: EPIPE", connection: {
            var c = established()
            _ = c.receive(segment([.fin, .ack], seq: 2001, ack: 1001), now: 0, orphaned: false)
            return c
        }, error: .EPIPE),
        ResetCase(name: "TIME_WAIT ignores RST (RFC 1337)", connection: {
            var c = established()
            _ = c.close(now: 0, sendQueueEmpty: true)
            _ = c.receive(segment([.fin, .ack], seq: 2001, ack: 1002), now: 0, orphaned: true)
            return c
        }, error: nil),
    ]

    @Test("RST: the error the program sees", arguments: resets)
    func reset(_ row: ResetCase) {
        var c = row.connection()
        let before = c.state
        let effects = c.receive(Self.segment([.rst, .ack], seq: 2001, ack: 1001), now: 7, orphaned: false)
        if let error = row.error {
            #expect(effects == [.aborted, .transition(from: before, to: .closed, cause: .rcvRst), .reclaim])
            #expect(c.pendingError == error)
            #expect(c.state == .closed)
        } else {
            #expect(effects.isEmpty)
            #expect(c.state == before)
        }
    }

    @Test("a listener's SYN: SYN_RCVD answers SYN+ACK; the ACK completes the handshake")
    func passiveOpen() {
        let syn = Segment(id: 0, fromHost: 0, toHost: 1, source: Self.client, destination: Self.server, seq: 1000, ack: 0,
                          flags: .syn, window: 500, length: 0, payload: [])
        var (c, effects) = Connection.accepting(syn, iss: 2000, now: 0, timing: Self.timing)
        #expect(effects == [
            .transition(from: .listen, to: .synReceived, cause: .rcvSyn),
            .sendControl(Outgoing(flags: [.syn, .ack], seq: 2000, ack: 1001)),
        ])
        Self.sent(effects, on: &c, now: 0)
        // The SYN again: the same SYN+ACK again.
        effects = c.receive(syn, now: 1, orphaned: true)
        guard case .resend(let again, _)? = effects.first else {
            Issue.record("expected the SYN+ACK again, got \(effects)")
            return
        }
        #expect(again.flags == [.syn, .ack] && again.seq == 2000)
        var ack = syn
        ack.flags = .ack
        ack.seq = 1001
        ack.ack = 2001
        effects = c.receive(ack, now: 2, orphaned: true)
        #expect(effects == [.transition(from: .synReceived, to: .established, cause: .rcvAckOfSyn), .handshakeCompleted])
        #expect(c.retransmission == nil)
    }

    // MARK: - Properties

    /// A random event, as the simulator could hand one to a connection.
    enum Event: CustomStringConvertible {
        case segment(TCPFlags, seqOffset: Int, ackOffset: Int)
        case close, shutdownWrite, shutdownRead, finReady(Bool), timer, abort

        var description: String {
            switch self {
            case .segment(let f, let s, let a): return "segment \(f.label) seq+\(s) ack+\(a)"
            case .close: return "close"
            case .shutdownWrite: return "shutdown write"
            case .shutdownRead: return "shutdown read"
            case .finReady(let empty): return "FIN if ready (SendQ empty: \(empty))"
            case .timer: return "next timer"
            case .abort: return "abort"
            }
        }

        static func random(using rng: inout SplitMix64) -> Event {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                var flags: TCPFlags = []
                for f in [TCPFlags.syn, .ack, .fin, .rst] where Int.random(in: 0..<3, using: &rng) == 0 { flags.insert(f) }
                return .segment(flags, seqOffset: Int.random(in: -1...1, using: &rng), ackOffset: Int.random(in: -1...2, using: &rng))
            case 5: return .close
            case 6: return .shutdownWrite
            case 7: return [.shutdownRead, .abort].randomElement(using: &rng)!
            case 8: return .finReady(Bool.random(using: &rng))
            default: return .timer
            }
        }
    }

    /// Applies `event` as the simulator would; the segment is from the peer, near what it expects.
    static func apply(_ event: Event, to c: inout Connection, now: inout Int, orphaned: inout Bool) -> [ConnectionEffect] {
        var effects: [ConnectionEffect]
        switch event {
        case .segment(let flags, let s, let a):
            let base = flags.contains(.syn) ? c.irs : c.rcvNxt
            effects = c.receive(segment(flags, seq: base + s, ack: c.sndNxt + a), now: now, orphaned: orphaned)
        case .close:
            orphaned = true
            effects = c.close(now: now, sendQueueEmpty: true)
        case .shutdownWrite:
            effects = c.shutDownWriting(cause: .close, now: now, orphaned: orphaned, sendQueueEmpty: false)
        case .shutdownRead:
            effects = c.shutDownReading()
        case .finReady(let empty):
            effects = c.sendFINIfReady(sendQueueEmpty: empty)
        case .timer:
            guard let (due, timer) = c.nextTimer else { return [] }
            now = max(now, due)
            effects = c.timerFired(timer, now: now)
        case .abort:
            effects = c.abort(error: .ECONNRESET, cause: .rcvRst, now: now)
        }
        sent(effects, on: &c, now: now)
        now += 1
        return effects
    }

    /// Where a random run starts: each way a connection comes to be.
    static func start(_ kind: Int, rng: inout SplitMix64) -> Connection {
        switch kind {
        case 0:
            var c = Connection(timing: timing)
            sent(c.connect(iss: 1000, now: 0), on: &c, now: 0)
            return c
        case 1:
            var c = Connection(timing: timing)
            _ = c.listen(now: 0)
            return c
        case 2:
            let syn = Segment(id: 0, fromHost: 0, toHost: 1, source: client, destination: server, seq: 2000, ack: 0,
                              flags: .syn, window: 500, length: 0, payload: [])
            var (c, effects) = Connection.accepting(syn, iss: 1000, now: 0, timing: timing)
            sent(effects, on: &c, now: 0)
            return c
        default:
            return established()
        }
    }

    /// Checks one run's invariants after each event; returns the first broken one.
    static func violation(after effects: [ConnectionEffect], from before: Connection, event: Event, to c: Connection) -> String? {
        // The transitions chain from the old state to the new one, along arrows of RFC 9293.
        var state = before.state
        for case .transition(let from, let to, _) in effects {
            if from != state { return "transition from \(from), but the state was \(state)" }
            if !Transition.rfc9293.contains(Transition(from, to)) { return "\(from) -> \(to) is not an arrow" }
            state = to
        }
        if state != c.state { return "ended in \(c.state), the transitions say \(state)" }
        // CLOSED and LISTEN send nothing (a listener's children are separate connections).
        let sends = effects.contains { e in
            switch e {
            case .send, .sendControl, .resend, .retransmit: return true
            case .transition, .annotate, .handshakeCompleted, .aborted, .discardReceived, .reclaim: return false
            }
        }
        if sends && (before.state == .closed || before.state == .listen) { return "sent a segment in \(before.state)" }
        // A CLOSED connection runs no timer.
        if c.state == .closed && c.nextTimer != nil { return "CLOSED with a timer running" }
        // The FIN's progress matches the state.
        switch c.state {
        case .finWait2, .timeWait:
            if c.fin != .acked { return "\(c.state) with FIN \(c.fin)" }
        case .finWait1, .closing, .lastAck:
            if c.fin == .none || c.fin == .acked { return "\(c.state) with FIN \(c.fin)" }
        case .listen, .synSent, .synReceived, .established, .closeWait:
            if c.fin != .none { return "\(c.state) with FIN \(c.fin)" }
        case .closed:
            break
        }
        // Only a state with an unacknowledged SYN or FIN waits to retransmit.
        if c.retransmission != nil {
            switch c.state {
            case .synSent, .synReceived, .finWait1, .closing, .lastAck: break
            case .closed, .listen, .established, .finWait2, .closeWait, .timeWait:
                return "retransmission timer running in \(c.state)"
            }
        }
        if c.fin != .none && !c.shutdown.contains(.write) { return "a FIN without a shutdown of writing" }
        return nil
    }

    @Test("random events keep the connection's invariants", arguments: 0..<40)
    func randomEvents(seed: UInt64) {
        var rng = SplitMix64(seed: 0xC0_11EC_7100 &+ seed)
        var c = Self.start(Int(seed % 4), rng: &rng)
        var now = 1, orphaned = false
        var events: [Event] = []
        for _ in 0..<60 {
            let event = Event.random(using: &rng)
            events.append(event)
            let before = c
            let effects = Self.apply(event, to: &c, now: &now, orphaned: &orphaned)
            if let problem = Self.violation(after: effects, from: before, event: event, to: c) {
                Issue.record("seed \(seed): \(problem) after \(events.map(\.description))")
                return
            }
        }
    }
}
