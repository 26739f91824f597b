/// How segments and data move between hosts.
public enum NetworkMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// After every step TCP moves all it can and every segment in flight is delivered.
    case auto
    /// Data moves only on `net: transfer`, segments only on `net: deliver`.
    case manual
}

/// What exists before the first step.
public enum StartMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// A connection between the first two hosts is already ESTABLISHED (the buffering chapters).
    case established
    /// Nothing exists; the steps create sockets themselves (the life-cycle chapters).
    case closed
}

/// The numbers that shape a run. Times are in milliseconds.
public struct Parameters: Hashable, Sendable {
    public var sqs: Int = 500
    public var rqs: Int = 500
    public var mss: Int = 536
    public var network: NetworkMode = .auto
    public var msl: Int = 30_000
    public var rto: Int = 1_000
    public var maxRetransmissions: Int = 5
    public var finWait2Timeout: Int = 60_000
    public var ephemeralFirst: Int = 49_152
    public var ephemeralLast: Int = 65_535
    public var backlog: Int = 5

    public init() {}

    /// The integer-valued parameters by name, as scenario expressions and `--set` see them.
    public static let integerNames: [String] = [
        "sqs", "rqs", "mss", "msl", "rto", "maxRetransmissions", "finWait2Timeout",
        "ephemeralFirst", "ephemeralLast", "backlog",
    ]

    public subscript(integer name: String) -> Int? {
        get {
            switch name {
            case "sqs": return sqs
            case "rqs": return rqs
            case "mss": return mss
            case "msl": return msl
            case "rto": return rto
            case "maxRetransmissions": return maxRetransmissions
            case "finWait2Timeout": return finWait2Timeout
            case "ephemeralFirst": return ephemeralFirst
            case "ephemeralLast": return ephemeralLast
            case "backlog": return backlog
            default: return nil
            }
        }
        set {
            guard let v = newValue else { return }
            switch name {
            case "sqs": sqs = v
            case "rqs": rqs = v
            case "mss": mss = v
            case "msl": msl = v
            case "rto": rto = v
            case "maxRetransmissions": maxRetransmissions = v
            case "finWait2Timeout": finWait2Timeout = v
            case "ephemeralFirst": ephemeralFirst = v
            case "ephemeralLast": ephemeralLast = v
            case "backlog": backlog = v
            default: break
            }
        }
    }

    /// Names whose values are durations (written `30s`, `500ms`, `2min` in scenarios).
    public static let durationNames: Set<String> = ["msl", "rto", "finWait2Timeout"]

    /// The largest queue the simulator accepts; larger is almost certainly a typo.
    public static let maxQueueSize = Limits.maxBytes

    /// The range each integer parameter must fall in (the one table every reader checks against).
    public static func quantity(of name: String) -> Quantity? {
        switch name {
        case "sqs", "rqs": return .queueSize
        case "mss": return .mss
        case "msl": return .msl
        case "rto": return .rto
        case "maxRetransmissions": return .retransmissions
        case "finWait2Timeout": return .finWait2Timeout
        case "ephemeralFirst", "ephemeralLast": return Quantity("a port number", 1...65_535)
        case "backlog": return .backlog
        default: return nil
        }
    }
}

/// One host of a scenario.
public struct HostConfig: Hashable, Sendable {
    public var name: String
    public var addresses: [String]
    /// Per-host queue sizes; `nil` means the scenario's `sqs` / `rqs`.
    public var sqs: Int?
    public var rqs: Int?

    public init(name: String, addresses: [String], sqs: Int? = nil, rqs: Int? = nil) {
        self.name = name
        self.addresses = addresses
        self.sqs = sqs
        self.rqs = rqs
    }
}

/// Who performs a step.
public enum Actor: Hashable, Sendable {
    case host(String)
    case net
    case time

    public var name: String {
        switch self {
        case .host(let n): return n
        case .net: return "net"
        case .time: return "time"
        }
    }
}

/// `shutdown`'s three modes.
public enum ShutdownHow: String, Sendable, Hashable, CaseIterable, Codable {
    case read = "SHUT_RD"
    case write = "SHUT_WR"
    case both = "SHUT_RDWR"
}

/// An address as written in a scenario: `*` (INADDR_ANY), an IP address or a host name, and a port.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
    public var description: String { "\(host):\(port)" }
}

/// A socket call made by a host's program.
public enum SocketCall: Hashable, Sendable {
    case socket
    case bind(SocketAddress, reuseAddress: Bool)
    case listen(backlog: Int?)
    /// `listen ADDR:PORT`: socket + bind + listen in one step.
    case listenOn(SocketAddress, backlog: Int?, reuseAddress: Bool)
    /// `listen N`: the backlog on a bound socket that does not listen yet (listen(2)); otherwise
    /// the short form socket + bind *:N + listen. Only the simulator knows which applies.
    case listenNumber(Int, backlog: Int?, reuseAddress: Bool)
    case connect(SocketAddress, nonBlocking: Bool)
    case accept(nonBlocking: Bool)
    case send(Int, nonBlocking: Bool)
    case recv(Int, nonBlocking: Bool)
    case shutdown(ShutdownHow)
    case close

    /// The nine calls by name, whatever their arguments: what consumers of a trace ask
    /// ("is this host blocked in a `recv`?") instead of reading the text the step was written as.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case socket, bind, listen, connect, accept, send, recv, shutdown, close
    }

    /// Which call this is; the three forms of `listen` are all `.listen`.
    public var kind: Kind {
        switch self {
        case .socket: return .socket
        case .bind: return .bind
        case .listen, .listenOn, .listenNumber: return .listen
        case .connect: return .connect
        case .accept: return .accept
        case .send: return .send
        case .recv: return .recv
        case .shutdown: return .shutdown
        case .close: return .close
        }
    }
}

/// What the network does on a `net:` step.
public enum NetworkCall: Hashable, Sendable {
    /// Move up to `limit` bytes (nil: all it can) from SendQ to the peer's RecvQ, per direction;
    /// `from` restricts it to one host's sending direction.
    case transfer(limit: Int?, from: String?)
    /// Deliver the next `count` segments in flight (nil: until none is left).
    case deliver(count: Int?)
    /// Lose the next `count` segments in flight.
    case drop(count: Int)
}

/// One step of a scenario.
public struct Step: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        case call(SocketCall, fd: Int?)
        case network(NetworkCall)
        case advance(milliseconds: Int)

        /// The socket call of a host's step; nil for the network's and the clock's steps.
        public var socketCall: SocketCall? {
            switch self {
            case .call(let call, _): return call
            case .network, .advance: return nil
            }
        }
    }
    public var actor: Actor
    public var action: Action
    /// The step as written (after `{expr}` substitution): what traces show and `simulate --format
    /// json` prints; nothing reads it back (consumers switch over `action`).
    public var text: String

    public init(actor: Actor, action: Action, text: String) {
        self.actor = actor
        self.action = action
        self.text = text
    }
}

/// A scenario: parameters, hosts and the steps to run.
public struct Scenario: Hashable, Sendable {
    public var title: String
    public var parameters: Parameters
    public var hosts: [HostConfig]
    public var start: StartMode
    public var steps: [Step]

    public init(title: String = "", parameters: Parameters = Parameters(), hosts: [HostConfig] = Scenario.defaultHosts,
                start: StartMode = .established, steps: [Step] = []) {
        self.title = title
        self.parameters = parameters
        self.hosts = hosts
        self.start = start
        self.steps = steps
    }

    public static let defaultHosts = [
        HostConfig(name: "client", addresses: ["10.0.0.1"]),
        HostConfig(name: "server", addresses: ["10.0.0.2"]),
    ]

    /// Whether any step opens or accepts connections itself, which makes `closed` the natural start.
    public static func stepsBuildConnections(_ steps: [Step]) -> Bool {
        steps.contains { step in
            guard case .call(let call, _) = step.action else { return false }
            switch call {
            case .socket, .bind, .listen, .listenOn, .listenNumber, .connect, .accept: return true
            case .send, .recv, .shutdown, .close: return false
            }
        }
    }
}
