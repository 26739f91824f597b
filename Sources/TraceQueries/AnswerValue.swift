import SocketSim

/// A value computed from a trace: what an answer key, a worked example or a student's answer is.
///
/// Each thing the simulation produces keeps its type (a state, an errno, an endpoint), so a
/// consumer switches over the case instead of parsing a rendering; text is rendered only at the
/// edges (`display`, `korean`). Only a student's answer is ever parsed, by the grader's `Marking`.
public enum AnswerValue: Hashable, Sendable, CustomStringConvertible {
    case integer(Int)
    /// Free text the scenario was given, not computed: a variant's word (`mode: manual`) or the
    /// network mode, for `param NAME`.
    case text(String)
    case boolean(Bool)
    /// A TCP state (`state HOST after K`).
    case state(TCPState)
    /// A call's error (`returned K` of a failed call, `error K`); nil for a call that succeeded
    /// (`error K` then reads `none`).
    case errno(Errno?)
    /// How the run ended (`outcome`).
    case outcome(Outcome)
    /// A socket's local or remote address (`local`, `remote`); nil for none.
    case endpoint(Endpoint?)
    /// An ordered list: the states a socket passed through, the segments sent, what `recv`s returned.
    case list([Item])
    /// Bytes per originating `send` ("send 1", or "client send 1" when both hosts send).
    case counts([String: Int])
    /// A call that never returned (or a search that found nothing).
    case never

    /// One item of a list value.
    public enum Item: Hashable, Sendable, CustomStringConvertible {
        case state(TCPState)
        /// A segment by its label (`SYN`, `SYN+ACK`, `DATA`), as `Segment.label` names it.
        case segment(String)
        /// What a call returned: a value, an error, or nothing (it never returned).
        case integer(Int)
        case errno(Errno)
        case never

        /// `SYN_SENT`, `SYN+ACK`, `500`, `EPIPE`, `never`.
        public var display: String {
            switch self {
            case .state(let s): return s.rawValue
            case .segment(let label): return label
            case .integer(let v): return String(v)
            case .errno(let e): return e.rawValue
            case .never: return "never"
            }
        }

        public var description: String { display }
    }

    /// A plain, language-neutral rendering: `1000`, `yes`, `SYN, SYN+ACK, ACK`, `send 1: 500, send 2: 300`.
    /// Callers that speak Korean localise booleans and `never` themselves.
    public var display: String {
        switch self {
        case .integer(let v): return String(v)
        case .text(let s): return s
        case .boolean(let b): return b ? "yes" : "no"
        case .state(let s): return s.rawValue
        case .errno(let e): return e?.rawValue ?? "none"
        case .outcome(let o): return o.rawValue
        case .endpoint(let e): return e?.description ?? "none"
        case .list(let items): return items.map(\.display).joined(separator: ", ")
        case .counts(let c): return Self.sortedCountKeys(c).map { "\($0): \(c[$0]!)" }.joined(separator: ", ")
        case .never: return "never"
        }
    }

    public var description: String { display }

    /// Count keys in a natural order: `send 2` before `send 10`, host names alphabetically.
    public static func sortedCountKeys(_ c: [String: Int]) -> [String] {
        c.keys.sorted { a, b in
            let (pa, na) = splitTrailingNumber(a), (pb, nb) = splitTrailingNumber(b)
            return pa != pb ? pa < pb : na < nb
        }
    }

    static func splitTrailingNumber(_ s: String) -> (String, Int) {
        let digits = s.reversed().prefix { $0.isNumber }
        guard !digits.isEmpty, let n = Int(String(digits.reversed())) else { return (s, 0) }
        return (String(s.dropLast(digits.count)), n)
    }
}
