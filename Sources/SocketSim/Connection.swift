/// One socket's TCP connection as a state value: the RFC 9293 state, the sequence numbers, the FIN
/// bookkeeping and the timers.
///
/// Every event (a segment arrived, the program closed, a timer fired) is a `mutating` method that
/// changes the connection and returns the effects to perform, in order: segments to send, state
/// changes to record, the socket to reclaim. The connection never touches the network, the clock
/// or another socket; the simulator performs the effects (`Simulator.perform(_:on:toHost:)`). That
/// keeps each rule of the state machine in one place, testable without a simulator, in the spirit
/// of swift-nio's state machines.
///
/// What is not connection state stays on the socket record: the queues and their byte counts, the
/// addresses, the descriptor, the listener's lists.
struct Connection: Sendable {
    var state: TCPState = .closed
    /// Whether the socket ever took part in a connection, and whether that connection was aborted.
    var history: History = .fresh
    /// Initial and next sequence numbers, ours (`iss`, `sndNxt`) and the peer's (`irs`, `rcvNxt`).
    var iss = 0
    var sndNxt = 0
    var irs = 0
    var rcvNxt = 0
    /// Which directions the program shut down (`shutdown`, or `close` for writing).
    var shutdown: Shutdown = []
    /// Our FIN: not asked for, waiting for SendQ to drain, in flight, acknowledged.
    var fin: FINProgress = .none
    /// The peer's FIN has arrived: the byte stream from the peer is over.
    var finReceived = false
    /// The control segment (SYN, SYN+ACK, FIN) waiting for its acknowledgement, and its timer.
    var retransmission: Retransmission?
    var timeWaitUntil: Int?
    var finWait2Until: Int?
    /// The error the program's next call reports (once), after a reset or a timeout.
    var pendingError: Errno?
    let timing: Timing

    init(timing: Timing) {
        self.timing = timing
    }

    /// A connection that is already up, as the buffering chapters begin.
    static func established(iss: Int, irs: Int, timing: Timing) -> Connection {
        var c = Connection(timing: timing)
        c.state = .established
        c.history = .opened
        c.iss = iss
        c.sndNxt = iss + 1
        c.irs = irs
        c.rcvNxt = irs + 1
        return c
    }

    /// Whether the socket ever took part in a connection, and how that ended.
    ///
    /// A CLOSED socket that never connected can still `bind`, `listen` and `connect`; one whose
    /// connection is over cannot. A reset connection's `recv` sees end of stream once its error is
    /// reported. A reset is only possible on a socket that was connected, so one enum holds both.
    enum History: Sendable, Hashable {
        case fresh
        case opened
        case aborted
    }

    /// The directions the program has shut down.
    struct Shutdown: OptionSet, Sendable, Hashable {
        let rawValue: UInt8
        static let read = Shutdown(rawValue: 1 << 0)
        static let write = Shutdown(rawValue: 1 << 1)
    }

    /// Where our FIN is: a FIN is asked for only after writing is shut down, and acknowledged only
    /// after it was sent, so the four stages are one value rather than three flags.
    enum FINProgress: Sendable, Hashable {
        case none
        /// Writing is shut down; the FIN goes once SendQ has drained.
        case pending
        /// In flight, at sequence number `seq`.
        case sent(seq: Int)
        case acked
    }

    /// The control segment waiting for an acknowledgement: when it is sent again, how many times
    /// it was, and the current (doubling) timeout.
    struct Retransmission: Sendable, Hashable {
        var segment: Segment
        var due: Int
        var count = 0
        var rto: Int
    }

    /// The timer values of the parameters, copied in so that the connection's rules need nothing else.
    struct Timing: Sendable, Hashable {
        var rto: Int
        var msl: Int
        var finWait2Timeout: Int
        var maxRetransmissions: Int

        init(_ p: Parameters) {
            rto = p.rto
            msl = p.msl
            finWait2Timeout = p.finWait2Timeout
            maxRetransmissions = p.maxRetransmissions
        }
    }

    /// The timers a connection can have running.
    enum Timer: Sendable, Hashable {
        case retransmit, timeWait, finWait2
    }

    var everConnected: Bool {
        switch history {
        case .fresh: return false
        case .opened, .aborted: return true
        }
    }

    /// Whether our FIN has been sent (it may be acknowledged too).
    var finSent: Bool {
        switch fin {
        case .none, .pending: return false
        case .sent, .acked: return true
        }
    }

    /// The earliest running timer.
    var nextTimer: (due: Int, timer: Timer)? {
        var best: (Int, Timer)?
        for (t, kind) in [(retransmission?.due, Timer.retransmit), (timeWaitUntil, .timeWait), (finWait2Until, .finWait2)] {
            if let t, best.map({ t < $0.0 }) ?? true { best = (t, kind) }
        }
        return best
    }
}

/// What the simulator does for a connection's event, in the order given.
enum ConnectionEffect: Sendable, Hashable {
    /// A pure ACK or a RST: addressed from the socket to its remote end, never retransmitted.
    case send(Outgoing)
    /// A SYN, SYN+ACK or FIN: sent like `send`, then handed back with `controlSegmentSent` to arm
    /// its retransmission timer.
    case sendControl(Outgoing)
    /// The same segment (same number) in flight again, with a note for the trace.
    case resend(Segment, note: String)
    /// A copy of a segment under a new number, with a note for the trace.
    case retransmit(Segment, note: String)
    /// A state change to record, with the arrow's label.
    case transition(from: TCPState, to: TCPState, cause: TransitionCause)
    /// A note on the segment event recorded last (the arriving segment).
    case annotate(String)
    /// The handshake of a listener's child finished: it moves to the listener's completed list.
    case handshakeCompleted
    /// The connection was given up: SendQ's bytes are lost and a listener's child leaves its lists.
    case aborted
    /// Reading was shut down: RecvQ's bytes are discarded.
    case discardReceived
    /// The connection is CLOSED: the structure goes once no descriptor refers to it.
    case reclaim
}

/// A segment as the connection sees it; the simulator adds the number, addresses, hosts and window.
struct Outgoing: Sendable, Hashable {
    var flags: TCPFlags
    var seq: Int
    var ack: Int
}

// MARK: - Events

extension Connection {
    /// Moves to `to`, starting or stopping the timers that state has. Only the event methods call it
    /// (internal so that `Connection+Receive.swift` can); `orphaned` (no descriptor) starts the
    /// FIN_WAIT_2 timer.
    mutating func enter(_ to: TCPState, _ cause: TransitionCause, now: Int, orphaned: Bool,
                                into effects: inout [ConnectionEffect]) {
        let from = state
        guard from != to else { return }
        assert(Transition.rfc9293.contains(Transition(from, to)), "\(from) -> \(to) is not an arrow of RFC 9293")
        state = to
        switch to {
        case .timeWait:
            timeWaitUntil = now + 2 * timing.msl
            finWait2Until = nil
        case .finWait2:
            if orphaned { finWait2Until = now + timing.finWait2Timeout }
        case .closed:
            retransmission = nil
            timeWaitUntil = nil
            finWait2Until = nil
        case .listen, .synSent, .synReceived, .established, .finWait1, .closeWait, .closing, .lastAck:
            break
        }
        effects.append(.transition(from: from, to: to, cause: cause))
    }

    /// Ends the connection: CLOSED, and the structure may go.
    mutating func finish(_ cause: TransitionCause, now: Int, into effects: inout [ConnectionEffect]) {
        enter(.closed, cause, now: now, orphaned: true, into: &effects)
        effects.append(.reclaim)
    }

    /// A control segment went out: wait for its acknowledgement, one RTO at first.
    mutating func controlSegmentSent(_ seg: Segment, now: Int) {
        retransmission = Retransmission(segment: seg, due: now + timing.rto, rto: timing.rto)
    }

    /// `listen` on a CLOSED socket.
    mutating func listen(now: Int) -> [ConnectionEffect] {
        var effects: [ConnectionEffect] = []
        enter(.listen, .passiveOpen, now: now, orphaned: false, into: &effects)
        return effects
    }

    /// `connect`: a SYN with our initial sequence number.
    mutating func connect(iss: Int, now: Int) -> [ConnectionEffect] {
        history = .opened
        self.iss = iss
        sndNxt = iss + 1
        var effects: [ConnectionEffect] = []
        enter(.synSent, .activeOpen, now: now, orphaned: false, into: &effects)
        effects.append(.sendControl(Outgoing(flags: .syn, seq: iss, ack: 0)))
        return effects
    }

    /// A listener's SYN: a new connection born from the listener (LISTEN -> SYN_RCVD) answers SYN+ACK.
    static func accepting(_ syn: Segment, iss: Int, now: Int, timing: Timing) -> (Connection, [ConnectionEffect]) {
        var c = Connection(timing: timing)
        c.state = .listen
        c.history = .opened
        c.irs = syn.seq
        c.rcvNxt = syn.seq + 1
        c.iss = iss
        c.sndNxt = iss + 1
        var effects: [ConnectionEffect] = []
        c.enter(.synReceived, .rcvSyn, now: now, orphaned: true, into: &effects)
        effects.append(.sendControl(Outgoing(flags: [.syn, .ack], seq: iss, ack: c.rcvNxt)))
        return (c, effects)
    }

    /// Sends our FIN once writing is shut down and SendQ has drained.
    mutating func sendFINIfReady(sendQueueEmpty: Bool) -> [ConnectionEffect] {
        guard case .pending = fin, sendQueueEmpty else { return [] }
        fin = .sent(seq: sndNxt)
        sndNxt += 1
        return [.sendControl(Outgoing(flags: [.fin, .ack], seq: sndNxt - 1, ack: rcvNxt))]
    }

    /// `shutdown(SHUT_RD)`: later data is discarded.
    mutating func shutDownReading() -> [ConnectionEffect] {
        guard !shutdown.contains(.read) else { return [] }
        shutdown.insert(.read)
        return [.discardReceived]
    }

    /// `shutdown(SHUT_WR)`, or `close` of a connection: our FIN goes once SendQ has drained.
    mutating func shutDownWriting(cause: TransitionCause, now: Int, orphaned: Bool,
                                  sendQueueEmpty: Bool) -> [ConnectionEffect] {
        guard !shutdown.contains(.write) else { return [] }
        shutdown.insert(.write)
        var effects: [ConnectionEffect] = []
        switch state {
        case .established, .synReceived:
            fin = .pending
            enter(.finWait1, cause, now: now, orphaned: orphaned, into: &effects)
        case .closeWait:
            fin = .pending
            enter(.lastAck, cause, now: now, orphaned: orphaned, into: &effects)
        // No connection to close, or our FIN is already on its way.
        case .closed, .listen, .synSent, .finWait1, .finWait2, .closing, .lastAck, .timeWait:
            return effects
        }
        effects += sendFINIfReady(sendQueueEmpty: sendQueueEmpty)
        return effects
    }

    /// `close`: the descriptor is gone (`orphaned` from now on). A listener's children are the
    /// simulator's to reset (`listenerClosed`) before this.
    mutating func close(now: Int, sendQueueEmpty: Bool) -> [ConnectionEffect] {
        var effects: [ConnectionEffect] = []
        switch state {
        case .closed:
            effects.append(.reclaim)
        case .listen, .synSent:
            finish(.closeWithoutFin, now: now, into: &effects)
        case .synReceived, .established, .closeWait:
            effects += shutDownWriting(cause: .close, now: now, orphaned: true, sendQueueEmpty: sendQueueEmpty)
        case .finWait2:
            if finWait2Until == nil { finWait2Until = now + timing.finWait2Timeout }
        case .finWait1, .closing, .lastAck, .timeWait:
            break
        }
        return effects
    }

    /// The listener this connection waited in was closed before `accept`: RST to the peer.
    mutating func listenerClosed(now: Int) -> [ConnectionEffect] {
        var effects: [ConnectionEffect] = [.send(Outgoing(flags: [.rst, .ack], seq: sndNxt, ack: rcvNxt))]
        finish(.listenerClosed, now: now, into: &effects)
        return effects
    }

    /// Data arrived after the program closed the socket: RST, and the connection is over.
    mutating func dataAfterClose(now: Int) -> [ConnectionEffect] {
        var effects: [ConnectionEffect] = [.send(Outgoing(flags: .rst, seq: sndNxt, ack: 0))]
        finish(.rcvDataAfterClose, now: now, into: &effects)
        return effects
    }

    /// Gives up: CLOSED, and the program's next call sees `error`.
    mutating func abort(error: Errno, cause: TransitionCause, now: Int) -> [ConnectionEffect] {
        pendingError = error
        history = .aborted
        if case .pending = fin { fin = .none }
        var effects: [ConnectionEffect] = [.aborted]
        finish(cause, now: now, into: &effects)
        return effects
    }

    /// A timer is due at `now`.
    mutating func timerFired(_ timer: Timer, now: Int) -> [ConnectionEffect] {
        var effects: [ConnectionEffect] = []
        switch timer {
        case .retransmit:
            guard var r = retransmission else { return effects }
            if r.count >= timing.maxRetransmissions {
                retransmission = nil
                return abort(error: .ETIMEDOUT, cause: .retransmissionTimeout, now: now)
            }
            r.count += 1
            r.rto *= 2
            r.due = now + r.rto
            retransmission = r
            var copy = r.segment
            copy.ack = rcvNxt
            effects.append(.retransmit(copy, note: "retransmission \(r.count)"))
        case .timeWait:
            timeWaitUntil = nil
            finish(.timeout2MSL, now: now, into: &effects)
        case .finWait2:
            finWait2Until = nil
            finish(.finWait2Timeout, now: now, into: &effects)
        }
        return effects
    }

    var ack: Outgoing { Outgoing(flags: .ack, seq: sndNxt, ack: rcvNxt) }
}
