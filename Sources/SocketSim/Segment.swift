/// An endpoint of a connection: an IP address and a port.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: String
    public var port: Int
    public init(_ address: String, _ port: Int) {
        self.address = address
        self.port = port
    }
    public var description: String { "\(address):\(port)" }
    public var isWildcard: Bool { address == "*" }
    public static func < (a: Endpoint, b: Endpoint) -> Bool { (a.address, a.port) < (b.address, b.port) }
}

/// The TCP header's control bits that the chapter uses.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let fin = TCPFlags(rawValue: 1 << 0)
    public static let syn = TCPFlags(rawValue: 1 << 1)
    public static let rst = TCPFlags(rawValue: 1 << 2)
    public static let psh = TCPFlags(rawValue: 1 << 3)
    public static let ack = TCPFlags(rawValue: 1 << 4)

    /// The bits in the order people write them: `SYN+ACK`, `FIN+ACK`, `PSH+ACK`.
    public static let ordered: [(TCPFlags, String)] = [(.syn, "SYN"), (.rst, "RST"), (.fin, "FIN"), (.psh, "PSH"), (.ack, "ACK")]

    public var label: String {
        Self.ordered.filter { contains($0.0) }.map(\.1).joined(separator: "+")
    }

    public var names: [String] { Self.ordered.filter { contains($0.0) }.map(\.1) }
}

/// A TCP segment with the header fields the segment-format figure and sequence diagrams draw.
public struct Segment: Hashable, Sendable {
    /// Scenario-unique number, in the order segments were first sent.
    public var id: Int
    public var fromHost: Int
    public var toHost: Int
    public var source: Endpoint
    public var destination: Endpoint
    /// Sequence and acknowledgement numbers, modulo 2^32 when shown.
    public var seq: Int
    public var ack: Int
    public var flags: TCPFlags
    public var window: Int
    /// Payload length in bytes, and whose bytes they are.
    public var length: Int
    public var payload: [ByteRun]

    /// Sequence space the segment occupies: payload plus one for SYN and one for FIN.
    public var sequenceLength: Int { length + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0) }

    /// `SYN`, `SYN+ACK`, `ACK`, `FIN+ACK`, `RST+ACK`, and `DATA` for a segment that carries bytes.
    public var label: String { length > 0 ? "DATA" : flags.label }
}

/// What happened to a segment during a step.
public enum SegmentEventKind: String, Sendable, Hashable, Codable {
    case sent
    case retransmitted
    case delivered
    case dropped
}

public struct SegmentEvent: Hashable, Sendable {
    public var kind: SegmentEventKind
    public var segment: Segment
    /// Simulated time in milliseconds.
    public var time: Int
    /// A note such as "backlog full" or "no socket: answered with RST".
    public var note: String?
}
