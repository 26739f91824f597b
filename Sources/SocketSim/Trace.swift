/// What a call returned, for traces: a value, an error, and for `recv` whose bytes it got.
public struct CallResult: Hashable, Sendable {
    public var value: Int?
    public var error: Errno?
    /// For `recv`: the bytes returned, as runs of their origin `send` calls, in order.
    public var runs: [ByteRun]

    public init(value: Int? = nil, error: Errno? = nil, runs: [ByteRun] = []) {
        self.value = value
        self.error = error
        self.runs = runs
    }
}

public enum StepStatus: String, Sendable, Hashable, Codable {
    case returned
    case blocked
    case error
}

/// A call that had blocked earlier and returned during a later step.
public struct Completion: Hashable, Sendable {
    public var index: Int
    public var actor: String
    public var call: String
    public var result: CallResult
}

/// The state of one queue as a diagram needs it: byte count, origin runs and the circular view.
public struct QueueSnapshot: Hashable, Sendable {
    public var capacity: Int
    public var count: Int
    public var head: Int
    public var tail: Int
    public var runs: [ByteRun]

    public init(_ q: ByteQueue) {
        capacity = q.capacity
        count = q.count
        head = q.head
        tail = q.tail
        runs = Array(q.runs)
    }
}

/// One socket structure after a step.
public struct SocketSnapshot: Hashable, Sendable {
    public var id: Int
    public var host: String
    public var fd: Int?
    public var local: Endpoint?
    public var remote: Endpoint?
    public var state: TCPState
    public var sendq: QueueSnapshot
    public var recvq: QueueSnapshot
    public var delivered: Int
    /// Delivered bytes by origin, oldest first.
    public var deliveredRuns: [ByteRun]
    /// For a listener: sockets of connections still in the handshake, and completed ones not yet accepted.
    public var isListening: Bool
    public var incomplete: [Int]
    public var completed: [Int]
    public var reuseAddress: Bool
}

/// A host after a step, seen through its connected socket (or its newest socket before it has one).
public struct HostSnapshot: Hashable, Sendable {
    public var name: String
    public var sendq: Int
    public var recvq: Int
    public var delivered: Int
    public var state: TCPState?
    public var socket: Int?
    /// The call the host is blocked in, if any.
    public var blockedIn: String?
}

/// Everything recorded about one step.
public struct StepRecord: Hashable, Sendable {
    public var index: Int
    public var actor: String
    public var call: String
    public var status: StepStatus
    public var result: CallResult
    /// True when the step could not start because its host was still blocked in an earlier call.
    public var deferred: Bool
    /// When the call blocked: the step during which it finally returned, if it did.
    public var returnedAtStep: Int?
    public var completed: [Completion]
    public var hosts: [HostSnapshot]
    public var sockets: [SocketSnapshot]
    public var segments: [SegmentEvent]
    /// Simulated clock after the step, in milliseconds.
    public var time: Int
    /// State changes during the step, in order.
    public var transitions: [StateChange]
}

/// A socket changing state, with the reason.
public struct StateChange: Hashable, Sendable {
    public var socket: Int
    public var host: String
    public var from: TCPState
    public var to: TCPState
    public var cause: TransitionCause
    public var time: Int
}

public enum Outcome: String, Sendable, Hashable, Codable {
    case completed
    case deadlock
}

/// A call left blocked at the end of the run.
public struct BlockedCall: Hashable, Sendable {
    public var actor: String
    public var call: String
    public var index: Int
    /// Bytes still to go for `send` and `recv`; nil for calls that wait for something else.
    public var remaining: Int?
}

public struct Deadlock: Hashable, Sendable {
    public var atStep: Int
    public var blocked: [BlockedCall]
}

/// The whole run: what the figures, worked examples and answer keys are computed from.
public struct Trace: Hashable, Sendable {
    public var title: String
    public var parameters: Parameters
    public var hosts: [HostConfig]
    public var outcome: Outcome
    public var deadlock: Deadlock?
    public var steps: [StepRecord]
    /// The byte count each `send` call asked for, by origin (bytes it never placed included).
    public var sendSizes: [Origin: Int] = [:]
    /// Every state change of the run, in order.
    public var transitions: [StateChange] { steps.flatMap(\.transitions) }
    /// Every segment event of the run, in order.
    public var segmentEvents: [SegmentEvent] { steps.flatMap(\.segments) }

    public func hostName(_ index: Int) -> String { hosts[index].name }
}
