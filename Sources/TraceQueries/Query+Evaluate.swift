import SourceFiles
import SocketSim

/// A run a query can look at: the trace and the values of every name the scenario was run with.
public struct QueryRun: Sendable {
    public var trace: Trace
    /// Course parameters, variant values, the scenario's parameters and its `let` names.
    public var variables: [String: Int]
    /// Variant values that are words (`mode: manual`), for `param NAME`.
    public var textVariables: [String: String]

    public init(trace: Trace, variables: [String: Int] = [:], textVariables: [String: String] = [:]) {
        self.trace = trace
        self.variables = variables
        self.textVariables = textVariables
    }
}

/// Runs the scenario again with one name set to a value (for `min`/`max` searches).
public typealias QueryRerun = (_ name: String, _ value: Int) throws(QueryError) -> QueryRun

extension Query {
    /// The largest number of candidates a `min`/`max` search may try.
    public static let maxSearchCandidates = 200_000

    /// Evaluates the query on a trace alone: `param` sees only the trace's parameters, and
    /// searches are refused (they need to run the scenario again).
    public func evaluate(on trace: Trace) throws(QueryError) -> AnswerValue {
        try evaluate(on: QueryRun(trace: trace), rerun: nil)
    }

    /// Evaluates the query; `rerun` runs the same scenario with one name changed, for searches.
    public func evaluate(on run: QueryRun, rerun: QueryRerun?) throws(QueryError) -> AnswerValue {
        var e = QueryEvaluator(query: self, rerun: rerun)
        return try e.value(form, run)
    }
}

struct QueryEvaluator {
    let query: Query
    let rerun: QueryRerun?

    func fail(_ message: String) -> QueryError { QueryError("\(message) (in query '\(query.text)')") }

    func record(_ k: Int, _ trace: Trace) throws(QueryError) -> StepRecord {
        guard k >= 1, k <= trace.steps.count else {
            throw fail("step \(k) is out of range: the scenario has \(trace.steps.count) step\(trace.steps.count == 1 ? "" : "s")")
        }
        return trace.steps[k - 1]
    }

    func record(_ ref: Query.StepRef, _ trace: Trace) throws(QueryError) -> StepRecord {
        switch ref {
        case .index(let k): return try record(k, trace)
        case .last:
            guard let r = trace.steps.last else { throw fail("the scenario has no steps") }
            return r
        }
    }

    func hostIndex(_ name: String, _ trace: Trace) throws(QueryError) -> Int {
        guard let i = trace.hosts.firstIndex(where: { $0.name == name }) else {
            throw fail("unknown host '\(name)': the scenario's hosts are \(trace.hosts.map(\.name).joined(separator: ", "))")
        }
        return i
    }

    func hostSnapshot(_ name: String, _ r: StepRecord, _ trace: Trace) throws(QueryError) -> HostSnapshot? {
        _ = try hostIndex(name, trace)
        return r.hosts.first { $0.name == name }
    }

    /// The socket a reference means after a step: a descriptor, or the host's connection socket.
    func socket(_ ref: Query.SocketRef, _ r: StepRecord, _ trace: Trace) throws(QueryError) -> SocketSnapshot? {
        if let fd = ref.fd {
            _ = try hostIndex(ref.host, trace)
            return r.sockets.first { $0.host == ref.host && $0.fd == fd }
        }
        guard let sid = try hostSnapshot(ref.host, r, trace)?.socket else { return nil }
        return r.sockets.first { $0.id == sid }
    }

    /// What a call's result says: its value, or the errno's name.
    static func value(of result: CallResult) -> AnswerValue {
        if let e = result.error { return .text(e.rawValue) }
        return .integer(result.value ?? 0)
    }

    /// The result of step `k`'s call, wherever it returned; nil if it never did.
    static func result(of k: Int, _ trace: Trace) -> CallResult? {
        let r = trace.steps[k - 1]
        if r.status != .blocked { return r.result }
        for s in trace.steps[(k - 1)...] {
            if let c = s.completed.first(where: { $0.index == k }) { return c.result }
        }
        return nil
    }

    func label(_ origin: Origin, _ trace: Trace, multiSender: Bool) -> String {
        multiSender ? "\(trace.hostName(origin.host)) send \(origin.send)" : "send \(origin.send)"
    }

    /// Whether more than one host calls `send` in the run (then origins name their host).
    static func multiSender(_ trace: Trace) -> Bool {
        Set(trace.steps.filter { $0.action.socketCall?.kind == .send }.map(\.actor)).count > 1
    }

    /// The value of one form on a run: each form reads the trace its own way (below); `search`,
    /// `not` and `compare` evaluate other forms.
    mutating func value(_ form: Query.Form, _ run: QueryRun) throws(QueryError) -> AnswerValue {
        let trace = run.trace
        switch form {
        case .returned(let k):
            _ = try record(k, trace)
            return Self.result(of: k, trace).map(Self.value(of:)) ?? .never
        case .returnedAt(let k):
            return try returnedAt(k, trace)
        case .blocks(let k):
            return .boolean(try record(k, trace).status == .blocked)
        case .error(let k):
            _ = try record(k, trace)
            guard let result = Self.result(of: k, trace) else { return .never }
            return .text(result.error?.rawValue ?? "none")
        case .queue(let h, let q, let ref):
            return try queue(h, q, after: ref, trace)
        case .origins(let h, let q, let ref):
            return try origins(h, q, after: ref, trace)
        case .outcome:
            return .text(trace.outcome.rawValue)
        case .deadlock:
            return .boolean(trace.outcome == .deadlock)
        case .state(let ref, let step):
            return try state(ref, after: step, trace)
        case .states(let ref):
            return .list(try states(ref, trace).map(\.rawValue))
        case .local(let ref, let step):
            return .text(try socket(ref, try record(step, trace), trace)?.local?.description ?? "none")
        case .remote(let ref, let step):
            return .text(try socket(ref, try record(step, trace), trace)?.remote?.description ?? "none")
        case .segments(let host):
            var from: Int?
            if let host { from = try hostIndex(host, trace) }
            return .list(trace.segmentEvents.filter { $0.kind == .sent && (from == nil || $0.segment.fromHost == from) }.map(\.segment.label))
        case .recvs(let host):
            _ = try hostIndex(host, trace)
            let ks = trace.steps.filter { $0.actor == host && $0.action.socketCall?.kind == .recv }.map(\.index)
            return .list(ks.map { (Self.result(of: $0, trace).map(Self.value(of:)) ?? .never).display })
        case .param(let name):
            return try param(name, run)
        case .search(let minimum, let name, let fromText, let toText, let step, let monotone, let condition):
            guard let rerun else {
                throw fail("a '\(minimum ? "min" : "max")' search runs the scenario again for each candidate, so it needs the scenario, not only a trace")
            }
            let candidates = try searchCandidates(fromText, toText, step: step, run)
            return try search(name, over: candidates, minimum: minimum, monotone: monotone, condition, rerun: rerun)
        case .not(let f):
            return .boolean(!(try truth(f, run)))
        case .compare(let f, let op, let literal):
            return .boolean(try compare(try value(f, run), op, literal))
        }
    }

    /// The step at which step `k`'s call returned: `k` itself unless it blocked.
    func returnedAt(_ k: Int, _ trace: Trace) throws(QueryError) -> AnswerValue {
        let r = try record(k, trace)
        if r.status != .blocked { return .integer(k) }
        if let at = r.returnedAtStep { return .integer(at) }
        // A deferred step that started and finished later is recorded among completions.
        for s in trace.steps[(k - 1)...] where s.completed.contains(where: { $0.index == k }) { return .integer(s.index) }
        return .never
    }

    /// How many bytes a host's queue holds after a step (0 for a host without a connection).
    func queue(_ host: String, _ q: Query.QueueName, after ref: Query.StepRef, _ trace: Trace) throws(QueryError) -> AnswerValue {
        let r = try record(ref, trace)
        guard let s = try hostSnapshot(host, r, trace) else { return .integer(0) }
        switch q {
        case .sendq: return .integer(s.sendq)
        case .recvq: return .integer(s.recvq)
        case .delivered: return .integer(s.delivered)
        }
    }

    /// Whose bytes a host's queue holds after a step, by the `send` they came from.
    func origins(_ host: String, _ q: Query.QueueName, after ref: Query.StepRef, _ trace: Trace) throws(QueryError) -> AnswerValue {
        let r = try record(ref, trace)
        guard let sock = try socket(Query.SocketRef(host: host, fd: nil), r, trace) else { return .counts([:]) }
        let runs: [ByteRun]
        switch q {
        case .sendq: runs = sock.sendq.runs
        case .recvq: runs = sock.recvq.runs
        case .delivered: runs = sock.deliveredRuns
        }
        let multi = Self.multiSender(trace)
        var counts: [String: Int] = [:]
        for run in runs where run.count > 0 { counts[label(run.origin, trace, multiSender: multi), default: 0] += run.count }
        return .counts(counts)
    }

    /// A socket's state after a step: the host's own state when no descriptor is named.
    func state(_ ref: Query.SocketRef, after step: Query.StepRef, _ trace: Trace) throws(QueryError) -> AnswerValue {
        let r = try record(step, trace)
        if ref.fd == nil, let s = try hostSnapshot(ref.host, r, trace) {
            return .text((s.state ?? .closed).rawValue)
        }
        return .text((try socket(ref, r, trace)?.state ?? .closed).rawValue)
    }

    /// `param NAME`: the run's names first (variant values, words, `let`s), then the trace's parameters.
    func param(_ name: String, _ run: QueryRun) throws(QueryError) -> AnswerValue {
        if let v = run.variables[name] { return .integer(v) }
        if let t = run.textVariables[name] { return .text(t) }
        if let v = run.trace.parameters[integer: name] { return .integer(v) }
        if name == "network" { return .text(run.trace.parameters.network.rawValue) }
        let known = Set(run.variables.keys).union(run.textVariables.keys).union(Parameters.integerNames).sorted()
        throw fail("unknown parameter '\(name)': known names are \(known.joined(separator: ", "))")
    }

    /// The values a `min`/`max` search tries, in increasing order; an empty range, or one of more
    /// than `Query.maxSearchCandidates`, is refused before anything runs.
    func searchCandidates(_ fromText: String, _ toText: String, step: Int, _ run: QueryRun) throws(QueryError) -> [Int] {
        let lo = try bound(fromText, run), hi = try bound(toText, run)
        guard lo <= hi else { throw fail("the range \(lo)..\(hi) is empty") }
        guard (hi - lo) / step < Query.maxSearchCandidates else {
            throw fail("the range \(lo)..\(hi) has more than \(Query.maxSearchCandidates) candidates: use a smaller range or 'step'")
        }
        return Array(stride(from: lo, through: hi, by: step))
    }

    /// The first candidate, from the searched end (the smallest for `min`), on whose run the
    /// condition holds; `never` when none does. A `monotone` condition switches once, so it is
    /// found by bisection instead of trying every candidate.
    mutating func search(_ name: String, over candidates: [Int], minimum: Bool, monotone: Bool, _ condition: Query.Form,
                         rerun: QueryRerun) throws(QueryError) -> AnswerValue {
        let ordered = minimum ? candidates : candidates.reversed()
        if monotone {
            var low = 0, high = ordered.count - 1
            guard try truth(condition, try rerun(name, ordered[high])) else { return .never }
            while low < high {
                let mid = (low + high) / 2
                if try truth(condition, try rerun(name, ordered[mid])) { high = mid } else { low = mid + 1 }
            }
            return .integer(ordered[low])
        }
        for v in ordered {
            let again = try rerun(name, v)
            if try truth(condition, again) { return .integer(v) }
        }
        return .never
    }

    mutating func truth(_ form: Query.Form, _ run: QueryRun) throws(QueryError) -> Bool {
        switch try value(form, run) {
        case .boolean(let b): return b
        case let other: throw fail("the condition must be yes/no, but gives '\(other.display)'")
        }
    }

    /// A search range's end: a number, or an expression over the run's names (written bare or
    /// whole in braces, `{n - 1}`).
    func bound(_ text: String, _ run: QueryRun) throws(QueryError) -> Int {
        if let v = Int(text) { return v }
        let inner = TemplateScanner.braced(text).map(String.init) ?? text
        do { return try Arithmetic.evaluate(inner, variables: run.variables) } catch {
            throw fail("range bound '\(text)': \(error.message)")
        }
    }

    func compare(_ v: AnswerValue, _ op: Query.Comparison, _ literal: String) throws(QueryError) -> Bool {
        let lit = literal.trimmingSpacesTabsAndNewlines()
        switch op {
        case .eq, .ne:
            let equal = AnswerValue.literalMatches(v, lit)
            return op == .eq ? equal : !equal
        case .lt, .le, .gt, .ge:
            guard let rhs = Int(lit) else { throw fail("'\(op.rawValue)' compares numbers, got '\(literal)'") }
            let lhs: Int
            switch v {
            case .integer(let n): lhs = n
            case .never: lhs = Int.max  // a call that never returns returns later than any step
            default: throw fail("'\(op.rawValue)' compares numbers, but the query gives '\(v.display)'")
            }
            switch op {
            case .lt: return lhs < rhs
            case .le: return lhs <= rhs
            case .gt: return lhs > rhs
            default: return lhs >= rhs
            }
        }
    }

    /// The states a socket passed through, without repeats. The socket is the descriptor named, or
    /// the host's first socket that reached ESTABLISHED, or its connection socket at the first step.
    /// A socket created for an arriving SYN starts in SYN_RCVD (it did not "leave" LISTEN: the
    /// listener did not change state), so its list starts there.
    func states(_ ref: Query.SocketRef, _ trace: Trace) throws(QueryError) -> [TCPState] {
        _ = try hostIndex(ref.host, trace)
        var sid: Int?
        if let fd = ref.fd {
            sid = trace.steps.lazy.compactMap { $0.sockets.first { $0.host == ref.host && $0.fd == fd }?.id }.first
        } else {
            sid = trace.transitions.first { $0.host == ref.host && $0.to == .established }?.socket
                ?? trace.steps.lazy.compactMap { $0.hosts.first { $0.name == ref.host }?.socket }.first
        }
        guard let sid else { return [.closed] }
        let changes = trace.transitions.filter { $0.socket == sid }
        var out: [TCPState] = []
        if let first = changes.first {
            if !(first.from == .listen && first.cause == .rcvSyn) { out.append(first.from) }
        } else if let s = trace.steps.lazy.compactMap({ $0.sockets.first { $0.id == sid } }).first {
            out.append(s.state)
        }
        for c in changes where out.last != c.to { out.append(c.to) }
        return out
    }
}

extension AnswerValue {
    /// Whether a literal as written in a query (`deadlock`, `yes`, `never`, `ESTABLISHED`) equals a value.
    package static func literalMatches(_ v: AnswerValue, _ literal: String) -> Bool {
        switch v {
        case .integer(let n): return Int(literal) == n
        case .boolean(let b): return parseBoolean(literal) == b
        case .never: return literal.lowercased() == "never"
        case .text(let t):
            if let a = TCPState(spelling: t), let b = TCPState(spelling: literal) { return a == b }
            return t.lowercased() == literal.lowercased()
        case .list(let items):
            let parts = literal.split(separator: ",").map { $0.trimmingSpacesTabsAndNewlines().uppercased() }
            return parts == items.map { $0.uppercased() }
        case .counts:
            return false
        }
    }

    /// `yes`/`no` and the usual ways to write them, in English and Korean.
    public static func parseBoolean(_ s: String) -> Bool? {
        let t = s.trimmingSpacesTabsAndNewlines().lowercased()
        if yesSpellings.contains(t) { return true }
        if noSpellings.contains(t) { return false }
        return nil
    }

    /// The spellings `parseBoolean` reads (in lower case), for the answer template to list.
    public static let yesSpellings = ["yes", "y", "true", "1", "예", "네", "응", "o", "참"]
    public static let noSpellings = ["no", "n", "false", "0", "아니요", "아니오", "아니", "x", "거짓"]
}
