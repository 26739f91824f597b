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
    /// The call, parsed: what consumers switch over.
    public var call: SocketCall
    /// The call as the step was written, for display only (JSON `call`, figures, prose).
    public var text: String
    public var result: CallResult
}

/// A socket call with the text its step was written as: the type for what consumers ask
/// (`call.kind == .recv`), the text for what they show.
public struct WrittenCall: Hashable, Sendable {
    public var call: SocketCall
    public var text: String

    public init(_ call: SocketCall, text: String) {
        self.call = call
        self.text = text
    }
}

/// The state of one queue as a diagram needs it: byte count, origin runs and the circular view.
public struct QueueSnapshot: Hashable, Sendable {
    public var capacity: Int
    public var count: Int
    public var head: Int
    public var tail: Int
    /// The runs, shared with the queue and the other steps' snapshots.
    public var runList: RunList

    public init(_ q: ByteQueue) {
        capacity = q.capacity
        count = q.count
        head = q.head
        tail = q.tail
        runList = q.runs
    }

    /// The runs as an array, oldest first.
    public var runs: [ByteRun] {
        get { Array(runList) }
        set { runList = RunList(newValue) }
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
    /// Delivered bytes by origin, oldest first (shared with the socket and the other steps).
    public var deliveredRunList: RunList
    /// For a listener: sockets of connections still in the handshake, and completed ones not yet accepted.
    public var isListening: Bool
    public var incomplete: [Int]
    public var completed: [Int]
    public var reuseAddress: Bool

    /// Delivered bytes by origin, oldest first, as an array.
    public var deliveredRuns: [ByteRun] {
        get { Array(deliveredRunList) }
        set { deliveredRunList = RunList(newValue) }
    }
}

/// A host after a step, seen through its connected socket (or its newest socket before it has one).
public struct HostSnapshot: Hashable, Sendable {
    public var name: String
    public var sendq: Int
    public var recvq: Int
    public var delivered: Int
    public var state: TCPState?
    public var socket: Int?
    /// The call the host is blocked in, if any (JSON `blockedIn` is its text).
    public var blockedIn: WrittenCall?
}

/// Everything recorded about one step.
public struct StepRecord: Hashable, Sendable {
    public var index: Int
    public var actor: String
    /// What the step did, parsed: consumers switch over it (`action.socketCall?.kind`).
    public var action: Step.Action
    /// The step as written (after `{expr}` substitution), for display only: JSON `call`, figure
    /// labels, prose. Nothing parses it.
    public var text: String
    public var status: StepStatus
    public var result: CallResult
    /// True when the step could not start because its host was still blocked in an earlier call.
    public var deferred: Bool
    /// When the call blocked: the step during which it finally returned, if it did.
    public var returnedAtStep: Int?
    public var completed: [Completion]
    public var hosts: [HostSnapshot]
    /// Every socket structure still there (or still named by a descriptor), in id order; shared
    /// with the other steps' lists, so a step costs only the sockets it changed.
    public var sockets: SocketList
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
    /// The call, parsed: what consumers switch over.
    public var call: SocketCall
    /// The call as its step was written, for display only (JSON `call`, figures, prose).
    public var text: String
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
