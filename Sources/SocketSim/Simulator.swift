/// Runs a scenario: hosts, their sockets, the network between them and the clock.
///
/// One value holds the whole world, and every step is a mutation of it that records what changed.
/// The textbook's rules (when `send` returns, when both ends deadlock) are not written anywhere
/// here: they follow from bounded queues, flow control and blocking calls.
public struct Simulator: Sendable {
    public private(set) var parameters: Parameters
    public let hostConfigs: [HostConfig]
    var hosts: [HostRuntime]
    var sockets = SocketTable()
    var network: [Segment] = []
    var networkHead = 0
    public private(set) var clock = 0
    var nextSegmentID = 1
    /// Connections opened per host, for deterministic initial sequence numbers.
    var connectionsOpened: [Int: Int] = [:]
    /// The byte count of every `send` call, by origin.
    public internal(set) var sendSizes: [Origin: Int] = [:]

    /// Whether to record segments, state changes and snapshots. A benchmark turns it off.
    public var recording = true
    /// Whether recorded steps carry host and socket snapshots. A streaming writer's first pass,
    /// which needs only the outcome, turns them off; everything else runs exactly the same.
    public var snapshots = true

    /// What the run may do (see `WorkBudget`); once over, the run stops doing anything and
    /// `exceeded` says why.
    public var budget = WorkBudget.standard
    public private(set) var exceeded: WorkBudget.Exceeded?
    var segmentsMade = 0
    var timerFirings = 0
    var snapshotEntries = 0
    var rounds = 0

    /// The sockets as the last snapshot showed them (shared with the records that hold it), and
    /// whether it is up to date with every change (false after steps taken without snapshots).
    var socketList = SocketList()
    var socketListCurrent = true
    /// Per socket: runs in its queues while it is shown (what it adds to each step's snapshot), and
    /// their sum.
    var shownRuns: [Int] = []
    var shownRunsTotal = 0

    // Per-step recording.
    var currentStep = 0
    var events: [SegmentEvent] = []
    var changes: [StateChange] = []
    var completions: [Completion] = []

    public init(scenario: Scenario) {
        parameters = scenario.parameters
        hostConfigs = scenario.hosts
        hosts = scenario.hosts.enumerated().map { i, config in
            HostRuntime(index: i, config: config,
                        sqs: config.sqs ?? scenario.parameters.sqs,
                        rqs: config.rqs ?? scenario.parameters.rqs,
                        nextEphemeral: scenario.parameters.ephemeralFirst)
        }
        if scenario.start == .established, hosts.count >= 2 {
            establishInitialConnection()
        }
    }

    /// Runs every step of `scenario` and returns the trace; a run over `budget` (by default the
    /// budget of a kept trace, `WorkBudget.kept`) is refused.
    public static func run(_ scenario: Scenario, budget: WorkBudget = .kept) throws(WorkBudget.Exceeded) -> Trace {
        var records: [StepRecord] = []
        records.reserveCapacity(scenario.steps.count)
        let summary = try run(scenario, budget: budget) { records.append($0) }
        // Tell each blocked step when it returned.
        for i in records.indices where records[i].status == .blocked {
            records[i].returnedAtStep = summary.returnedAt[records[i].index]
        }
        return Trace(title: scenario.title, parameters: scenario.parameters, hosts: scenario.hosts,
                     outcome: summary.outcome, deadlock: summary.deadlock, steps: records, sendSizes: summary.sendSizes)
    }

    /// Runs every step of `scenario`, handing each step's record to `body` as soon as it is made, so
    /// that a writer can stream the trace without holding it. What only the end of the run tells
    /// (the outcome, and for blocked steps when they returned: a record's `returnedAtStep` is still
    /// nil) is in the summary. `snapshots: false` leaves the records' hosts and sockets empty.
    public static func run(_ scenario: Scenario, budget: WorkBudget = .standard, snapshots: Bool = true,
                           each body: (StepRecord) -> Void) throws(WorkBudget.Exceeded) -> RunSummary {
        var sim = Simulator(scenario: scenario)
        sim.budget = budget
        sim.snapshots = snapshots
        if scenario.steps.count > budget.steps {
            throw WorkBudget.Exceeded(limit: .steps, allowed: budget.steps, step: budget.steps + 1)
        }
        var returnedAt: [Int: Int] = [:]
        for (i, step) in scenario.steps.enumerated() {
            let record = sim.perform(step, index: i + 1)
            if let e = sim.exceeded { throw e }
            for c in record.completed { returnedAt[c.index] = record.index }
            body(record)
        }
        let blocked = sim.blockedCalls()
        var deadlock: Deadlock?
        if !blocked.isEmpty {
            // The run got stuck at the last step in which anything happened to a call still blocked.
            let atStep = blocked.map(\.index).max() ?? scenario.steps.count
            deadlock = Deadlock(atStep: atStep, blocked: blocked)
        }
        return RunSummary(outcome: deadlock == nil ? .completed : .deadlock, deadlock: deadlock, returnedAt: returnedAt,
                          sendSizes: sim.sendSizes)
    }

    /// Stops the run: `limit` is used up.
    mutating func exceed(_ limit: WorkBudget.Limit, allowed: Int) {
        if exceeded == nil { exceeded = WorkBudget.Exceeded(limit: limit, allowed: allowed, step: currentStep) }
    }

    /// A number for a new segment, counted against the budget.
    mutating func newSegmentID() -> Int {
        segmentsMade += 1
        if segmentsMade > budget.segments { exceed(.segments, allowed: budget.segments) }
        defer { nextSegmentID += 1 }
        return nextSegmentID
    }

    /// Calls still blocked, and steps queued behind them, host by host.
    public func blockedCalls() -> [BlockedCall] {
        var out: [BlockedCall] = []
        for h in hosts {
            guard let p = h.blocked else { continue }
            out.append(BlockedCall(actor: h.config.name, call: p.written.call, text: p.written.text, index: p.stepIndex, remaining: remaining(p)))
        }
        return out
    }

    func remaining(_ p: PendingCall) -> Int? {
        switch p.waitsFor {
        case .space(let n): return n - p.progress
        case .data(let n): return n
        case .connection, .acceptable: return nil
        }
    }

    // MARK: - Steps

    /// Performs one step and records what it did.
    public mutating func perform(_ step: Step, index: Int) -> StepRecord {
        currentStep = index
        events.removeAll(keepingCapacity: true)
        changes.removeAll(keepingCapacity: true)
        completions.removeAll(keepingCapacity: true)

        var status = StepStatus.returned
        var result = CallResult()
        var deferred = false
        switch step.action {
        case .advance(let ms):
            advanceClock(by: ms)
            result.value = ms
        case .network(let call):
            switch performNetwork(call) {
            case .success(let n): result.value = n
            case .failure(let e): status = .error; result.error = e
            }
        case .call(let call, let fd):
            guard case .host(let name) = step.actor, let h = hosts.firstIndex(where: { $0.config.name == name }) else {
                status = .error
                result.error = .EINVAL
                break
            }
            if hosts[h].blocked != nil || !hosts[h].deferred.isEmpty {
                hosts[h].deferred.append((index, step))
                status = .blocked
                deferred = true
            } else {
                switch start(call, fd: fd, host: h, index: index, text: step.text) {
                case .done(let r):
                    result = r
                    status = r.error == nil ? .returned : .error
                case .blocked:
                    status = .blocked
                }
            }
        }
        settle()
        // A call that blocked and returned within its own step simply returned.
        if status == .blocked, let i = completions.firstIndex(where: { $0.index == index }) {
            result = completions[i].result
            status = result.error == nil ? .returned : .error
            deferred = false
            completions.remove(at: i)
        }
        let snapshot = recording && snapshots
        noteChanges(snapshot: snapshot)
        guard recording else {
            return StepRecord(index: index, actor: step.actor.name, action: step.action, text: step.text, status: status,
                              result: result, deferred: deferred, returnedAtStep: nil, completed: completions, hosts: [], sockets: SocketList(),
                              segments: [], time: clock, transitions: [])
        }
        return StepRecord(index: index, actor: step.actor.name, action: step.action, text: step.text, status: status,
                          result: result, deferred: deferred, returnedAtStep: nil, completed: completions,
                          hosts: snapshot ? hostSnapshots() : [], sockets: snapshot ? socketList : SocketList(), segments: events,
                          time: clock, transitions: changes)
    }

    /// Brings the snapshot up to date with the sockets this step changed (when `snapshot`), and
    /// counts the step's snapshot against the budget: every socket structure made so far, and the
    /// runs in the queues of those shown. Both passes of a streaming writer count the same.
    mutating func noteChanges(snapshot: Bool) {
        let changed = sockets.takeChanged()
        if snapshot && !socketListCurrent {
            socketList = SocketList()
            for sid in sockets.indices { socketList.set(slot: sid, socketSnapshot(sid)) }
            socketListCurrent = true
        }
        for sid in changed {
            while shownRuns.count <= sid { shownRuns.append(0) }
            let s = sockets[sid]
            let runs = isShown(s) ? s.sendQ.runs.count + s.recvQ.runs.count : 0
            shownRunsTotal += runs - shownRuns[sid]
            shownRuns[sid] = runs
            if snapshot { socketList.set(slot: sid, socketSnapshot(sid)) }
        }
        if !snapshot && !changed.isEmpty { socketListCurrent = false }
        snapshotEntries += sockets.count + shownRunsTotal
        if snapshotEntries > budget.snapshotEntries { exceed(.snapshotEntries, allowed: budget.snapshotEntries) }
    }

    /// Lets TCP and the blocked calls make all the progress they can without a new step.
    mutating func settle() {
        while exceeded == nil {
            rounds += 1
            if rounds > budget.rounds { exceed(.rounds, allowed: budget.rounds); return }
            var progress = false
            if parameters.network == .auto {
                if deliver(count: nil) > 0 { progress = true }
                if transmitAll(limit: nil, from: nil).progress { progress = true }
            }
            for h in hosts.indices where resume(host: h) { progress = true }
            if !progress { break }
        }
    }

    enum Started {
        case done(CallResult)
        case blocked
    }

    // MARK: - Network steps

    mutating func performNetwork(_ call: NetworkCall) -> Result<Int, Errno> {
        switch call {
        case .transfer(let limit, let from):
            var fromHost: Int?
            if let from { fromHost = hosts.firstIndex { $0.config.name == from } }
            return .success(transmitAll(limit: limit, from: fromHost).bytes)
        case .deliver(let count):
            return .success(deliver(count: count))
        case .drop(let count):
            var dropped = 0
            while dropped < count, networkHead < network.count {
                let seg = network[networkHead]
                networkHead += 1
                record(.dropped, seg, note: "lost in the network")
                dropped += 1
            }
            compactNetwork()
            return .success(dropped)
        }
    }

    /// Delivers segments in flight, oldest first; `nil` keeps going until none is left.
    @discardableResult
    mutating func deliver(count: Int?) -> Int {
        var delivered = 0
        while exceeded == nil, networkHead < network.count, count.map({ delivered < $0 }) ?? true {
            let seg = network[networkHead]
            networkHead += 1
            record(.delivered, seg)
            receive(seg)
            delivered += 1
        }
        compactNetwork()
        return delivered
    }

    mutating func compactNetwork() {
        if networkHead == network.count {
            network.removeAll(keepingCapacity: true)
            networkHead = 0
        }
    }

    /// Segments still in flight, oldest first.
    public var inFlight: ArraySlice<Segment> { network[networkHead...] }

    // MARK: - Time

    mutating func advanceClock(by ms: Int) {
        let target = clock + ms
        while exceeded == nil, let (deadline, sid, timer) = nextTimer(), deadline <= target {
            timerFirings += 1
            if timerFirings > budget.timerFirings { exceed(.timerFirings, allowed: budget.timerFirings); return }
            clock = deadline
            fire(timer, socket: sid)
            settle()
        }
        clock = target
    }

    func nextTimer() -> (Int, Int, Connection.Timer)? {
        var best: (Int, Int, Connection.Timer)?
        for s in sockets where !s.freed {
            if let (t, kind) = s.connection.nextTimer, best.map({ t < $0.0 }) ?? true { best = (t, s.id, kind) }
        }
        return best
    }

    mutating func fire(_ timer: Connection.Timer, socket sid: Int) {
        perform(sockets[sid].connection.timerFired(timer, now: clock), on: sid)
    }

    // MARK: - Recording

    mutating func record(_ kind: SegmentEventKind, _ seg: Segment, note: String? = nil) {
        guard recording else { return }
        events.append(SegmentEvent(kind: kind, segment: seg, time: clock, note: note))
    }

    /// The socket a host is seen through: its connected socket; before it has one, the newest
    /// connection still waiting in a listener's lists (so a server is SYN_RCVD after the SYN, as the
    /// textbook says, while its listener stays LISTEN); else its newest socket.
    ///
    /// A connected socket the system has reclaimed gives way to a newer live socket (a server that
    /// restarted is LISTEN again); with none, the host reads CLOSED.
    func observedSocket(_ h: HostRuntime) -> Int? {
        if let d = h.dataSocket, !sockets[d].freed { return d }
        if let child = sockets.last(where: { $0.host == h.index && $0.parent != nil && !$0.freed }) { return child.id }
        if let l = h.lastCreated, !sockets[l].freed, l > (h.dataSocket ?? -1) { return l }
        return h.dataSocket ?? h.lastCreated
    }

    func hostSnapshots() -> [HostSnapshot] {
        hosts.map { h in
            let sid = observedSocket(h)
            let s = sid.map { sockets[$0] }
            return HostSnapshot(name: h.config.name, sendq: s?.sendQ.count ?? 0, recvq: s?.recvQ.count ?? 0,
                                delivered: s?.delivered ?? 0, state: s?.state, socket: sid,
                                blockedIn: h.blocked?.written)
        }
    }

    /// Whether a snapshot shows the socket: its structure exists, or a descriptor still names it.
    func isShown(_ s: SocketRecord) -> Bool { !s.freed || s.fd != nil }

    func socketSnapshot(_ sid: Int) -> SocketSnapshot? {
        let s = sockets[sid]
        guard isShown(s) else { return nil }
        return SocketSnapshot(id: s.id, host: hosts[s.host].config.name, fd: s.fd, local: s.local, remote: s.remote,
                              state: s.state, sendq: QueueSnapshot(s.sendQ), recvq: QueueSnapshot(s.recvQ),
                              delivered: s.delivered, deliveredRunList: s.deliveredRuns,
                              isListening: s.state == .listen, incomplete: s.incomplete, completed: s.completed,
                              reuseAddress: s.reuseAddress)
    }

    /// Sockets whose structure still exists (not yet reclaimed by the system).
    public var liveSocketCount: Int { sockets.filter { !$0.freed }.count }

    /// Live sockets no descriptor refers to and no timer will ever reclaim: the system leaked them.
    public var leakedSockets: [Int] {
        sockets.filter { s in
            !s.freed && s.fd == nil && s.parent == nil && s.state == .closed
        }.map(\.id)
    }

    /// Byte accounting per socket, for conservation checks.
    public func accounting(socket sid: Int) -> ByteAccounting {
        let s = sockets[sid]
        return ByteAccounting(accepted: s.bytesAccepted, transmitted: s.bytesTransmitted, lost: s.bytesLost,
                              sendq: s.sendQ.count, arrived: s.bytesArrived, recvq: s.recvQ.count,
                              delivered: s.delivered, discarded: s.bytesDiscarded, peer: s.peer)
    }

    public var socketCount: Int { sockets.count }
}

/// What a run tells only at its end (`Simulator.run(_:budget:snapshots:each:)`).
public struct RunSummary: Hashable, Sendable {
    public var outcome: Outcome
    public var deadlock: Deadlock?
    /// For every call that blocked and later returned: its step, and the step it returned in.
    public var returnedAt: [Int: Int]
    /// The byte count each `send` call asked for, by origin.
    public var sendSizes: [Origin: Int]

    public init(outcome: Outcome, deadlock: Deadlock?, returnedAt: [Int: Int], sendSizes: [Origin: Int]) {
        self.outcome = outcome
        self.deadlock = deadlock
        self.returnedAt = returnedAt
        self.sendSizes = sendSizes
    }
}

/// Where every byte a socket handled went; `accepted == sendq + transmitted + lost` and
/// `arrived == recvq + delivered + discarded` always hold.
public struct ByteAccounting: Hashable, Sendable {
    public var accepted: Int
    public var transmitted: Int
    public var lost: Int
    public var sendq: Int
    public var arrived: Int
    public var recvq: Int
    public var delivered: Int
    public var discarded: Int
    public var peer: Int?
}

/// A call waiting for something: queue space, data, a connection.
struct PendingCall: Sendable {
    /// What a blocked call waits for. Only `connect`, `accept`, `send` and `recv` block, so a
    /// pending call cannot hold any other: a new blocking call needs a case here, and `resume`
    /// will not compile until it says how the call finishes.
    enum Wait: Sendable {
        /// `connect`: the handshake to finish (or fail).
        case connection
        /// `accept`: a completed connection in the listener's queue.
        case acceptable
        /// `send N`: room in SendQ for the rest of its N bytes.
        case space(Int)
        /// `recv N`: data (or end of stream, or an error) in RecvQ.
        case data(Int)
    }

    var stepIndex: Int
    var waitsFor: Wait
    /// The call and its text, for the trace's records.
    var written: WrittenCall
    var socket: Int
    /// For `send`: bytes already placed in SendQ.
    var progress = 0
    var origin: Origin?
}

struct HostRuntime: Sendable {
    var index: Int
    var config: HostConfig
    var sqs: Int
    var rqs: Int
    var fds: [Int: Int] = [:]
    /// The socket that `send`, `recv`, `shutdown` and `close` use by default.
    var dataSocket: Int?
    /// The newest socket (`bind` and `listen` use it).
    var lastCreated: Int?
    /// The newest listening socket (`accept` uses it).
    var listener: Int?
    var sendCount = 0
    var blocked: PendingCall?
    var deferred: [(Int, Step)] = []
    var nextEphemeral: Int

    func lowestFreeFD() -> Int {
        var fd = 3
        while fds[fd] != nil { fd += 1 }
        return fd
    }
}

/// A socket structure: the queues, the addresses and the protocol state (the chapter's first figure).
struct SocketRecord: Sendable {
    var id: Int
    var host: Int
    var fd: Int?
    var local: Endpoint?
    var remote: Endpoint?
    var sendQ: ByteQueue
    var recvQ: ByteQueue
    var delivered = 0
    var deliveredRuns = RunList()
    var backlog = 0
    var incomplete: [Int] = []
    var completed: [Int] = []
    var parent: Int?
    /// SO_REUSEADDR.
    var reuseAddress = false
    /// The TCP connection: its state, sequence numbers, FIN bookkeeping and timers.
    var connection: Connection
    /// Reclaimed by the system; kept so old records still resolve.
    var freed = false
    var peer: Int?
    var bytesAccepted = 0
    var bytesTransmitted = 0
    var bytesLost = 0
    var bytesArrived = 0
    var bytesDiscarded = 0

    var state: TCPState { connection.state }
}
