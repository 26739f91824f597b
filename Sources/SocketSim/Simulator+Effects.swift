/// Performing what a connection's event asked for (`ConnectionEffect`): the connection decides,
/// the simulator numbers and addresses segments, puts them in flight and records the trace.
extension Simulator {
    /// Performs `effects` for socket `sid`, in order. `toHost` addresses its segments to a host
    /// known already (the one a SYN came from, the one `connect` resolved) instead of the owner of
    /// the remote address.
    mutating func perform(_ effects: [ConnectionEffect], on sid: Int, toHost: Int? = nil) {
        for effect in effects {
            switch effect {
            case .send(let out):
                if let seg = segment(out, from: sid, toHost: toHost) {
                    network.append(seg)
                    record(.sent, seg)
                }
            case .sendControl(let out):
                if let seg = segment(out, from: sid, toHost: toHost) {
                    network.append(seg)
                    record(.sent, seg)
                    sockets[sid].connection.controlSegmentSent(seg, now: clock)
                }
            case .resend(let seg, let note):
                network.append(seg)
                record(.retransmitted, seg, note: note)
            case .retransmit(var seg, let note):
                seg.id = newSegmentID()
                network.append(seg)
                record(.retransmitted, seg, note: note)
            case .transition(let from, let to, let cause):
                if recording {
                    changes.append(StateChange(socket: sid, host: hosts[sockets[sid].host].config.name, from: from, to: to,
                                               cause: cause, time: clock))
                }
            case .annotate(let note):
                if recording, let i = events.indices.last { events[i].note = note }
            case .handshakeCompleted:
                if let parent = sockets[sid].parent {
                    sockets[parent].incomplete.removeAll { $0 == sid }
                    sockets[parent].completed.append(sid)
                }
            case .aborted:
                sockets[sid].bytesLost += sockets[sid].sendQ.removeAll()
                if let parent = sockets[sid].parent {
                    sockets[parent].incomplete.removeAll { $0 == sid }
                    sockets[parent].completed.removeAll { $0 == sid }
                    sockets[sid].parent = nil
                }
            case .discardReceived:
                sockets[sid].bytesDiscarded += sockets[sid].recvQ.removeAll()
            case .reclaim:
                release(sid)
            }
        }
    }

    /// The segment for `out`: numbered, from the socket's address to its remote end, with the
    /// window of its RecvQ (0 on a RST); nil for a socket with no remote end to send to.
    mutating func segment(_ out: Outgoing, from sid: Int, toHost: Int?) -> Segment? {
        let s = sockets[sid]
        guard let local = s.local, let remote = s.remote, let to = toHost ?? hostIndex(owning: remote.address) else { return nil }
        return Segment(id: newSegmentID(), fromHost: s.host, toHost: to, source: local, destination: remote,
                       seq: out.seq, ack: out.ack, flags: out.flags, window: out.flags.contains(.rst) ? 0 : window(sid),
                       length: 0, payload: [])
    }
}
