/// The socket API as a program sees it: each call either returns now, fails with an errno, or blocks.
extension Simulator {
    /// What a call does when it starts: return (or fail) now, or wait for something. The call
    /// functions below decide; `start` alone makes a host wait.
    enum Begun {
        case done(CallResult)
        /// Block on socket `sid` until `wait` is met; `progress` and `origin` are a `send`'s so far.
        case wait(PendingCall.Wait, socket: Int, progress: Int = 0, origin: Origin? = nil)

        static func fail(_ e: Errno) -> Begun { .done(CallResult(error: e)) }
        static func ok(_ v: Int = 0) -> Begun { .done(CallResult(value: v)) }
    }

    /// Starts `call` on host `h` for step `index`: it returns now, or the host blocks in it.
    mutating func start(_ call: SocketCall, fd: Int?, host h: Int, index: Int, text: String) -> Started {
        switch begin(call, fd: fd, host: h) {
        case .done(let r):
            return .done(r)
        case .wait(let wait, let sid, let progress, let origin):
            hosts[h].blocked = PendingCall(stepIndex: index, waitsFor: wait, written: WrittenCall(call, text: text), socket: sid,
                                           progress: progress, origin: origin)
            return .blocked
        }
    }

    /// The call's effect now, and whether it must wait.
    mutating func begin(_ call: SocketCall, fd: Int?, host h: Int) -> Begun {
        switch call {
        case .socket:
            return .ok(newSocket(host: h).fd)

        case .bind(let addr, let reuse):
            guard let sid = target(fd, host: h, fallback: hosts[h].lastCreated) else { return .fail(.EBADF) }
            sockets[sid].reuseAddress = sockets[sid].reuseAddress || reuse
            if let e = bind(sid, addr) { return .fail(e) }
            return .ok()

        case .listen(let backlog):
            guard let sid = target(fd, host: h, fallback: hosts[h].lastCreated) else { return .fail(.EBADF) }
            if let e = listen(sid, backlog: backlog) { return .fail(e) }
            return .ok()

        case .listenNumber(let n, let backlog, let reuse):
            if let sid = target(fd, host: h, fallback: hosts[h].lastCreated), sockets[sid].local != nil,
               sockets[sid].state == .closed, !sockets[sid].connection.everConnected {
                // listen(2) on a bound socket: the number is the backlog.
                if let e = listen(sid, backlog: backlog ?? n) { return .fail(e) }
                return .ok()
            }
            return begin(.listenOn(SocketAddress(host: "*", port: n), backlog: backlog, reuseAddress: reuse), fd: nil, host: h)

        case .listenOn(let addr, let backlog, let reuse):
            let sid = newSocket(host: h).sid
            sockets[sid].reuseAddress = reuse
            if let e = bind(sid, addr) ?? listen(sid, backlog: backlog) { return .fail(e) }
            return .ok()

        case .connect(let addr, let nonBlocking):
            return beginConnect(addr, nonBlocking: nonBlocking, fd: fd, host: h)

        case .accept(let nonBlocking):
            return beginAccept(nonBlocking: nonBlocking, fd: fd, host: h)

        case .send(let n, let nonBlocking):
            guard let sid = target(fd, host: h, fallback: hosts[h].dataSocket ?? hosts[h].lastCreated) else { return .fail(.EBADF) }
            return beginSend(n, nonBlocking: nonBlocking, socket: sid, host: h)

        case .recv(let n, let nonBlocking):
            guard let sid = target(fd, host: h, fallback: hosts[h].dataSocket ?? hosts[h].lastCreated) else { return .fail(.EBADF) }
            if let r = tryRecv(sid, n) { return .done(r) }
            if nonBlocking { return .fail(.EWOULDBLOCK) }
            return .wait(.data(n), socket: sid)

        case .shutdown(let how):
            guard let sid = target(fd, host: h, fallback: hosts[h].dataSocket ?? hosts[h].lastCreated) else { return .fail(.EBADF) }
            guard sockets[sid].state.isSynchronized || sockets[sid].state == .synReceived else { return .fail(.ENOTCONN) }
            if how != .write { perform(sockets[sid].connection.shutDownReading(), on: sid) }
            if how != .read { shutdownWrite(sid, cause: .close) }
            return .ok()

        case .close:
            guard let sid = target(fd, host: h, fallback: hosts[h].dataSocket ?? hosts[h].lastCreated) else { return .fail(.EBADF) }
            close(sid)
            return .ok()
        }
    }

    /// The socket a call addresses: the explicit descriptor, or the host's default one
    /// (`fallback`) while a descriptor still names it.
    func target(_ fd: Int?, host h: Int, fallback: Int?) -> Int? {
        if let fd { return hosts[h].fds[fd] }
        guard let sid = fallback, let sfd = sockets[sid].fd, hosts[h].fds[sfd] == sid else { return nil }
        return sid
    }

    /// `connect`: on the given descriptor, the newest socket if it is fresh, or a new one.
    mutating func beginConnect(_ addr: SocketAddress, nonBlocking: Bool, fd: Int?, host h: Int) -> Begun {
        var sid: Int
        if let fd {
            guard let s = hosts[h].fds[fd] else { return .fail(.EBADF) }
            sid = s
        } else if let s = target(nil, host: h, fallback: hosts[h].lastCreated), sockets[s].state == .closed,
                  !sockets[s].connection.everConnected {
            sid = s
        } else {
            sid = newSocket(host: h).sid
        }
        switch sockets[sid].state {
        case .synSent, .synReceived: return .fail(.EALREADY)
        case .closed where sockets[sid].connection.everConnected: return .fail(.EISCONN)
        case .closed: break
        case .listen, .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait: return .fail(.EISCONN)
        }
        if let e = connect(sid, to: addr) { return .fail(e) }
        hosts[h].dataSocket = sid
        if nonBlocking { return .fail(.EINPROGRESS) }
        return .wait(.connection, socket: sid)
    }

    /// `accept`: a completed connection from the listener, or a wait for one.
    mutating func beginAccept(nonBlocking: Bool, fd: Int?, host h: Int) -> Begun {
        // An explicit descriptor that is not open is EBADF, never the host's listener.
        let sid: Int
        if let fd {
            guard let s = hosts[h].fds[fd] else { return .fail(.EBADF) }
            sid = s
        } else {
            guard let l = hosts[h].listener, !sockets[l].freed else { return .fail(.EINVAL) }
            sid = l
        }
        guard sockets[sid].state == .listen else { return .fail(.EINVAL) }
        if let child = takeCompleted(listener: sid) { return .ok(child) }
        if nonBlocking { return .fail(.EWOULDBLOCK) }
        return .wait(.acceptable, socket: sid)
    }

    /// `send`: as many bytes as fit in SendQ now; a blocking call waits for room for the rest.
    mutating func beginSend(_ n: Int, nonBlocking: Bool, socket sid: Int, host h: Int) -> Begun {
        if let e = sendError(sid) { return .fail(e) }
        guard n > 0 else { return .ok(0) }
        let fits = min(n, sockets[sid].sendQ.free)
        if nonBlocking && fits == 0 { return .fail(.EWOULDBLOCK) }
        hosts[h].sendCount += 1
        let origin = Origin(host: h, send: hosts[h].sendCount)
        if recording { sendSizes[origin] = n }
        enqueue(sid, ByteRun(origin: origin, start: 0, count: fits))
        if fits == n || nonBlocking { return .ok(fits) }
        return .wait(.space(n), socket: sid, progress: fits, origin: origin)
    }

    /// Tries to finish the call `h` is blocked in; then starts the steps that waited behind it.
    mutating func resume(host h: Int) -> Bool {
        guard var p = hosts[h].blocked else { return false }
        var result: CallResult?
        var progress = false
        let sid = p.socket
        switch p.waitsFor {
        case .space(let n):
            if let e = sendError(sid) {
                result = CallResult(error: e)
            } else {
                let fits = min(n - p.progress, sockets[sid].sendQ.free)
                if fits > 0, let origin = p.origin {
                    enqueue(sid, ByteRun(origin: origin, start: p.progress, count: fits))
                    p.progress += fits
                    progress = true
                }
                if p.progress == n { result = CallResult(value: n) }
            }
        case .data(let n):
            result = tryRecv(sid, n)
        case .connection:
            switch sockets[sid].state {
            case .established, .closeWait: result = CallResult(value: 0)
            case .closed:
                let e = sockets[sid].connection.pendingError ?? .ECONNREFUSED
                sockets[sid].connection.pendingError = nil
                result = CallResult(error: e)
            // Still in the handshake (or past ESTABLISHED within one settle): keep waiting.
            case .listen, .synSent, .synReceived, .finWait1, .finWait2, .closing, .lastAck, .timeWait: break
            }
        case .acceptable:
            if sockets[sid].state != .listen {
                result = CallResult(error: .EINVAL)
            } else if let child = takeCompleted(listener: sid) {
                result = CallResult(value: child)
            }
        }
        guard let result else {
            hosts[h].blocked = p
            return progress
        }
        hosts[h].blocked = nil
        completions.append(Completion(index: p.stepIndex, actor: hosts[h].config.name, call: p.written.call, text: p.written.text,
                                      result: result))
        runDeferred(host: h)
        return true
    }

    /// Starts the steps that were queued behind a blocked call, in order, until one blocks again.
    mutating func runDeferred(host h: Int) {
        while hosts[h].blocked == nil, !hosts[h].deferred.isEmpty {
            let (index, step) = hosts[h].deferred.removeFirst()
            guard case .call(let call, let fd) = step.action else { continue }
            if case .done(let r) = start(call, fd: fd, host: h, index: index, text: step.text) {
                completions.append(Completion(index: index, actor: hosts[h].config.name, call: call, text: step.text, result: r))
            }
        }
    }

    // MARK: - The calls' effects

    mutating func newSocket(host h: Int) -> (fd: Int, sid: Int) {
        let fd = hosts[h].lowestFreeFD()
        let sid = sockets.count
        sockets.append(SocketRecord(id: sid, host: h, fd: fd,
                                    sendQ: ByteQueue(capacity: hosts[h].sqs), recvQ: ByteQueue(capacity: hosts[h].rqs),
                                    connection: Connection(timing: Connection.Timing(parameters))))
        hosts[h].fds[fd] = sid
        hosts[h].lastCreated = sid
        return (fd, sid)
    }

    mutating func bind(_ sid: Int, _ addr: SocketAddress) -> Errno? {
        let h = sockets[sid].host
        guard sockets[sid].local == nil, sockets[sid].state == .closed, !sockets[sid].connection.everConnected else { return .EINVAL }
        var address = addr.host
        if address != "*" {
            if let byName = hosts.first(where: { $0.config.name == address }), byName.index == h {
                address = byName.config.addresses.first ?? address
            }
            guard hosts[h].config.addresses.contains(address) else { return .EADDRNOTAVAIL }
        }
        var port = addr.port
        if port == 0 {
            guard let p = ephemeralPort(host: h) else { return .EADDRINUSE }
            port = p
        }
        let ep = Endpoint(address, port)
        if bindConflict(host: h, ep, reuse: sockets[sid].reuseAddress, excluding: sid) { return .EADDRINUSE }
        sockets[sid].local = ep
        return nil
    }

    /// Linux's rule: two sockets may share a port on overlapping addresses only when both set
    /// SO_REUSEADDR and the one already there is not listening. A socket in TIME_WAIT still counts.
    func bindConflict(host h: Int, _ ep: Endpoint, reuse: Bool, excluding sid: Int) -> Bool {
        for s in sockets where !s.freed && s.host == h && s.id != sid {
            guard let l = s.local, l.port == ep.port else { continue }
            guard l.isWildcard || ep.isWildcard || l.address == ep.address else { continue }
            if reuse && s.reuseAddress && s.state != .listen { continue }
            return true
        }
        return false
    }

    mutating func ephemeralPort(host h: Int) -> Int? {
        let first = parameters.ephemeralFirst, last = parameters.ephemeralLast
        guard last >= first else { return nil }
        let span = last - first + 1
        var candidate = hosts[h].nextEphemeral
        // One pass over the sockets, not one per candidate port.
        var used = Set<Int>()
        for s in sockets where !s.freed && s.host == h { if let p = s.local?.port { used.insert(p) } }
        for _ in 0..<span {
            if candidate > last || candidate < first { candidate = first }
            let inUse = used.contains(candidate)
            if !inUse {
                hosts[h].nextEphemeral = candidate + 1
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    mutating func listen(_ sid: Int, backlog: Int?) -> Errno? {
        switch sockets[sid].state {
        case .listen:
            if let backlog { sockets[sid].backlog = backlog }
            return nil
        case .closed:
            guard !sockets[sid].connection.everConnected else { return .EINVAL }
        case .synSent, .synReceived, .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait:
            return .EINVAL
        }
        let h = sockets[sid].host
        if sockets[sid].local == nil {
            // Linux binds an unbound listener to an ephemeral port on INADDR_ANY.
            guard let p = ephemeralPort(host: h) else { return .EADDRINUSE }
            sockets[sid].local = Endpoint("*", p)
        }
        sockets[sid].backlog = backlog ?? parameters.backlog
        perform(sockets[sid].connection.listen(now: clock), on: sid)
        hosts[h].listener = sid
        return nil
    }

    mutating func connect(_ sid: Int, to addr: SocketAddress) -> Errno? {
        let h = sockets[sid].host
        guard let (peerHost, peerAddress) = resolve(addr.host) else { return addr.host == "*" ? .EINVAL : .EHOSTUNREACH }
        let remote = Endpoint(peerAddress, addr.port)
        var local = sockets[sid].local ?? Endpoint("*", 0)
        if local.isWildcard { local.address = route(from: h, to: peerAddress) }
        if local.port == 0 {
            guard let p = ephemeralPort(host: h) else { return .EADDRNOTAVAIL }
            local.port = p
        }
        if sockets.contains(where: { !$0.freed && $0.host == h && $0.local == local && $0.remote == remote }) {
            return .EADDRNOTAVAIL
        }
        sockets[sid].local = local
        sockets[sid].remote = remote
        let iss = initialSequenceNumber(host: h)
        perform(sockets[sid].connection.connect(iss: iss, now: clock), on: sid, toHost: peerHost)
        return nil
    }

    /// A host name or one of the hosts' addresses: the host and the address to use.
    func resolve(_ name: String) -> (Int, String)? {
        if let h = hosts.first(where: { $0.config.name == name }), let a = h.config.addresses.first { return (h.index, a) }
        if let h = hosts.first(where: { $0.config.addresses.contains(name) }) { return (h.index, name) }
        return nil
    }

    /// The address of the interface that reaches `destination`: the one sharing the longest prefix.
    func route(from h: Int, to destination: String) -> String {
        let dest = destination.split(separator: ".")
        func shared(_ a: String) -> Int {
            zip(a.split(separator: "."), dest).prefix { $0 == $1 }.count
        }
        return hosts[h].config.addresses.max { shared($0) < shared($1) } ?? "0.0.0.0"
    }

    mutating func initialSequenceNumber(host h: Int) -> Int {
        // Host 1's first connection starts at 1000, host 2's at 2000, as in the textbook's figures;
        // later connections of a host move up by 100000.
        let n = connectionsOpened[h, default: 0]
        connectionsOpened[h] = n + 1
        return (h + 1) * 1_000 + n * 100_000
    }

    mutating func takeCompleted(listener sid: Int) -> Int? {
        guard !sockets[sid].completed.isEmpty else { return nil }
        let child = sockets[sid].completed.removeFirst()
        let h = sockets[child].host
        let fd = hosts[h].lowestFreeFD()
        sockets[child].fd = fd
        sockets[child].parent = nil
        hosts[h].fds[fd] = child
        hosts[h].dataSocket = child
        return fd
    }

    func sendError(_ sid: Int) -> Errno? {
        let c = sockets[sid].connection
        if let e = c.pendingError { return e }
        // A FIN is asked for only once writing is shut down.
        if c.shutdown.contains(.write) { return .EPIPE }
        switch c.state {
        case .established, .closeWait: return nil
        case .closed: return c.everConnected ? .EPIPE : .ENOTCONN
        case .listen, .synSent, .synReceived: return .ENOTCONN
        case .finWait1, .finWait2, .closing, .lastAck, .timeWait: return .EPIPE
        }
    }

    mutating func enqueue(_ sid: Int, _ run: ByteRun) {
        sockets[sid].sendQ.append(run)
        sockets[sid].bytesAccepted += run.count
    }

    /// The `recv` rules: data if there is any, end of stream (0) after FIN or SHUT_RD, an error once
    /// after a reset; nil means the call must wait.
    mutating func tryRecv(_ sid: Int, _ n: Int) -> CallResult? {
        let s = sockets[sid]
        let c = s.connection
        if c.state == .listen || (c.state == .closed && !c.everConnected) { return CallResult(error: .ENOTCONN) }
        if let e = c.pendingError, s.recvQ.isEmpty {
            sockets[sid].connection.pendingError = nil
            return CallResult(error: e)
        }
        if c.shutdown.contains(.read) { return CallResult(value: 0) }
        if !s.recvQ.isEmpty {
            let runs = sockets[sid].recvQ.removeFirst(n)
            let got = runs.reduce(0) { $0 + $1.count }
            sockets[sid].delivered += got
            for run in runs { appendDelivered(sid, run) }
            return CallResult(value: got, runs: runs)
        }
        if n == 0 || c.finReceived { return CallResult(value: 0) }
        switch c.history {
        case .aborted: return CallResult(value: 0)
        case .fresh, .opened: return nil
        }
    }

    mutating func appendDelivered(_ sid: Int, _ run: ByteRun) {
        sockets[sid].deliveredRuns.append(run)
    }

    mutating func shutdownWrite(_ sid: Int, cause: TransitionCause) {
        let s = sockets[sid]
        perform(sockets[sid].connection.shutDownWriting(cause: cause, now: clock, orphaned: s.fd == nil,
                                                         sendQueueEmpty: s.sendQ.isEmpty), on: sid)
    }

    /// `close`: the descriptor goes away at once; the structure lives on until the close handshake
    /// (and TIME_WAIT) are over.
    mutating func close(_ sid: Int) {
        let h = sockets[sid].host
        if let fd = sockets[sid].fd { hosts[h].fds[fd] = nil }
        sockets[sid].fd = nil
        if hosts[h].listener == sid { hosts[h].listener = nil }
        if sockets[sid].state == .listen {
            for child in sockets[sid].incomplete + sockets[sid].completed {
                sockets[child].parent = nil
                perform(sockets[child].connection.listenerClosed(now: clock), on: child)
            }
            sockets[sid].incomplete = []
            sockets[sid].completed = []
        }
        perform(sockets[sid].connection.close(now: clock, sendQueueEmpty: sockets[sid].sendQ.isEmpty), on: sid)
    }

    /// Reclaims a CLOSED socket structure once no descriptor refers to it.
    mutating func release(_ sid: Int) {
        guard sockets[sid].state == .closed, sockets[sid].fd == nil else { return }
        sockets[sid].freed = true
        let h = sockets[sid].host
        if hosts[h].listener == sid { hosts[h].listener = nil }
    }
}
