import SocketSim
import Yams

/// A scenario with the names its expressions were evaluated with.
public struct LoadedScenario: Sendable, Hashable {
    public var scenario: Scenario
    public var variables: [String: Int]
}

/// Reads scenario files (the contract in README "Scenario files") into `Scenario` values.
///
/// Numbers may be `{expressions}` over the course parameters and the scenario's own `let:` names, so
/// that a change of SQS or RQS moves every example. Every mistake becomes a diagnostic naming the
/// file, the line and what was expected; the loader reports all it finds, not just the first.
public enum ScenarioLoader {
    public static let knownKeys = [
        "title", "description", "sqs", "rqs", "mss", "network", "msl", "rto", "maxRetransmissions",
        "finWait2Timeout", "ephemeralPorts", "backlog", "let", "hosts", "start", "steps",
    ]

    /// Parameter names that `--set` may override, besides the scenario's own `let:` names.
    public static let settableNames = Parameters.integerNames + ["network", "start"]

    /// Loads a scenario.
    /// - Parameters:
    ///   - variables: values visible to `{expressions}` before the scenario's own (course parameters,
    ///     an exercise variant's parameters). A scenario that does not set `sqs` takes `variables["sqs"]`.
    ///   - overrides: `--set KEY=VALUE` pairs, applied over the file's own values; a key that names
    ///     no parameter is an error.
    public static func load(text: String, file: String, variables: [String: Int] = [:],
                            overrides: [String: String] = [:]) throws(DiagnosticError) -> Scenario {
        let doc = try YAMLDocument(text: text, file: file)
        return try load(doc, variables: variables, overrides: overrides)
    }

    public static func load(_ doc: YAMLDocument, variables base: [String: Int] = [:],
                            overrides: [String: String] = [:]) throws(DiagnosticError) -> Scenario {
        try loadWithVariables(doc, variables: base, overrides: overrides).scenario
    }

    /// Loads a scenario and also returns every name its `{expressions}` could see (course parameters,
    /// the scenario's final parameters and its `let:` names), for `param NAME` queries.
    public static func loadWithVariables(text: String, file: String, variables: [String: Int] = [:],
                                         overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        try loadWithVariables(YAMLDocument(text: text, file: file), variables: variables, overrides: overrides)
    }

    public static func loadWithVariables(_ doc: YAMLDocument, variables base: [String: Int] = [:],
                                         overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        var r = YAMLReader(doc)
        guard let entries = r.mapping(doc.root, "a scenario") else { throw DiagnosticError(r.diagnostics) }
        var byKey: [String: (keyNode: Node, value: Node)] = [:]
        for e in entries {
            if knownKeys.contains(e.key) { byKey[e.key] = (e.keyNode, e.value) }
            else { r.unknownKey(e.key, e.keyNode, in: "a scenario", known: knownKeys) }
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
            do { t = try Expression.substitute(in: text, variables: variables) } catch {
                r.add(doc.error(node, "scenario.expression", "\(what): \(error.message)"))
                return nil
            }
            if duration {
                guard let ms = SocketSim.Duration.milliseconds(t) else {
                    r.add(doc.error(node, "scenario.duration", "\(what) must be a duration such as 30s, 500ms or 2min, got '\(text)'"))
                    return nil
                }
                return ms
            }
            guard let v = Int(t.trimmed()) else {
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
            let parts = text.split(separator: "-").compactMap { Int(String($0).trimmed()) }
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
                if let o = letOverrides[p.key] {
                    if let v = value(o, node: nil, what: "--set \(p.key)", duration: false) { variables[p.key] = v }
                } else if let v = evaluate(p.value, "let \(p.key)") {
                    variables[p.key] = v
                }
            }
        }
        for key in letOverrides.keys.sorted() where !letNames.contains(key) {
            r.add(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set-unknown",
                             "--set \(key)=... names no parameter of \(doc.file)",
                             notes: ["parameters: \((settableNames + letNames).joined(separator: ", "))"]))
        }

        validate(params, &r, doc: doc, byKey: byKey)

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
                        steps.append(try StepParser.parse(actor: actor, text: callScalar.string, hosts: hostNames, variables: variables))
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

    static func validate(_ p: Parameters, _ r: inout YAMLReader, doc: YAMLDocument, byKey: [String: (keyNode: Node, value: Node)]) {
        func check(_ name: String, _ v: Int, _ range: ClosedRange<Int>) {
            if !range.contains(v) {
                let node = byKey[name]?.value
                r.add(Diagnostic(at: node == nil ? SourceLocation(file: doc.file) : doc.location(node), id: "scenario.range",
                                 "\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(v)"))
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
