import SocketSim

/// A value computed from a trace: what an answer key, a worked example or a student's answer is.
public enum AnswerValue: Hashable, Sendable, CustomStringConvertible {
    case integer(Int)
    case text(String)
    case boolean(Bool)
    case list([String])
    /// Bytes per originating `send` ("send 1", or "client send 1" when both hosts send).
    case counts([String: Int])
    /// A call that never returned (or a search that found nothing).
    case never

    /// A plain, language-neutral rendering: `1000`, `yes`, `SYN, SYN+ACK, ACK`, `send 1: 500, send 2: 300`.
    /// Callers that speak Korean localise booleans and `never` themselves.
    public var display: String {
        switch self {
        case .integer(let v): return String(v)
        case .text(let s): return s
        case .boolean(let b): return b ? "yes" : "no"
        case .list(let items): return items.joined(separator: ", ")
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
