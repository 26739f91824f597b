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
        let cISS = initialSequenceNumber(host: c), sISS = initialSequenceNumber(host: s)
        for (me, local, remote, h, iss, irs) in [(cid, cEnd, sEnd, c, cISS, sISS), (sid, sEnd, cEnd, s, sISS, cISS)] {
            sockets[me].local = local
            sockets[me].remote = remote
            sockets[me].connection = .established(iss: iss, irs: irs, timing: Connection.Timing(parameters))
            hosts[h].dataSocket = me
        }
        sockets[cid].peer = sid
        sockets[sid].peer = cid
    }

    func hostIndex(owning address: String) -> Int? {
        hosts.firstIndex { $0.config.addresses.contains(address) }
    }

    func window(_ sid: Int) -> Int { sockets[sid].recvQ.free }

    /// Sends a RST for a connection the host has no socket for (so no `Connection` to ask).
    mutating func emit(from host: Int, to: Int, source: Endpoint, destination: Endpoint, seq: Int, ack: Int,
                       flags: TCPFlags, window: Int) {
        let seg = Segment(id: newSegmentID(), fromHost: host, toHost: to, source: source, destination: destination,
                          seq: seq, ack: ack, flags: flags, window: window, length: 0, payload: [])
        network.append(seg)
        record(.sent, seg)
    }

    /// Sends FIN once the application has closed or shut down writing and SendQ has drained.
    mutating func sendFINIfReady(_ sid: Int) -> Bool {
        // Asked of every socket in every round: look before writing, since a write through the
        // table marks the socket for a new snapshot.
        guard !sockets[sid].freed, sockets[sid].sendQ.isEmpty, case .pending = sockets[sid].connection.fin else { return false }
        let effects = sockets[sid].connection.sendFINIfReady(sendQueueEmpty: sockets[sid].sendQ.isEmpty)
        perform(effects, on: sid)
        return !effects.isEmpty
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
        guard !sockets[sid].connection.finSent else { return 0 }
        // The other end's structure is gone (it timed out, or its RST was lost): its host answers RST.
        guard let pid = peer(of: sid) else { return dataToClosedSocket(sid, peer: nil) }
        if sockets[pid].state == .synSent {
            // A new connection that reuses this one's addresses and ports: its SYN_SENT socket takes
            // no data and answers the unacceptable ACK with RST (RFC 9293, 3.10.7.3).
            return dataToClosedSocket(sid, peer: nil)
        }
        sockets[sid].peer = pid
        if sockets[pid].fd == nil && sockets[pid].parent == nil && !sockets[pid].connection.finReceived || sockets[pid].state == .closed {
            // Data for a socket whose program has closed it: the peer answers with RST (what the
            // kernel does; the bytes of that segment are lost).
            return dataToClosedSocket(sid, peer: pid)
        }
        let mss = parameters.mss
        var moved = 0
        while moved < limit, !sockets[sid].sendQ.isEmpty, exceeded == nil {
            let shutRead = sockets[pid].connection.shutdown.contains(.read)
            let space = shutRead ? Int.max : sockets[pid].recvQ.free
            guard space > 0 else { break }
            // Without recording, move everything at once: the same bytes, counted per segment.
            let cap = recording ? mss : Int.max
            let chunk = min(cap, sockets[sid].sendQ.count, space, limit - moved)
            let runs = sockets[sid].sendQ.removeFirst(chunk)
            sockets[sid].bytesTransmitted += chunk
            sockets[pid].bytesArrived += chunk
            if shutRead {
                sockets[pid].bytesDiscarded += chunk
            } else {
                sockets[pid].recvQ.append(contentsOf: runs)
            }
            if recording, let local = sockets[sid].local, let remote = sockets[sid].remote {
                let seg = Segment(id: newSegmentID(), fromHost: sockets[sid].host, toHost: sockets[pid].host,
                                  source: local, destination: remote, seq: sockets[sid].connection.sndNxt, ack: sockets[sid].connection.rcvNxt,
                                  flags: [.psh, .ack], window: window(sid), length: chunk, payload: runs)
                record(.sent, seg)
                record(.delivered, seg)
            }
            sockets[sid].connection.sndNxt += chunk
            sockets[pid].connection.rcvNxt += chunk
            moved += chunk
        }
        if moved > 0, recording, let local = sockets[pid].local, let remote = sockets[pid].remote {
            let ack = Segment(id: newSegmentID(), fromHost: sockets[pid].host, toHost: sockets[sid].host, source: local,
                              destination: remote, seq: sockets[pid].connection.sndNxt, ack: sockets[pid].connection.rcvNxt, flags: .ack,
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
                              destination: remote, seq: sockets[sid].connection.sndNxt, ack: sockets[sid].connection.rcvNxt, flags: [.psh, .ack],
                              window: window(sid), length: chunk, payload: runs)
            record(.sent, seg)
            record(.delivered, seg, note: pid == nil ? "no socket for this connection: RST" : "the receiving program has closed the socket")
        }
        sockets[sid].connection.sndNxt += chunk
        guard let pid else {
            emit(from: peerHost, to: sockets[sid].host, source: remote, destination: local,
                 seq: sockets[sid].connection.rcvNxt, ack: 0, flags: .rst, window: 0)
            return max(chunk, 1)
        }
        // The peer aborts and answers with RST.
        perform(sockets[pid].connection.dataAfterClose(now: clock), on: pid, toHost: sockets[sid].host)
        return max(chunk, 1)
    }

    /// Gives up on a connection: the socket goes to CLOSED and its program sees `error`.
    mutating func abort(_ sid: Int, error: Errno, cause: TransitionCause) {
        perform(sockets[sid].connection.abort(error: error, cause: cause, now: clock), on: sid)
    }

    // MARK: - Receiving a segment

    mutating func receive(_ seg: Segment) {
        let h = seg.toHost
        if let sid = sockets.first(where: { !$0.freed && $0.host == h && $0.local == seg.destination && $0.remote == seg.source })?.id {
            perform(sockets[sid].connection.receive(seg, now: clock, orphaned: sockets[sid].fd == nil), on: sid)
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
        let (connection, effects) = Connection.accepting(seg, iss: initialSequenceNumber(host: h), now: clock,
                                                         timing: Connection.Timing(parameters))
        var child = SocketRecord(id: cid, host: h, fd: nil, sendQ: ByteQueue(capacity: hosts[h].sqs),
                                 recvQ: ByteQueue(capacity: hosts[h].rqs), connection: connection)
        child.local = seg.destination
        child.remote = seg.source
        child.parent = lid
        child.reuseAddress = l.reuseAddress
        sockets.append(child)
        sockets[lid].incomplete.append(cid)
        perform(effects, on: cid, toHost: seg.fromHost)
    }
}
