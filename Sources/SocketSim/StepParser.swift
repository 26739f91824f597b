/// Reads one scenario step, `actor: call`, from its text.
///
/// The grammar is small and fixed; every mistake names what was expected, because the text comes
/// from instructors' content files and the message ends up next to a file and line.
public enum StepParser {
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Calls a host can make, for error messages.
    public static let hostCalls = SocketCall.Kind.allCases.map(\.rawValue)
    public static let networkCalls = ["transfer", "deliver", "drop"]

    /// The biggest byte count one call may name.
    public static let maxBytes = Limits.maxBytes

    /// `text` as `quantity`, or a failure naming `what` and the range.
    static func number(_ text: some StringProtocol, _ quantity: Quantity, _ what: String) throws(Failure) -> Int {
        switch quantity.read(text) {
        case .success(let v): return v
        case .failure(.notANumber): throw Failure(message: "\(what) must be \(quantity.noun), got '\(text)'")
        case .failure(.outOfRange(let v)): throw Failure(message: "\(what) \(quantity.rangeMessage(got: v))")
        }
    }

    /// Parses `text` (the part after `actor:`) for `actor`, substituting `{expr}` with `variables`.
    public static func parse(actor: String, text rawText: String, hosts: [String], variables: [String: Int]) throws(Failure) -> Step {
        let text: String
        do { text = try Arithmetic.substitute(in: rawText, variables: variables) } catch {
            throw Failure(message: error.message)
        }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first?.lowercased() else { throw Failure(message: "empty step: expected a call after '\(actor):'") }
        let args = Array(words.dropFirst())
        switch actor {
        case "net":
            return Step(actor: .net, action: .network(try parseNetwork(verb, args, hosts: hosts)), text: text)
        case "time":
            return Step(actor: .time, action: .advance(milliseconds: try parseAdvance(text)), text: text)
        default:
            guard hosts.contains(actor) else {
                throw Failure(message: "unknown actor '\(actor)': expected one of \((hosts + ["net", "time"]).joined(separator: ", "))")
            }
            var rest = args
            var fd: Int?
            if let i = rest.firstIndex(where: { $0.lowercased().hasPrefix("fd=") }) {
                guard Quantity.isInteger(String(rest[i].dropFirst(3))) else { throw Failure(message: "fd=N needs a descriptor number, got '\(rest[i])'") }
                fd = try number(rest[i].dropFirst(3), .descriptor, "fd=N")
                rest.remove(at: i)
            }
            let call = try parseCall(verb, rest)
            return Step(actor: .host(actor), action: .call(call, fd: fd), text: text)
        }
    }

    static func parseCall(_ verb: String, _ args: [String]) throws(Failure) -> SocketCall {
        var flags = Set(args.map { $0.lowercased() })
        func takeFlag(_ name: String) -> Bool { flags.remove(name) != nil }
        let nonBlocking = takeFlag("nonblock")
        let reuse = takeFlag("reuseaddr")
        var backlog: Int?
        if let b = flags.first(where: { $0.hasPrefix("backlog=") }) {
            flags.remove(b)
            guard case .success(let n) = Quantity.backlog.read(b.dropFirst(8)) else { throw Failure(message: "backlog=N needs a number from 0 to 65535, got '\(b)'") }
            backlog = n
        }
        let positional = args.filter { flags.contains($0.lowercased()) }
        func noMore(_ usage: String) throws(Failure) {
            if !positional.isEmpty { throw Failure(message: "unexpected '\(positional.joined(separator: " "))': expected \(usage)") }
        }
        switch verb {
        case "socket":
            try noMore("'socket'")
            return .socket
        case "bind":
            guard positional.count == 1 else { throw Failure(message: "expected 'bind ADDR:PORT [reuseaddr]', e.g. 'bind *:80'") }
            return .bind(try parseAddress(positional[0], usage: "bind ADDR:PORT"), reuseAddress: reuse)
        case "listen":
            if positional.isEmpty { return .listen(backlog: backlog) }
            guard positional.count == 1 else { throw Failure(message: "expected 'listen [PORT|ADDR:PORT] [backlog=N] [reuseaddr]'") }
            let arg = positional[0]
            if arg.contains(":") {
                return .listenOn(try parseAddress(arg, usage: "listen ADDR:PORT"), backlog: backlog, reuseAddress: reuse)
            }
            guard case .success(let port) = Quantity.port.read(arg) else {
                throw Failure(message: "expected a port number from 0 to 65535 after 'listen', got '\(arg)'")
            }
            return .listenNumber(port, backlog: backlog, reuseAddress: reuse)
        case "connect":
            guard positional.count == 1 else { throw Failure(message: "expected 'connect HOST:PORT', e.g. 'connect server:80'") }
            return .connect(try parseAddress(positional[0], usage: "connect HOST:PORT"), nonBlocking: nonBlocking)
        case "accept":
            try noMore("'accept [nonblock]'")
            return .accept(nonBlocking: nonBlocking)
        case "send", "recv":
            guard positional.count == 1, Quantity.isInteger(positional[0]) else {
                throw Failure(message: "expected '\(verb) N [nonblock]' with a byte count N, got '\(verb) \(positional.joined(separator: " "))'")
            }
            guard let n = Int(positional[0]), n <= maxBytes else {
                throw Failure(message: "\(verb) \(positional[0]) is absurdly large (at most \(maxBytes) bytes)")
            }
            guard n >= 0 else { throw Failure(message: "\(verb) needs a byte count of 0 or more, got \(n)") }
            return verb == "send" ? .send(n, nonBlocking: nonBlocking) : .recv(n, nonBlocking: nonBlocking)
        case "shutdown":
            guard positional.count == 1, let how = ShutdownHow(rawValue: positional[0].uppercased()) ?? shutdownNumber(positional[0]) else {
                throw Failure(message: "expected 'shutdown SHUT_RD|SHUT_WR|SHUT_RDWR'")
            }
            return .shutdown(how)
        case "close":
            try noMore("'close [fd=N]'")
            return .close
        default:
            throw Failure(message: "unknown call '\(verb)': expected one of \(hostCalls.joined(separator: ", "))")
        }
    }

    private static func shutdownNumber(_ s: String) -> ShutdownHow? {
        switch s { case "0": return .read; case "1": return .write; case "2": return .both; default: return nil }
    }

    static func parseAddress(_ s: String, usage: String) throws(Failure) -> SocketAddress {
        guard let colon = s.lastIndex(of: ":") else { throw Failure(message: "expected '\(usage)', got '\(s)' (no ':PORT')") }
        let host = String(s[..<colon])
        guard case .success(let port) = Quantity.port.read(s[s.index(after: colon)...]) else {
            throw Failure(message: "expected a port number from 0 to 65535 in '\(s)'")
        }
        guard !host.isEmpty else { throw Failure(message: "expected an address or '*' before ':' in '\(s)'") }
        return SocketAddress(host: host == "INADDR_ANY" ? "*" : host, port: port)
    }

    static func parseNetwork(_ verb: String, _ args: [String], hosts: [String]) throws(Failure) -> NetworkCall {
        switch verb {
        case "transfer":
            var limit: Int?
            var from: String?
            var rest = args
            if let first = rest.first {
                if first.lowercased() == "all" { rest.removeFirst() }
                else if Quantity.isInteger(first), !first.hasPrefix("-") { limit = try number(first, .bytes, "transfer N"); rest.removeFirst() }
                else if !hosts.contains(first) { throw Failure(message: "expected 'transfer N|all [HOST]', got 'transfer \(args.joined(separator: " "))'") }
            }
            if let h = rest.first {
                let name = h.hasPrefix("from=") ? String(h.dropFirst(5)) : h
                guard hosts.contains(name) else { throw Failure(message: "unknown host '\(name)' in 'transfer': expected one of \(hosts.joined(separator: ", "))") }
                from = name
                rest.removeFirst()
            }
            guard rest.isEmpty else { throw Failure(message: "unexpected '\(rest.joined(separator: " "))' after transfer") }
            return .transfer(limit: limit, from: from)
        case "deliver":
            if args.isEmpty { return .deliver(count: 1) }
            if args == ["all"] { return .deliver(count: nil) }
            guard args.count == 1, Quantity.isInteger(args[0]), let n = Int(args[0]), n > 0 else {
                if args.count == 1, Quantity.isInteger(args[0]), !args[0].hasPrefix("-") { _ = try number(args[0], .segmentCount, "deliver N") }
                throw Failure(message: "expected 'deliver', 'deliver N' or 'deliver all'")
            }
            return .deliver(count: try number(args[0], .segmentCount, "deliver N"))
        case "drop":
            if args.isEmpty { return .drop(count: 1) }
            guard args.count == 1, Quantity.isInteger(args[0]), let n = Int(args[0]), n > 0 else {
                if args.count == 1, Quantity.isInteger(args[0]), !args[0].hasPrefix("-") { _ = try number(args[0], .segmentCount, "drop N") }
                throw Failure(message: "expected 'drop' or 'drop N'")
            }
            return .drop(count: try number(args[0], .segmentCount, "drop N"))
        default:
            throw Failure(message: "unknown network action '\(verb)': expected one of \(networkCalls.joined(separator: ", "))")
        }
    }

    static func parseAdvance(_ text: String) throws(Failure) -> Int {
        var t = text.trimmingSpaces()
        if t.hasPrefix("+") { t.removeFirst() }
        switch Quantity.timeStep.read(t) {
        case .success(let ms): return ms
        case .failure(.outOfRange(let v)) where v.map({ $0 >= 0 }) ?? true:
            throw Failure(message: "time step '\(text.trimmingSpaces())' is more than a year (at most +\(DurationText.format(Limits.maxTimeStep)))")
        case .failure:
            throw Failure(message: "expected a time step such as '+30s', '+500ms' or '+2min', got '\(text)'")
        }
    }
}

/// Durations as scenarios write them.
public enum DurationText {
    /// `30s`, `500ms`, `2min`, `1h`, or a bare number of milliseconds; nil when it is none of
    /// these or too large to hold (ranges: `Quantity`).
    public static func milliseconds(_ text: String) -> Int? {
        try? read(text.trimmingSpaces()).get()
    }

    /// Renders milliseconds the way a person writes them: `30s`, `1.5s`, `250ms`.
    public static func format(_ ms: Int) -> String {
        if ms % 60_000 == 0 && ms >= 60_000 { return "\(ms / 60_000)min" }
        if ms % 1_000 == 0 { return "\(ms / 1_000)s" }
        if ms > 1_000 && ms % 100 == 0 { return "\(ms / 1_000).\(ms % 1_000 / 100)s" }
        return "\(ms)ms"
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
