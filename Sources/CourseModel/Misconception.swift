import SocketSim
import SourceFiles
import TraceQueries

/// A common wrong model of sockets, written as a variation of the right one.
///
/// The grader runs each exercise's scenario under each variation (a change to the scenario, to the
/// trace the queries read, or both) and, when a student's wrong answer is exactly what a variation
/// predicts (and differs from the key), names the misconception in the feedback. A variation is
/// only consulted for the query forms it models faithfully (`applies(to:)`).
public enum Misconception: String, CaseIterable, Sendable, Hashable, Comparable {
    /// SQS and RQS swapped: the scenario runs with the two sizes exchanged on every host.
    case swappedQueues = "swapped-queues"
    /// Forgetting that bytes can wait in the peer's RecvQ: only the sender's SendQ buffers.
    ///
    /// Modelled as a run with SendQ = SQS − 1 and RecvQ = 1 on every host (the simulator needs a
    /// queue of at least one byte), so the bytes buffered per direction total SQS, exactly the
    /// student's belief: `send n` blocks when n > SQS and both ends deadlock from SQS + 1. The trace
    /// is then read as the student sees it: SendQ counts the byte in the peer's RecvQ, RecvQ is 0.
    /// Because that RecvQ of one byte makes each `recv` return at most one byte, the variation is
    /// not consulted for `recv` results or Delivered.
    case noReceiveQueue = "no-recvq"
    /// `recv(N)` always returning N bytes (as if it waited for the whole buffer): the trace is read
    /// with every successful `recv N` returning N.
    case recvFillsBuffer = "recv-fills-buffer"
    /// The passive closer entering TIME_WAIT: where the trace has LAST_ACK -> CLOSED, the variation
    /// has LAST_ACK -> TIME_WAIT, and CLOSED only 2 MSL later.
    case passiveCloserTimeWait = "passive-closer-time-wait"
    /// The listening socket changing state on a connection: the listener is read as taking the
    /// states of the first connection socket created from it (SYN_RCVD, ESTABLISHED, ...).
    case listenerChangesState = "listener-changes-state"

    public static func < (a: Misconception, b: Misconception) -> Bool { a.rawValue < b.rawValue }

    /// The name feedback uses (Korean). Shown without `--reveal` and checked like `correction`.
    public var title: String {
        switch self {
        case .swappedQueues: return "SQS와 RQS를 서로 바꿔 생각함"
        case .noReceiveQueue: return "상대의 RecvQ에도 바이트가 머물 수 있다는 점을 잊음"
        case .recvFillsBuffer: return "recv()가 항상 버퍼 크기만큼 채워서 반환한다고 생각함"
        case .passiveCloserTimeWait: return "나중에 닫는 쪽(passive closer)도 2MSL 동안 기다린다고 생각함"
        case .listenerChangesState: return "accept() 때 듣기 소켓의 상태가 바뀐다고 생각함"
        }
    }

    /// One or two sentences that set the model right (Korean), for feedback. Shown without
    /// `--reveal`, so the loader checks them like hints: they name no key of an exercise that
    /// lists the misconception (no state a question asks for, say).
    public var correction: String {
        switch self {
        case .swappedQueues:
            return "SQS는 보내는 쪽 SendQ의 크기, RQS는 받는 쪽 RecvQ의 크기입니다. 두 값을 바꾸면 시뮬레이션이 바로 이 답을 냅니다."
        case .noReceiveQueue:
            return "send()가 반환하는 데에는 바이트가 상대 프로그램에 전달될 필요가 없습니다. 상대의 RecvQ에 들어가기만 해도 SendQ에 빈 자리가 생기므로, 양쪽에 버퍼링되는 양은 SQS + RQS입니다."
        case .recvFillsBuffer:
            return "recv()는 RecvQ에 있는 만큼만(많아야 버퍼 크기만큼) 돌려주고 곧바로 반환합니다. 버퍼가 다 찰 때까지 기다리지 않습니다."
        case .passiveCloserTimeWait:
            return "2MSL 동안 기다리는 것은 먼저 FIN을 보낸 쪽(active closer)뿐입니다. 나중에 닫는 쪽(passive closer)은 자기 FIN에 대한 마지막 ACK를 받으면 기다리지 않고 곧바로 연결을 끝냅니다."
        case .listenerChangesState:
            return "연결 요청이 오면 커널은 그 연결을 위한 새 소켓 구조체를 만들고, 핸드셰이크에 따른 상태 변화는 그 새 소켓이 겪습니다. 듣기 소켓의 상태는 연결 요청이나 accept()로 바뀌지 않습니다."
        }
    }

    /// Whether the variation models this query faithfully enough to name the misconception.
    public func applies(to query: Query) -> Bool { applies(to: query.form) }

    func applies(to form: Query.Form) -> Bool {
        switch form {
        case .not(let f), .compare(let f, _, _): return applies(to: f)
        case .search(_, _, _, _, _, _, let c): return applies(to: c)
        default: break
        }
        switch self {
        case .swappedQueues:
            return true
        case .noReceiveQueue:
            switch form {
            case .deadlock, .outcome, .blocks, .returnedAt: return true
            case .queue(_, let q, _): return q != .delivered
            default: return false
            }
        case .recvFillsBuffer:
            switch form {
            case .returned, .recvs: return true
            default: return false
            }
        case .passiveCloserTimeWait, .listenerChangesState:
            switch form {
            case .state, .states: return true
            default: return false
            }
        }
    }

    /// The scenario as the misconception sees it.
    public func transform(_ s: Scenario) -> Scenario {
        var s = s
        switch self {
        case .swappedQueues:
            swap(&s.parameters.sqs, &s.parameters.rqs)
            for i in s.hosts.indices {
                let h = s.hosts[i]
                s.hosts[i].sqs = h.rqs
                s.hosts[i].rqs = h.sqs
            }
        case .noReceiveQueue:
            for i in s.hosts.indices {
                s.hosts[i].sqs = max(1, (s.hosts[i].sqs ?? s.parameters.sqs) - 1)
                s.hosts[i].rqs = 1
            }
        case .recvFillsBuffer, .passiveCloserTimeWait, .listenerChangesState:
            break
        }
        return s
    }

    /// The trace as the misconception reads it.
    public func view(_ t: Trace) -> Trace {
        switch self {
        case .swappedQueues: return t
        case .noReceiveQueue: return Self.withoutReceiveQueues(t)
        case .recvFillsBuffer: return Self.recvFillsBuffer(t)
        case .passiveCloserTimeWait: return Self.passiveTimeWait(t)
        case .listenerChangesState: return Self.listenerFollowsChild(t)
        }
    }

    static func withoutReceiveQueues(_ t: Trace) -> Trace {
        var t = t
        for i in t.steps.indices {
            let hosts = t.steps[i].hosts
            guard hosts.count == 2 else { continue }
            for h in 0..<2 {
                t.steps[i].hosts[h].sendq = hosts[h].sendq + hosts[1 - h].recvq
                t.steps[i].hosts[h].recvq = 0
            }
        }
        return t
    }

    static func recvFillsBuffer(_ t: Trace) -> Trace {
        var t = t
        for i in t.steps.indices {
            if case .call(.recv(let n, _), _) = t.steps[i].action, t.steps[i].result.error == nil, (t.steps[i].result.value ?? 0) > 0 {
                t.steps[i].result.value = n
            }
            for c in t.steps[i].completed.indices {
                let comp = t.steps[i].completed[c]
                if case .recv(let n, _) = comp.call, comp.result.error == nil, (comp.result.value ?? 0) > 0 {
                    t.steps[i].completed[c].result.value = n
                }
            }
        }
        return t
    }

    static func passiveTimeWait(_ t: Trace) -> Trace {
        var t = t
        let twoMSL = 2 * t.parameters.msl
        for i in t.steps.indices {
            for j in t.steps[i].transitions.indices {
                let c = t.steps[i].transitions[j]
                guard c.from == .lastAck, c.to == .closed else { continue }
                t.steps[i].transitions[j].to = .timeWait
                let closeAt = c.time + twoMSL
                var k = i
                while k < t.steps.count, t.steps[k].time < closeAt {
                    for h in t.steps[k].hosts.indices where t.steps[k].hosts[h].socket == c.socket {
                        t.steps[k].hosts[h].state = .timeWait
                    }
                    for s in t.steps[k].sockets.indices where t.steps[k].sockets[s].id == c.socket {
                        t.steps[k].sockets[s].state = .timeWait
                    }
                    k += 1
                }
                if k < t.steps.count {
                    var closing = c
                    closing.from = .timeWait
                    closing.to = .closed
                    closing.cause = .timeout2MSL
                    closing.time = closeAt
                    t.steps[k].transitions.append(closing)
                }
            }
        }
        return t
    }

    static func listenerFollowsChild(_ t: Trace) -> Trace {
        var t = t
        // The first socket created for an arriving SYN, per host, and the listener it came from.
        var childOf: [Int: Int] = [:]  // listener socket id -> first child id
        for step in t.steps {
            for c in step.transitions where c.from == .listen && c.cause == .rcvSyn {
                guard let listener = step.sockets.first(where: { $0.host == c.host && $0.isListening && $0.id != c.socket }) else { continue }
                if childOf[listener.id] == nil { childOf[listener.id] = c.socket }
            }
        }
        guard !childOf.isEmpty else { return t }
        for i in t.steps.indices {
            let sockets = t.steps[i].sockets
            for (listener, child) in childOf {
                guard let childState = sockets.first(where: { $0.id == child })?.state ?? lastKnownState(child, t, before: i) else { continue }
                for s in t.steps[i].sockets.indices where t.steps[i].sockets[s].id == listener && t.steps[i].sockets[s].state == .listen {
                    t.steps[i].sockets[s].state = childState
                }
                for h in t.steps[i].hosts.indices where t.steps[i].hosts[h].socket == listener && t.steps[i].hosts[h].state == .listen {
                    t.steps[i].hosts[h].state = childState
                }
            }
            var extra: [StateChange] = []
            for c in t.steps[i].transitions {
                guard let listener = childOf.first(where: { $0.value == c.socket })?.key else { continue }
                var copy = c
                copy.socket = listener
                extra.append(copy)
            }
            t.steps[i].transitions += extra
        }
        return t
    }

    static func lastKnownState(_ sid: Int, _ t: Trace, before i: Int) -> TCPState? {
        for k in stride(from: i - 1, through: 0, by: -1) {
            if let s = t.steps[k].sockets.first(where: { $0.id == sid }) { return s.state }
        }
        return nil
    }
}
