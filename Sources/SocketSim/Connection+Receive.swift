/// A segment arriving on a connection: the handshakes, acknowledgements of our FIN, the peer's FIN
/// and RST (RFC 9293, 3.10.7).
extension Connection {
    /// A segment for this connection arrived at `now`; `orphaned` says that no descriptor refers
    /// to the socket (an orphaned FIN_WAIT_2 socket starts its timer).
    mutating func receive(_ seg: Segment, now: Int, orphaned: Bool) -> [ConnectionEffect] {
        if seg.flags.contains(.rst) { return receiveReset(now: now) }
        var effects: [ConnectionEffect] = []
        switch state {
        case .closed, .listen:
            return effects
        case .synSent:
            receiveInSynSent(seg, now: now, into: &effects)
            return effects
        case .synReceived:
            receiveInSynReceived(seg, now: now, orphaned: orphaned, into: &effects)
            return effects
        case .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait:
            break
        }
        // Synchronized states.
        if seg.flags.contains(.syn) {
            // A retransmitted SYN+ACK: our ACK was lost. Acknowledge again.
            effects.append(.send(ack))
            return effects
        }
        var ackedFIN = false
        if seg.flags.contains(.ack), case .sent(let finSeq) = fin, seg.ack >= finSeq + 1 {
            fin = .acked
            retransmission = nil
            ackedFIN = true
        }
        if seg.flags.contains(.fin) {
            receiveFIN(seg, ackedOurFIN: ackedFIN, now: now, orphaned: orphaned, into: &effects)
            return effects
        }
        guard ackedFIN else { return effects }
        switch state {
        case .finWait1: enter(.finWait2, .rcvAckOfFin, now: now, orphaned: orphaned, into: &effects)
        case .closing: enter(.timeWait, .rcvAckOfFin, now: now, orphaned: orphaned, into: &effects)
        case .lastAck: finish(.rcvAckOfFin, now: now, into: &effects)
        // Our FIN was acknowledged: only the three states above have one outstanding.
        case .closed, .listen, .synSent, .synReceived, .established, .finWait2, .closeWait, .timeWait: break
        }
        return effects
    }

    /// RST: the connection is over, with the error the program sees; TIME_WAIT ignores it (RFC 1337).
    private mutating func receiveReset(now: Int) -> [ConnectionEffect] {
        let error: Errno
        switch state {
        case .timeWait: return []
        case .synSent: error = .ECONNREFUSED
        case .closeWait: error = .EPIPE
        case .closed, .listen, .synReceived, .established, .finWait1, .finWait2, .closing, .lastAck: error = .ECONNRESET
        }
        return abort(error: error, cause: .rcvRst, now: now)
    }

    /// SYN_SENT: the SYN+ACK that finishes our open, or the peer's SYN of a simultaneous open.
    private mutating func receiveInSynSent(_ seg: Segment, now: Int, into effects: inout [ConnectionEffect]) {
        if seg.flags.contains(.syn) && seg.flags.contains(.ack) {
            guard seg.ack == iss + 1 else { return }
            irs = seg.seq
            rcvNxt = seg.seq + 1
            retransmission = nil
            enter(.established, .rcvSynAck, now: now, orphaned: false, into: &effects)
            effects.append(.send(ack))
        } else if seg.flags.contains(.syn) {
            // Simultaneous open: both sides sent SYN.
            irs = seg.seq
            rcvNxt = seg.seq + 1
            enter(.synReceived, .rcvSyn, now: now, orphaned: false, into: &effects)
            effects.append(.sendControl(Outgoing(flags: [.syn, .ack], seq: iss, ack: rcvNxt)))
        }
    }

    /// SYN_RCVD: the ACK of our SYN+ACK (perhaps with the peer's FIN), or its SYN again.
    private mutating func receiveInSynReceived(_ seg: Segment, now: Int, orphaned: Bool,
                                               into effects: inout [ConnectionEffect]) {
        if seg.flags.contains(.syn) && !seg.flags.contains(.ack) {
            // Our SYN+ACK was lost and the SYN came again: answer again.
            if let r = retransmission { effects.append(.resend(r.segment, note: "SYN arrived again")) }
            return
        }
        guard seg.flags.contains(.ack), seg.ack == iss + 1 else { return }
        retransmission = nil
        if seg.flags.contains(.syn) {
            irs = seg.seq
            rcvNxt = seg.seq + 1
        }
        enter(.established, .rcvAckOfSyn, now: now, orphaned: orphaned, into: &effects)
        effects.append(.handshakeCompleted)
        if seg.flags.contains(.syn) { effects.append(.send(ack)) }
        if seg.flags.contains(.fin) { receiveFIN(seg, ackedOurFIN: false, now: now, orphaned: orphaned, into: &effects) }
    }

    /// The peer's FIN (perhaps acknowledging ours): the matching close arrow, and an ACK.
    private mutating func receiveFIN(_ seg: Segment, ackedOurFIN: Bool, now: Int, orphaned: Bool,
                                     into effects: inout [ConnectionEffect]) {
        if !finReceived {
            finReceived = true
            rcvNxt = seg.seq + seg.sequenceLength
        }
        switch state {
        case .established, .synReceived:
            enter(.closeWait, .rcvFin, now: now, orphaned: orphaned, into: &effects)
        case .finWait1:
            enter(ackedOurFIN ? .timeWait : .closing, ackedOurFIN ? .rcvFinAckOfFin : .rcvFin, now: now,
                  orphaned: orphaned, into: &effects)
        case .finWait2:
            enter(.timeWait, .rcvFin, now: now, orphaned: orphaned, into: &effects)
        case .timeWait:
            // The peer did not get our last ACK and sent FIN again: acknowledge, and wait 2 MSL anew.
            timeWaitUntil = now + 2 * timing.msl
            effects.append(.annotate("FIN again in TIME_WAIT: ACK and restart the 2MSL timer"))
        case .closeWait, .closing, .lastAck:
            if ackedOurFIN, state == .lastAck {
                finish(.rcvAckOfFin, now: now, into: &effects)
                return
            }
            if ackedOurFIN, state == .closing { enter(.timeWait, .rcvAckOfFin, now: now, orphaned: orphaned, into: &effects) }
        case .closed, .listen, .synSent:
            return
        }
        effects.append(.send(ack))
    }
}
