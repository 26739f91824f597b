import SourceFiles
import SocketSim

/// Why a query could not be read or answered; the message names what was expected.
public struct QueryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A question about a trace, written in the content as text: `queue server.recvq after 3`.
///
/// Answer keys, worked-example values and misconception predictions are all queries, so no number
/// the chapter states is ever typed in by hand: changing SQS or RQS moves them all.
///
/// Forms (K is a 1-based step number, or `last`; HOST a host name; `HOST fd=N` names one descriptor):
/// - `returned K`: what step K's call returned (its errno text if it failed; `never` if it never did)
/// - `returnedAt K`: the step during which step K's call returned (`never` if it did not)
/// - `blocks K`: whether step K's call had to wait (did not return within its own step)
/// - `error K`: the errno text of step K's call, or `none`
/// - `queue HOST.sendq|recvq|delivered after K`: bytes in that queue after step K
/// - `origins HOST.sendq|recvq|delivered after K`: the same bytes per originating `send`
/// - `outcome` (`completed` or `deadlock`), `deadlock` (yes/no)
/// - `state HOST [fd=N] after K`, `states HOST [fd=N]` (the distinct consecutive states of its
///   connection socket), `local HOST [fd=N] after K`, `remote HOST [fd=N] after K`
/// - `segments [HOST]`: labels of the segments sent, in order (`SYN`, `SYN+ACK`, `ACK`, `DATA`, ...)
/// - `recvs HOST`: what each of HOST's `recv` calls returned, in step order
/// - `param NAME`: a parameter, variant or `let` value
/// - `min NAME in A..B [step S] [monotone] where CONDITION`, `max ...`: the smallest (largest) value
///   of a parameter for which CONDITION holds, re-running the scenario per candidate; CONDITION is a
///   yes/no query, `not QUERY`, or `QUERY == VALUE` (also `!=`, `<`, `<=`, `>`, `>=`). Candidates
///   are tried one by one, unless the author writes `monotone` (the condition switches once, from
///   no to yes for `min`, from yes to no for `max`): then by bisection, about log2(B - A) runs.
public struct Query: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    package let form: Form

    public var description: String { text }

    public enum QueueName: String, Hashable, Sendable, CaseIterable {
        case sendq, recvq, delivered
    }

    /// A step reference: a number or the last step.
    package enum StepRef: Hashable, Sendable {
        case index(Int)
        case last
    }

    /// Which socket of a host: its connection socket (what `send` and `recv` use), or a descriptor.
    package struct SocketRef: Hashable, Sendable {
        package var host: String
        package var fd: Int?
    }

    package enum Comparison: String, Hashable, Sendable {
        case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    }

    package indirect enum Form: Hashable, Sendable {
        case returned(Int)
        case returnedAt(Int)
        case blocks(Int)
        case error(Int)
        case queue(String, QueueName, StepRef)
        case origins(String, QueueName, StepRef)
        case outcome
        case deadlock
        case state(SocketRef, StepRef)
        case states(SocketRef)
        case local(SocketRef, StepRef)
        case remote(SocketRef, StepRef)
        case segments(String?)
        case recvs(String)
        case param(String)
        case search(minimum: Bool, name: String, from: String, to: String, step: Int, monotone: Bool, condition: Form)
        case not(Form)
        case compare(Form, Comparison, String)
    }

    init(text: String, form: Form) {
        self.text = text
        self.form = form
    }

    /// The names of the forms, for error messages.
    public static let formNames = [
        "returned K", "returnedAt K", "blocks K", "error K", "queue HOST.sendq|recvq|delivered after K",
        "origins HOST.QUEUE after K", "outcome", "deadlock", "state HOST after K", "states HOST",
        "local HOST after K", "remote HOST after K", "segments [HOST]", "recvs HOST", "param NAME",
        "min NAME in A..B where CONDITION", "max NAME in A..B where CONDITION",
    ]

    /// Reads a query; a mistake names the form that was expected.
    public static func parse(_ text: String) throws(QueryError) -> Query {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        var p = QueryParser(words: words, text: text)
        let form = try p.parseCondition()
        guard p.pos == words.count else {
            throw QueryError("unexpected '\(words[p.pos...].joined(separator: " "))' at the end of query '\(text)'")
        }
        return Query(text: text, form: form)
    }

    /// Whether answering needs the scenario run again (`min`/`max` searches).
    public var needsRerun: Bool { form.needsRerun }

    /// Whether the query yields a yes/no value, as a `min ... where` condition needs.
    var isCondition: Bool { form.isBoolean }
}

extension Query.Form {
    var needsRerun: Bool {
        switch self {
        case .search: return true
        case .not(let f): return f.needsRerun
        case .compare(let f, _, _): return f.needsRerun
        default: return false
        }
    }

    var isBoolean: Bool {
        switch self {
        case .deadlock, .blocks, .not, .compare: return true
        case .search: return false
        default: return false
        }
    }
}

/// A small recursive-descent reader over the words of a query.
struct QueryParser {
    let words: [String]
    let text: String
    var pos = 0

    mutating func next(_ expected: String) throws(QueryError) -> String {
        guard pos < words.count else { throw QueryError("query '\(text)' ends too early: expected \(expected)") }
        defer { pos += 1 }
        return words[pos]
    }

    mutating func expect(_ word: String) throws(QueryError) {
        let w = try next("'\(word)'")
        guard w == word else { throw QueryError("expected '\(word)' in query '\(text)', got '\(w)'") }
    }

    mutating func stepNumber() throws(QueryError) -> Int {
        let w = try next("a step number")
        guard let k = Int(w), k >= 1 else { throw QueryError("expected a step number (1, 2, ...) in query '\(text)', got '\(w)'") }
        return k
    }

    mutating func stepRef() throws(QueryError) -> Query.StepRef {
        try expect("after")
        if pos < words.count, words[pos] == "last" { pos += 1; return .last }
        return .index(try stepNumber())
    }

    mutating func hostQueue() throws(QueryError) -> (String, Query.QueueName) {
        let w = try next("HOST.sendq, HOST.recvq or HOST.delivered")
        let parts = w.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let q = Query.QueueName(rawValue: String(parts[1]).lowercased()) else {
            throw QueryError("expected HOST.sendq, HOST.recvq or HOST.delivered in query '\(text)', got '\(w)'")
        }
        return (String(parts[0]), q)
    }

    mutating func socketRef() throws(QueryError) -> Query.SocketRef {
        let host = try next("a host name")
        var ref = Query.SocketRef(host: host, fd: nil)
        if pos < words.count, words[pos].lowercased().hasPrefix("fd=") {
            guard let fd = Int(words[pos].dropFirst(3)), fd >= 0 else {
                throw QueryError("fd=N needs a descriptor number in query '\(text)', got '\(words[pos])'")
            }
            ref.fd = fd
            pos += 1
        }
        return ref
    }

    /// A yes/no condition: `not Q`, `Q OP VALUE`, or a plain query.
    mutating func parseCondition() throws(QueryError) -> Query.Form {
        if pos < words.count, words[pos] == "not" {
            pos += 1
            return .not(try parseCondition())
        }
        let base = try parseForm()
        if pos < words.count, let op = Query.Comparison(rawValue: words[pos]) {
            pos += 1
            let rest = words[pos...].joined(separator: " ")
            guard !rest.isEmpty else { throw QueryError("'\(op.rawValue)' needs a value after it in query '\(text)'") }
            pos = words.count
            return .compare(base, op, rest)
        }
        return base
    }

    mutating func parseForm() throws(QueryError) -> Query.Form {
        let verb = try next("one of: \(Query.formNames.joined(separator: "; "))")
        switch verb {
        case "returned": return .returned(try stepNumber())
        case "returnedAt": return .returnedAt(try stepNumber())
        case "blocks": return .blocks(try stepNumber())
        case "error": return .error(try stepNumber())
        case "queue", "origins":
            let (h, q) = try hostQueue()
            let k = try stepRef()
            return verb == "queue" ? .queue(h, q, k) : .origins(h, q, k)
        case "outcome": return .outcome
        case "deadlock": return .deadlock
        case "state": let s = try socketRef(); return .state(s, try stepRef())
        case "states": return .states(try socketRef())
        case "local": let s = try socketRef(); return .local(s, try stepRef())
        case "remote": let s = try socketRef(); return .remote(s, try stepRef())
        case "segments":
            if pos < words.count, !isOperator(words[pos]) { return .segments(try next("a host name")) }
            return .segments(nil)
        case "recvs": return .recvs(try next("a host name"))
        case "param": return .param(try next("a parameter name"))
        case "min", "max":
            let name = try next("a parameter name")
            try expect("in")
            let range = try next("a range A..B")
            let bounds = splitRange(range)
            guard bounds.count == 2, !bounds[0].isEmpty, !bounds[1].isEmpty else {
                throw QueryError("expected a range such as 1..5000 after 'in' in query '\(text)', got '\(range)'")
            }
            var step = 1
            if pos < words.count, words[pos] == "step" {
                pos += 1
                let w = try next("a step size")
                guard let s = Int(w), s >= 1 else { throw QueryError("step must be a positive whole number in query '\(text)', got '\(w)'") }
                step = s
            }
            var monotone = false
            if pos < words.count, words[pos] == "monotone" {
                pos += 1
                monotone = true
            }
            try expect("where")
            let condition = try parseCondition()
            guard condition.isBoolean else {
                throw QueryError("the condition after 'where' must be yes/no (deadlock, blocks K, not ..., or QUERY == VALUE) in query '\(text)'")
            }
            return .search(minimum: verb == "min", name: name, from: bounds[0], to: bounds[1], step: step, monotone: monotone, condition: condition)
        default:
            throw QueryError("unknown query '\(verb)' in '\(text)': expected one of: \(Query.formNames.joined(separator: "; "))")
        }
    }

    func isOperator(_ w: String) -> Bool { Query.Comparison(rawValue: w) != nil || w == "where" }
}

/// Splits `A..B` (where A and B may be `{expressions}`) at the first `..`.
func splitRange(_ s: String) -> [String] {
    let chars = Array(s)
    for i in 0..<max(0, chars.count - 1) where chars[i] == "." && chars[i + 1] == "." {
        return [String(chars[..<i]), String(chars[(i + 2)...])]
    }
    return [s]
}
