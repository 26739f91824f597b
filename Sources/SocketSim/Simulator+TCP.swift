/// TCP itself: segments, the handshakes, flow control and the state machine of RFC 9293.
extension Simulator {
    /// The buffering chapters start with a connection already up: client port 49152 to server port 80.
    mutating func establishInitialConnection() {
        let c = 0, s = 1
        let cid = newSocket(host: c).sid, sid = newSocket(host: s).sid
        let cAddr = route(from: c, to: hosts[s].config.addresses.first ?? "0.0.0.0")
        let sAddr = route(from: s, to: cAddr)
        let cEnd = Endpoint(cAddr, parameters.ephemeralFirst), sEnd = Endpoint(sAddr, 80)
        hosts[c].nextEphemeral = parameters.ephemeralFirst + 1
        for (me, local, remote, h) in [(cid, cEnd, sEnd, c), (sid, sEnd, cEnd, s)] {
            sockets[me].local = local
            sockets[me].remote = remote
            sockets[me].state = .established
            sockets[me].everConnected = true
            sockets[me].iss = initialSequenceNumber(host: h)
            sockets[me].sndNxt = sockets[me].iss + 1
            hosts[h].dataSocket = me
        }
        sockets[cid].peer = sid
        sockets[sid].peer = cid
        sockets[cid].irs = sockets[sid].iss
        sockets[cid].rcvNxt = sockets[sid].sndNxt
        sockets[sid].irs = sockets[cid].iss
        sockets[sid].rcvNxt = sockets[cid].sndNxt
    }

    func hostIndex(owning address: String) -> Int? {
        hosts.firstIndex { $0.config.addresses.contains(address) }
    }

    func window(_ sid: Int) -> Int { sockets[sid].recvQ.free }

    /// Puts a control segment (SYN, SYN+ACK, FIN) in flight and arms its retransmission timer.
    mutating func emitControl(_ sid: Int, flags: TCPFlags, seq: Int, toHost: Int? = nil) {
        let s = sockets[sid]
        guard let local = s.local, let remote = s.remote,
              let to = toHost ?? hostIndex(owning: remote.address) else { return }
        let ackFlag: TCPFlags = flags.contains(.syn) && !flags.contains(.ack) && s.state == .synSent ? [] : .ack
        let seg = Segment(id: newSegmentID(), fromHost: s.host, toHost: to, source: local, destination: remote,
                          seq: seq, ack: ackFlag.isEmpty ? 0 : s.rcvNxt, flags: flags.union(ackFlag),
                          window: window(sid), length: 0, payload: [])
        network.append(seg)
        record(.sent, seg)
        sockets[sid].retransmitSegment = seg
        sockets[sid].retransmissions = 0
        sockets[sid].currentRTO = parameters.rto
        sockets[sid].retransmitAt = clock + parameters.rto
    }

    /// Sends a segment that is never retransmitted: a pure ACK or a RST.
    mutating func emit(from host: Int, to: Int, source: Endpoint, destination: Endpoint, seq: Int, ack: Int,
                       flags: TCPFlags, window: Int) {
        let seg = Segment(id: newSegmentID(), fromHost: host, toHost: to, source: source, destination: destination,
                          seq: seq, ack: ack, flags: flags, window: window, length: 0, payload: [])
        network.append(seg)
        record(.sent, seg)
    }

    mutating func sendACK(_ sid: Int) {
        let s = sockets[sid]
        guard let local = s.local, let remote = s.remote, let to = hostIndex(owning: remote.address) else { return }
        emit(from: s.host, to: to, source: local, destination: remote, seq: s.sndNxt, ack: s.rcvNxt, flags: .ack, window: window(sid))
    }

    /// Sends FIN once the application has closed or shut down writing and SendQ has drained.
    mutating func sendFINIfReady(_ sid: Int) -> Bool {
        let s = sockets[sid]
        guard s.finPending, !s.finSent, s.sendQ.isEmpty, !s.freed else { return false }
        sockets[sid].finSent = true
        sockets[sid].finPending = false
        sockets[sid].finSeq = s.sndNxt
        sockets[sid].sndNxt += 1
        emitControl(sid, flags: .fin, seq: s.sndNxt)
        return true
    }

    /// The socket at the other end of `sid`'s connection, if its structure still exists.
    func peer(of sid: Int) -> Int? {
        let s = sockets[sid]
        if let p = s.peer, !sockets[p].freed, sockets[p].local == s.remote, sockets[p].remote == s.local { return p }
        guard let remote = s.remote, let local = s.local, let h = hostIndex(owning: remote.address) else { return nil }
        return sockets.first { !$0.freed && $0.host == h && $0.local == remote && $0.remote == local }?.id
    }

    /// Moves bytes from SendQ to the peer's RecvQ in order, in segments of at most MSS, never more
    /// than the peer's free space (flow control). Returns the bytes moved, and whether anything
    /// happened at all (bytes moved, a FIN sent, a RST drawn).
    mutating func transmitAll(limit: Int?, from: Int?) -> (bytes: Int, progress: Bool) {
        var bytes = 0
        var progress = false
        for sid in sockets.indices where !sockets[sid].freed && (from == nil || sockets[sid].host == from) {
            if !sockets[sid].sendQ.isEmpty {
                // Bytes that left SendQ: delivered, or lost to a socket that answered RST.
                let before = sockets[sid].bytesTransmitted + sockets[sid].bytesLost
                if transmit(sid, limit: limit ?? Int.max) > 0 { progress = true }
                bytes += sockets[sid].bytesTransmitted + sockets[sid].bytesLost - before
            }
            if sendFINIfReady(sid) { progress = true }
        }
        return (bytes, progress)
    }

    mutating func transmit(_ sid: Int, limit: Int) -> Int {
        switch sockets[sid].state {
        // CLOSING too: a FIN can arrive while our own FIN still waits behind bytes in SendQ.
        case .established, .closeWait, .finWait1, .closing, .lastAck: break
        case .closed, .listen, .synSent, .synReceived, .finWait2, .timeWait: return 0
        }
        guard !sockets[sid].finSent else { return 0 }
        // The other end's structure is gone (it timed out, or its RST was lost): its host answers RST.
        guard let pid = peer(of: sid) else { return dataToClosedSocket(sid, peer: nil) }
        if sockets[pid].state == .synSent {
            // A new connection that reuses this one's addresses and ports: its SYN_SENT socket takes
            // no data and answers the unacceptable ACK with RST (RFC 9293, 3.10.7.3).
            return dataToClosedSocket(sid, peer: nil)
        }
        sockets[sid].peer = pid
        if sockets[pid].fd == nil && sockets[pid].parent == nil && !sockets[pid].finReceived || sockets[pid].state == .closed {
            // Data for a socket whose program has closed it: the peer answers with RST (what the
            // kernel does; the bytes of that segment are lost).
            return dataToClosedSocket(sid, peer: pid)
        }
        let mss = parameters.mss
        var moved = 0
        while moved < limit, !sockets[sid].sendQ.isEmpty, exceeded == nil {
            let space = sockets[pid].shutRead ? Int.max : sockets[pid].recvQ.free
            guard space > 0 else { break }
            // Without recording, move everything at once: the same bytes, counted per segment.
            let cap = recording ? mss : Int.max
            let chunk = min(cap, sockets[sid].sendQ.count, space, limit - moved)
            let runs = sockets[sid].sendQ.removeFirst(chunk)
            sockets[sid].bytesTransmitted += chunk
            sockets[pid].bytesArrived += chunk
            if sockets[pid].shutRead {
                sockets[pid].bytesDiscarded += chunk
            } else {
                sockets[pid].recvQ.append(contentsOf: runs)
            }
            if recording, let local = sockets[sid].local, let remote = sockets[sid].remote {
                let seg = Segment(id: newSegmentID(), fromHost: sockets[sid].host, toHost: sockets[pid].host,
                                  source: local, destination: remote, seq: sockets[sid].sndNxt, ack: sockets[sid].rcvNxt,
                                  flags: [.psh, .ack], window: window(sid), length: chunk, payload: runs)
                record(.sent, seg)
                record(.delivered, seg)
            }
            sockets[sid].sndNxt += chunk
            sockets[pid].rcvNxt += chunk
            moved += chunk
        }
        if moved > 0, recording, let local = sockets[pid].local, let remote = sockets[pid].remote {
            let ack = Segment(id: newSegmentID(), fromHost: sockets[pid].host, toHost: sockets[sid].host, source: local,
                              destination: remote, seq: sockets[pid].sndNxt, ack: sockets[pid].rcvNxt, flags: .ack,
                              window: window(pid), length: 0, payload: [])
            record(.sent, ack)
            record(.delivered, ack)
        }
        return moved
    }

    /// Data for a socket whose program has closed it, or for a connection the peer host no longer
    /// has: the bytes of that segment are lost and the peer answers with RST (what the kernel does).
    mutating func dataToClosedSocket(_ sid: Int, peer pid: Int?) -> Int {
        guard let local = sockets[sid].local, let remote = sockets[sid].remote,
              let peerHost = pid.map({ sockets[$0].host }) ?? hostIndex(owning: remote.address) else { return 0 }
        let chunk = min(parameters.mss, sockets[sid].sendQ.count)
        let runs = sockets[sid].sendQ.removeFirst(chunk)
        // Lost, not transmitted: they never reach a RecvQ (accepted = SendQ + transmitted + lost).
        sockets[sid].bytesLost += chunk
        if recording {
            let seg = Segment(id: newSegmentID(), fromHost: sockets[sid].host, toHost: peerHost, source: local,
                              destination: remote, seq: sockets[sid].sndNxt, ack: sockets[sid].rcvNxt, flags: [.psh, .ack],
                              window: window(sid), length: chunk, payload: runs)
            record(.sent, seg)
            record(.delivered, seg, note: pid == nil ? "no socket for this connection: RST" : "the receiving program has closed the socket")
        }
        sockets[sid].sndNxt += chunk
        guard let pid else {
            emit(from: peerHost, to: sockets[sid].host, source: remote, destination: local,
                 seq: sockets[sid].rcvNxt, ack: 0, flags: .rst, window: 0)
            return max(chunk, 1)
        }
        // The peer aborts and answers with RST.
        if let local = sockets[pid].local, let remote = sockets[pid].remote {
            emit(from: sockets[pid].host, to: sockets[sid].host, source: local, destination: remote,
                 seq: sockets[pid].sndNxt, ack: 0, flags: .rst, window: 0)
        }
        if sockets[pid].state != .closed { setState(pid, .closed, .rcvDataAfterClose) }
        release(pid)
        return max(chunk, 1)
    }

    /// Sends RST to the other end of `sid` (closing a listener with unaccepted connections).
    mutating func resetPeer(of sid: Int) {
        let s = sockets[sid]
        guard let local = s.local, let remote = s.remote, let to = hostIndex(owning: remote.address) else { return }
        emit(from: s.host, to: to, source: local, destination: remote, seq: s.sndNxt, ack: s.rcvNxt, flags: [.rst, .ack], window: 0)
    }

    /// Gives up on a connection: the socket goes to CLOSED and its program sees `error`.
    mutating func abort(_ sid: Int, error: Errno, cause: TransitionCause) {
        sockets[sid].pendingError = error
        sockets[sid].wasReset = true
        sockets[sid].bytesLost += sockets[sid].sendQ.removeAll()
        sockets[sid].finPending = false
        if let parent = sockets[sid].parent {
            sockets[parent].incomplete.removeAll { $0 == sid }
            sockets[parent].completed.removeAll { $0 == sid }
            sockets[sid].parent = nil
        }
        setState(sid, .closed, cause)
        release(sid)
    }

    // MARK: - Receiving a segment

    mutating func receive(_ seg: Segment) {
        let h = seg.toHost
        if let sid = sockets.first(where: { !$0.freed && $0.host == h && $0.local == seg.destination && $0.remote == seg.source })?.id {
            receive(seg, on: sid)
            return
        }
        if seg.flags.contains(.syn), !seg.flags.contains(.ack),
           let lid = sockets.first(where: { s in
               !s.freed && s.host == h && s.state == .listen && s.local.map { $0.port == seg.destination.port && ($0.isWildcard || $0.address == seg.destination.address) } == true
           })?.id {
            acceptSYN(seg, listener: lid)
            return
        }
        // Nobody has this connection: answer with RST (unless it is a RST itself).
        guard !seg.flags.contains(.rst) else { return }
        let ack = seg.seq + seg.sequenceLength
        emit(from: h, to: seg.fromHost, source: seg.destination, destination: seg.source,
             seq: seg.flags.contains(.ack) ? seg.ack : 0, ack: ack, flags: seg.flags.contains(.ack) ? .rst : [.rst, .ack], window: 0)
        if recording, let last = events.indices.last { events[last].note = "no socket for this connection: RST" }
    }

    /// A SYN for a listener: a new socket structure in SYN_RCVD joins the listener's incomplete list.
    mutating func acceptSYN(_ seg: Segment, listener lid: Int) {
        let l = sockets[lid]
        guard l.incomplete.count + l.completed.count < max(l.backlog, 1) else {
            if recording, let i = events.lastIndex(where: { $0.segment.id == seg.id }) { events[i].note = "listen queue full: SYN ignored" }
            return
        }
        let h = l.host
        let cid = sockets.count
        var child = SocketRecord(id: cid, host: h, fd: nil, sendQ: ByteQueue(capacity: hosts[h].sqs), recvQ: ByteQueue(capacity: hosts[h].rqs))
        child.local = seg.destination
        child.remote = seg.source
        child.state = .listen  // born from the listener: LISTEN -> SYN_RCVD is the RFC's arrow
        child.parent = lid
        child.reuseAddress = l.reuseAddress
        child.everConnected = true
        child.irs = seg.seq
        child.rcvNxt = seg.seq + 1
        sockets.append(child)
        sockets[cid].iss = initialSequenceNumber(host: h)
        sockets[cid].sndNxt = sockets[cid].iss + 1
        sockets[lid].incomplete.append(cid)
        setState(cid, .synReceived, .rcvSyn)
        emitControl(cid, flags: [.syn, .ack], seq: sockets[cid].iss, toHost: seg.fromHost)
    }

    mutating func receive(_ seg: Segment, on sid: Int) {
        if seg.flags.contains(.rst) {
            let err: Errno = sockets[sid].state == .synSent ? .ECONNREFUSED : sockets[sid].state == .closeWait ? .EPIPE : .ECONNRESET
            if sockets[sid].state == .timeWait { return }  // RFC 1337: TIME_WAIT ignores RST
            abort(sid, error: err, cause: .rcvRst)
            return
        }
        switch sockets[sid].state {
        case .closed, .listen:
            return
        case .synSent:
            if seg.flags.contains(.syn) && seg.flags.contains(.ack) {
                guard seg.ack == sockets[sid].iss + 1 else { return }
                sockets[sid].irs = seg.seq
                sockets[sid].rcvNxt = seg.seq + 1
                sockets[sid].retransmitAt = nil
                sockets[sid].retransmitSegment = nil
                setState(sid, .established, .rcvSynAck)
                sendACK(sid)
            } else if seg.flags.contains(.syn) {
                // Simultaneous open: both sides sent SYN.
                sockets[sid].irs = seg.seq
                sockets[sid].rcvNxt = seg.seq + 1
                setState(sid, .synReceived, .rcvSyn)
                emitControl(sid, flags: [.syn, .ack], seq: sockets[sid].iss)
            }
            return
        case .synReceived:
            if seg.flags.contains(.syn) && !seg.flags.contains(.ack) {
                // Our SYN+ACK was lost and the SYN came again: answer again.
                if let rtx = sockets[sid].retransmitSegment { network.append(rtx); record(.retransmitted, rtx, note: "SYN arrived again") }
                return
            }
            guard seg.flags.contains(.ack), seg.ack == sockets[sid].iss + 1 else { return }
            sockets[sid].retransmitAt = nil
            sockets[sid].retransmitSegment = nil
            if seg.flags.contains(.syn) { sockets[sid].irs = seg.seq; sockets[sid].rcvNxt = seg.seq + 1 }
            setState(sid, .established, .rcvAckOfSyn)
            if let parent = sockets[sid].parent {
                sockets[parent].incomplete.removeAll { $0 == sid }
                sockets[parent].completed.append(sid)
            }
            if seg.flags.contains(.syn) { sendACK(sid) }
            if seg.flags.contains(.fin) { receiveFIN(seg, on: sid, ackedOurFIN: false) }
            return
        case .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait:
            break
        }

        // Synchronized states.
        if seg.flags.contains(.syn) {
            // A retransmitted SYN+ACK: our ACK was lost. Acknowledge again.
            sendACK(sid)
            return
        }
        var ackedFIN = false
        if seg.flags.contains(.ack), sockets[sid].finSent, !sockets[sid].finAcked, seg.ack >= sockets[sid].finSeq + 1 {
            sockets[sid].finAcked = true
            sockets[sid].retransmitAt = nil
            sockets[sid].retransmitSegment = nil
            ackedFIN = true
        }
        if seg.flags.contains(.fin) {
            receiveFIN(seg, on: sid, ackedOurFIN: ackedFIN)
            return
        }
        guard ackedFIN else { return }
        switch sockets[sid].state {
        case .finWait1: setState(sid, .finWait2, .rcvAckOfFin)
        case .closing: setState(sid, .timeWait, .rcvAckOfFin)
        case .lastAck:
            setState(sid, .closed, .rcvAckOfFin)
            release(sid)
        // Our FIN was acknowledged: only the three states above have one outstanding.
        case .closed, .listen, .synSent, .synReceived, .established, .finWait2, .closeWait, .timeWait: break
        }
    }

    mutating func receiveFIN(_ seg: Segment, on sid: Int, ackedOurFIN: Bool) {
        let isNew = !sockets[sid].finReceived
        if isNew {
            sockets[sid].finReceived = true
            sockets[sid].rcvNxt = seg.seq + seg.sequenceLength
        }
        switch sockets[sid].state {
        case .established, .synReceived:
            setState(sid, .closeWait, .rcvFin)
        case .finWait1:
            setState(sid, ackedOurFIN ? .timeWait : .closing, ackedOurFIN ? .rcvFinAckOfFin : .rcvFin)
        case .finWait2:
            setState(sid, .timeWait, .rcvFin)
        case .timeWait:
            // The peer did not get our last ACK and sent FIN again: acknowledge, and wait 2 MSL anew.
            sockets[sid].timeWaitUntil = clock + 2 * parameters.msl
            if recording, let i = events.indices.last { events[i].note = "FIN again in TIME_WAIT: ACK and restart the 2MSL timer" }
        case .closeWait, .closing, .lastAck:
            if ackedOurFIN, sockets[sid].state == .lastAck {
                setState(sid, .closed, .rcvAckOfFin)
                release(sid)
                return
            }
            if ackedOurFIN, sockets[sid].state == .closing { setState(sid, .timeWait, .rcvAckOfFin) }
        case .closed, .listen, .synSent:
            return
        }
        sendACK(sid)
    }
}
