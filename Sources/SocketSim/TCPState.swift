/// The eleven connection states of RFC 9293, with their conventional spellings.
public enum TCPState: String, CaseIterable, Sendable, Hashable, Codable {
    case closed = "CLOSED"
    case listen = "LISTEN"
    case synSent = "SYN_SENT"
    case synReceived = "SYN_RCVD"
    case established = "ESTABLISHED"
    case finWait1 = "FIN_WAIT_1"
    case finWait2 = "FIN_WAIT_2"
    case closeWait = "CLOSE_WAIT"
    case closing = "CLOSING"
    case lastAck = "LAST_ACK"
    case timeWait = "TIME_WAIT"

    /// Accepts the usual spellings students write: `SYN_RCVD`, `SYN-RECEIVED`, `time wait`, `Established`.
    public init?(spelling: String) {
        // ASCII spellings (all of the valid ones) without Character work: upper-cased letters and
        // digits only. Anything else goes the general way and fails to match below.
        var key = ""
        if spelling.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(spelling.utf8.count)
            for b in spelling.utf8 {
                switch b {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(b)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(b - 32)
                default: continue
                }
            }
            key = String(decoding: bytes, as: UTF8.self)
        } else {
            for ch in spelling.uppercased() where ch.isLetter || ch.isNumber { key.append(ch) }
        }
        switch key {
        case "CLOSED": self = .closed
        case "LISTEN": self = .listen
        case "SYNSENT": self = .synSent
        case "SYNRCVD", "SYNRECEIVED", "SYNRECV": self = .synReceived
        case "ESTABLISHED", "ESTAB": self = .established
        case "FINWAIT1": self = .finWait1
        case "FINWAIT2": self = .finWait2
        case "CLOSEWAIT": self = .closeWait
        case "CLOSING": self = .closing
        case "LASTACK": self = .lastAck
        case "TIMEWAIT": self = .timeWait
        default: return nil
        }
    }

    /// States in which both sides' sequence numbers are known (RFC 9293 "synchronized").
    public var isSynchronized: Bool {
        switch self {
        case .closed, .listen, .synSent, .synReceived: return false
        case .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait: return true
        }
    }
}

/// What made a connection change state: the labels on the arrows of RFC 9293's Figure 5.
public enum TransitionCause: String, Sendable, Hashable, Codable {
    case passiveOpen = "passive OPEN"
    case activeOpen = "active OPEN / snd SYN"
    case rcvSyn = "rcv SYN / snd SYN,ACK"
    case rcvSynAck = "rcv SYN,ACK / snd ACK"
    case rcvAckOfSyn = "rcv ACK of SYN"
    case close = "CLOSE / snd FIN"
    case closeWithoutFin = "CLOSE"
    case rcvFin = "rcv FIN / snd ACK"
    case rcvAckOfFin = "rcv ACK of FIN"
    case rcvFinAckOfFin = "rcv FIN,ACK of FIN / snd ACK"
    case timeout2MSL = "Timeout = 2MSL"
    case rcvRst = "rcv RST"
    case retransmissionTimeout = "retransmission timeout"
    case finWait2Timeout = "FIN_WAIT_2 timeout"
    case listenerClosed = "listener closed / snd RST"
    case rcvDataAfterClose = "rcv data after close / snd RST"
}

/// One arrow of the state diagram.
public struct Transition: Hashable, Sendable {
    public var from: TCPState
    public var to: TCPState
    public init(_ from: TCPState, _ to: TCPState) {
        self.from = from
        self.to = to
    }

    /// RFC 9293, Figure 5, plus the ways out that every implementation has (RST, giving up after
    /// retransmissions, the FIN_WAIT_2 timer of an orphaned socket). A socket created for an arriving
    /// SYN starts in SYN_RCVD: the listener it came from keeps LISTEN (the textbook's and the
    /// kernel's model), which is the RFC's LISTEN -> SYN_RCVD arrow taken by a new socket.
    public static let rfc9293: Set<Transition> = [
        Transition(.closed, .listen), Transition(.closed, .synSent),
        Transition(.listen, .synReceived), Transition(.listen, .closed), Transition(.listen, .synSent),
        Transition(.synSent, .synReceived), Transition(.synSent, .established), Transition(.synSent, .closed),
        Transition(.synReceived, .established), Transition(.synReceived, .finWait1),
        Transition(.synReceived, .listen), Transition(.synReceived, .closed),
        Transition(.established, .finWait1), Transition(.established, .closeWait),
        Transition(.established, .closed),
        Transition(.finWait1, .finWait2), Transition(.finWait1, .closing), Transition(.finWait1, .timeWait),
        Transition(.finWait1, .closed),
        Transition(.finWait2, .timeWait), Transition(.finWait2, .closed),
        Transition(.closing, .timeWait), Transition(.closing, .closed),
        Transition(.closeWait, .lastAck), Transition(.closeWait, .closed),
        Transition(.lastAck, .closed),
        Transition(.timeWait, .closed),
    ]
}
