@testable import CourseModel
@testable import SocketSim
import Yams

// The scenario loader, expression evaluator and ScenarioRun.load as they were before scenarios were
// compiled once and instantiated per variables (copied verbatim but for names): the oracle that
// CompiledScenarioTests compares the compiled path with.

enum ReferenceScenarioLoader {
    static func loadWithVariables(_ doc: YAMLDocument, variables base: [String: Int] = [:],
                                         overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        var r = YAMLReader(doc)
        guard let entries = r.mapping(doc.root, "a scenario") else { throw DiagnosticError(r.diagnostics) }
        var byKey: [String: (keyNode: Node, value: Node)] = [:]
        for e in entries {
            if ScenarioLoader.knownKeys.contains(e.key) { byKey[e.key] = (e.keyNode, e.value) }
            else { r.unknownKey(e.key, e.keyNode, in: "a scenario", known: ScenarioLoader.knownKeys) }
        }

        var params = Parameters()
        // Course defaults first: they are what a scenario that says nothing gets.
        for name in Parameters.integerNames { if let v = base[name] { params[integer: name] = v } }
        var variables = base
        for name in Parameters.integerNames { variables[name] = params[integer: name] }

        func evaluate(_ node: Node, _ what: String, duration: Bool = false) -> Int? {
            guard let text = r.string(node, what) else { return nil }
            return value(text, node: node, what: what, duration: duration)
        }
        func value(_ text: String, node: Node?, what: String, duration: Bool) -> Int? {
            var t = text
            do { t = try ReferenceExpression.substitute(in: text, variables: variables) } catch {
                r.add(doc.error(node, "scenario.expression", "\(what): \(error.message)"))
                return nil
            }
            if duration {
                guard let ms = DurationText.milliseconds(t) else {
                    r.add(doc.error(node, "scenario.duration", "\(what) must be a duration such as 30s, 500ms or 2min, got '\(text)'"))
                    return nil
                }
                return ms
            }
            guard let v = Int(t.refTrimmed()) else {
                r.add(doc.error(node, "scenario.number", "\(what) must be a whole number or {expression}, got '\(text)'"))
                return nil
            }
            return v
        }

        let title = byKey["title"].flatMap { r.string($0.value, "title") } ?? ""
        for name in Parameters.integerNames where byKey[name] != nil {
            if let v = evaluate(byKey[name]!.value, name, duration: Parameters.durationNames.contains(name)) {
                params[integer: name] = v
            }
        }
        if let p = byKey["ephemeralPorts"], let text = r.string(p.value, "ephemeralPorts") {
            let parts = text.split(separator: "-").compactMap { Int(String($0).refTrimmed()) }
            if parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 65_535 {
                params.ephemeralFirst = parts[0]
                params.ephemeralLast = parts[1]
            } else {
                r.add(doc.error(p.value, "scenario.ephemeral-ports", "ephemeralPorts must be a range like 49152-65535, got '\(text)'"))
            }
        }
        if let n = byKey["network"], let text = r.string(n.value, "network") {
            if let mode = NetworkMode(rawValue: text) { params.network = mode }
            else { r.add(doc.error(n.value, "scenario.network", "network must be 'auto' or 'manual', got '\(text)'")) }
        }
        var start: StartMode?
        if let s = byKey["start"], let text = r.string(s.value, "start") {
            if let m = StartMode(rawValue: text) { start = m }
            else { r.add(doc.error(s.value, "scenario.start", "start must be 'established' or 'closed', got '\(text)'")) }
        }

        // --set over the file's own values.
        var letOverrides: [String: String] = [:]
        for (key, text) in overrides.sorted(by: { $0.key < $1.key }) {
            let what = "--set \(key)"
            if Parameters.integerNames.contains(key) {
                if let v = value(text, node: nil, what: what, duration: Parameters.durationNames.contains(key)) { params[integer: key] = v }
            } else if key == "network" {
                if let mode = NetworkMode(rawValue: text) { params.network = mode }
                else { r.add(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set", "--set network must be auto or manual, got '\(text)'")) }
            } else if key == "start" {
                if let m = StartMode(rawValue: text) { start = m }
                else { r.add(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set", "--set start must be established or closed, got '\(text)'")) }
            } else {
                letOverrides[key] = text
            }
        }
        for name in Parameters.integerNames { variables[name] = params[integer: name] }

        // Derived names, in order; later ones may use earlier ones.
        var letNames: [String] = []
        if let l = byKey["let"], let pairs = r.mapping(l.value, "let") {
            for p in pairs {
                letNames.append(p.key)
                guard isIdentifier(p.key) else {
                    r.add(doc.error(p.keyNode, "scenario.let-name", "'\(p.key)' is not a name: use letters, digits and _"))
                    continue
                }
                let range = Quantity.value.range
                if let o = letOverrides[p.key] {
                    if let v = value(o, node: nil, what: "--set \(p.key)", duration: false) {
                        if range.contains(v) { variables[p.key] = v }
                        else { r.add(Diagnostic(at: SourceLocation(file: "--set"), id: "scenario.range", "--set \(p.key) must be between \(range.lowerBound) and \(range.upperBound), got \(v)")) }
                    }
                } else if let v = evaluate(p.value, "let \(p.key)") {
                    if range.contains(v) { variables[p.key] = v }
                    else { r.add(doc.error(p.value, "scenario.range", "let \(p.key) must be between \(range.lowerBound) and \(range.upperBound), got \(v)")) }
                }
            }
        }
        for key in letOverrides.keys.sorted() where !letNames.contains(key) {
            r.add(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set-unknown",
                             "--set \(key)=... names no parameter of \(doc.file)",
                             notes: ["parameters: \((ScenarioLoader.settableNames + letNames).joined(separator: ", "))"]))
        }

        validate(params, &r, doc: doc, byKey: byKey, overrides: overrides)

        // Hosts.
        var hosts = Scenario.defaultHosts
        if let hn = byKey["hosts"], let pairs = r.mapping(hn.value, "hosts") {
            hosts = []
            for (i, p) in pairs.enumerated() {
                guard isIdentifier(p.key), p.key != "net", p.key != "time" else {
                    r.add(doc.error(p.keyNode, "scenario.host-name", "'\(p.key)' cannot name a host (use letters and digits; 'net' and 'time' are reserved)"))
                    continue
                }
                var config = HostConfig(name: p.key, addresses: ["10.0.0.\(i + 1)"])
                if case .mapping = p.value, let fields = r.mapping(p.value, "host \(p.key)") {
                    for f in fields {
                        switch f.key {
                        case "address":
                            if let a = r.string(f.value, "address") { config.addresses = [a] }
                        case "addresses":
                            if let list = r.sequence(f.value, "addresses") {
                                config.addresses = list.compactMap { r.string($0, "an address") }
                            }
                        case "sqs":
                            config.sqs = evaluate(f.value, "\(p.key).sqs")
                        case "rqs":
                            config.rqs = evaluate(f.value, "\(p.key).rqs")
                        default:
                            r.unknownKey(f.key, f.keyNode, in: "host \(p.key)", known: ["address", "addresses", "sqs", "rqs"])
                        }
                    }
                    for a in config.addresses where !isIPv4(a) {
                        r.add(doc.error(p.value, "scenario.address", "'\(a)' is not an IPv4 address like 10.0.0.2"))
                    }
                    for q in [config.sqs, config.rqs].compactMap({ $0 }) where q < 1 || q > Parameters.maxQueueSize {
                        r.add(doc.error(p.value, "scenario.queue-size", "queue sizes must be between 1 and \(Parameters.maxQueueSize), got \(q)"))
                    }
                } else if case .scalar(let s) = p.value, s.string.isEmpty || s.string == "~" || s.string == "null" {
                    // `server:` with nothing: default address.
                } else {
                    r.add(doc.error(p.value, "yaml.type", "host \(p.key) must be a mapping with addresses, sqs, rqs"))
                }
                hosts.append(config)
            }
            if hosts.count < 1 { r.add(doc.error(hn.value, "scenario.hosts", "a scenario needs at least one host")) }
        }

        // Steps.
        var steps: [Step] = []
        let hostNames = hosts.map(\.name)
        if let sn = byKey["steps"] {
            if case .scalar(let s) = sn.value, s.string.isEmpty || s.string == "~" || s.string == "null" {
                // No steps: a scenario may only set the scene.
            } else if let items = r.sequence(sn.value, "steps") {
                for item in items {
                    guard case .mapping(let m) = item, m.count == 1, let (k, v) = m.first.map({ ($0.key, $0.value) }),
                          let actor = k.string, !actor.isEmpty else {
                        r.add(doc.error(item, "scenario.step", "each step must be one 'actor: call' pair, e.g. '- client: send 1000'"))
                        continue
                    }
                    guard case .scalar(let callScalar) = v else {
                        r.add(doc.error(v, "scenario.step", "the call after '\(actor):' must be text such as 'send 1000'"))
                        continue
                    }
                    do throws(StepParser.Failure) {
                        steps.append(try referenceParseStep(actor: actor, text: callScalar.string, hosts: hostNames, variables: variables))
                    } catch {
                        let node = actor == "net" || actor == "time" || hostNames.contains(actor) ? v : k
                        r.add(doc.error(node, "scenario.step", "\(error.message)"))
                    }
                }
            }
        } else {
            r.add(doc.error(doc.root, "scenario.no-steps", "a scenario needs 'steps:' (a list of 'actor: call' lines)"))
        }

        if !r.diagnostics.isEmpty { throw DiagnosticError(r.diagnostics) }
        let startMode = start ?? (Scenario.stepsBuildConnections(steps) ? .closed : .established)
        if startMode == .established && hosts.count < 2 {
            throw DiagnosticError(doc.error(doc.root, "scenario.start", "start: established needs two hosts"))
        }
        return LoadedScenario(scenario: Scenario(title: title, parameters: params, hosts: hosts, start: startMode, steps: steps),
                              variables: variables)
    }

    static func validate(_ p: Parameters, _ r: inout YAMLReader, doc: YAMLDocument, byKey: [String: (keyNode: Node, value: Node)],
                         overrides: [String: String]) {
        func check(_ name: String, _ v: Int, _ range: ClosedRange<Int>) {
            if !range.contains(v) {
                let node = byKey[name]?.value
                let fromSet = overrides[name] != nil
                r.add(Diagnostic(at: fromSet ? SourceLocation(file: "--set") : node == nil ? SourceLocation(file: doc.file) : doc.location(node), id: "scenario.range",
                                 "\(fromSet ? "--set " : "")\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(v)"))
            }
        }
        check("sqs", p.sqs, 1...Parameters.maxQueueSize)
        check("rqs", p.rqs, 1...Parameters.maxQueueSize)
        check("mss", p.mss, 1...65_535)
        check("msl", p.msl, 0...86_400_000)
        check("rto", p.rto, 1...3_600_000)
        check("maxRetransmissions", p.maxRetransmissions, 0...30)
        check("finWait2Timeout", p.finWait2Timeout, 0...86_400_000)
        check("backlog", p.backlog, 0...65_535)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { Int($0).map { (0...255).contains($0) } ?? false }
    }
}

/// StepParser.parse as it was: substitute with the reference evaluator, then read the step.
func referenceParseStep(actor: String, text: String, hosts: [String], variables: [String: Int]) throws(StepParser.Failure) -> Step {
    let substituted: String
    do throws(ReferenceExpression.Failure) { substituted = try ReferenceExpression.substitute(in: text, variables: variables) } catch {
        throw StepParser.Failure(message: error.message)
    }
    return try StepParser.parse(actor: actor, text: substituted, hosts: hosts, variables: variables)
}

extension StringProtocol {
    func refTrimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}

enum ReferenceExpression {
    struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Evaluates `text` with `variables`; division by zero and unknown names are failures.
    static func evaluate(_ text: String, variables: [String: Int]) throws(Failure) -> Int {
        var parser = Parser(chars: Array(text), variables: variables)
        let value = try parser.parseSum()
        parser.skipSpaces()
        if parser.pos < parser.chars.count {
            throw Failure(message: "unexpected '\(parser.chars[parser.pos])' in expression '\(text)'")
        }
        return value
    }

    /// Replaces every `{expr}` in `text` with its value.
    static func substitute(in text: String, variables: [String: Int]) throws(Failure) -> String {
        guard text.contains("{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw Failure(message: "'{' without a closing '}' in '\(text)'")
            }
            let inner = String(rest[rest.index(after: open)..<close])
            out += String(try evaluate(inner, variables: variables))
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    private struct Parser {
        let chars: [Character]
        let variables: [String: Int]
        var pos = 0

        init(chars: [Character], variables: [String: Int]) {
            self.chars = chars
            self.variables = variables
        }

        mutating func skipSpaces() {
            while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" { pos += 1 }
        }

        mutating func peek() -> Character? {
            skipSpaces()
            return pos < chars.count ? chars[pos] : nil
        }

        mutating func parseSum() throws(Failure) -> Int {
            var value = try parseProduct()
            while let op = peek(), op == "+" || op == "-" {
                pos += 1
                let rhs = try parseProduct()
                let (r, overflow) = op == "+" ? value.addingReportingOverflow(rhs) : value.subtractingReportingOverflow(rhs)
                if overflow { throw Failure(message: "number too large in expression") }
                value = r
            }
            return value
        }

        mutating func parseProduct() throws(Failure) -> Int {
            var value = try parseUnary()
            while let op = peek(), op == "*" || op == "/" || op == "%" {
                pos += 1
                let rhs = try parseUnary()
                switch op {
                case "*":
                    let (r, overflow) = value.multipliedReportingOverflow(by: rhs)
                    if overflow { throw Failure(message: "number too large in expression") }
                    value = r
                default:
                    if rhs == 0 { throw Failure(message: "division by zero in expression") }
                    value = op == "/" ? value / rhs : value % rhs
                }
            }
            return value
        }

        mutating func parseUnary() throws(Failure) -> Int {
            if peek() == "-" {
                pos += 1
                return -(try parseUnary())
            }
            return try parseAtom()
        }

        mutating func parseAtom() throws(Failure) -> Int {
            guard let c = peek() else { throw Failure(message: "expression ends too early") }
            if c == "(" {
                pos += 1
                let v = try parseSum()
                guard peek() == ")" else { throw Failure(message: "missing ')' in expression") }
                pos += 1
                return v
            }
            if c.isNumber {
                var digits = ""
                while pos < chars.count, chars[pos].isNumber { digits.append(chars[pos]); pos += 1 }
                guard let v = Int(digits) else { throw Failure(message: "number too large: \(digits)") }
                return v
            }
            if c.isLetter || c == "_" {
                var name = ""
                while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" {
                    name.append(chars[pos]); pos += 1
                }
                if name == "min" || name == "max" {
                    guard peek() == "(" else { throw Failure(message: "\(name) needs '(a, b)'") }
                    pos += 1
                    var args = [try parseSum()]
                    while peek() == "," { pos += 1; args.append(try parseSum()) }
                    guard peek() == ")" else { throw Failure(message: "missing ')' after \(name)(...)") }
                    pos += 1
                    return name == "min" ? args.min()! : args.max()!
                }
                guard let v = variables[name] else {
                    let known = variables.keys.sorted().joined(separator: ", ")
                    throw Failure(message: "unknown name '\(name)' in expression (known: \(known))")
                }
                return v
            }
            throw Failure(message: "unexpected '\(c)' in expression")
        }
    }
}

extension ScenarioRun {
    /// `ScenarioRun.load()` as it was: read the text with the words replaced, load it with the
    /// reference loader, then evaluate the `let`s again over the final parameters.
    func referenceLoad() throws(DiagnosticError) -> (scenario: Scenario, variables: [String: Int], letNames: [String]) {
        var t = text
        for (name, value) in textVariables { t = t.replacingOccurrencesRef(of: "{\(name)}", with: value) }
        let doc = try YAMLDocument(text: t, file: file)
        var o = overrides
        for key in ["network", "start"] { if let v = textVariables[key] { o[key] = v } }
        let scenario = try ReferenceScenarioLoader.loadWithVariables(doc, variables: variables, overrides: o).scenario
        var vars = variables
        for name in Parameters.integerNames { vars[name] = scenario.parameters[integer: name] }
        var names: [String] = []
        if case .mapping(let m) = doc.root, let letNode = m.first(where: { $0.key.string == "let" })?.value,
           case .mapping(let pairs) = letNode {
            for (k, v) in pairs {
                guard let name = k.string else { continue }
                names.append(name)
                let source = o[name] ?? v.string ?? ""
                if let value = try? ReferenceExpression.evaluate(Self.referenceUnbrace(source), variables: vars) { vars[name] = value }
            }
        }
        return (scenario, vars, names)
    }

    static func referenceUnbrace(_ s: String) -> String {
        let t = s.refTrimmed()
        if t.hasPrefix("{") && t.hasSuffix("}") && t.filter({ $0 == "{" }).count == 1 { return String(t.dropFirst().dropLast()) }
        return t
    }
}

extension String {
    func replacingOccurrencesRef(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
