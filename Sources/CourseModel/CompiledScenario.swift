import SourceFiles
import SocketSim
import Yams

/// A scenario document read once, for loading many times with different variables and overrides.
///
/// Reading a scenario has two parts: walking the YAML (keys, types, names, steps without `{...}`),
/// which depends only on the document, and evaluating `{expressions}` and the steps that use them,
/// which depends on the variables. `init` does the first part once; `instantiate` does the second
/// and gives exactly what `ScenarioLoader.loadWithVariables` gives: the same scenario, or the same
/// diagnostics in the same order (every diagnostic the walk finds is kept, with its location, and
/// put back in the place where the one-pass reading would report it).
///
/// Immutable once made, so it may be shared between threads.
public final class CompiledScenario: Sendable {
    public let file: String

    /// A scalar field's text, or why it is not text.
    enum Text {
        case text(String)
        case failure(Diagnostic)
    }

    /// A number or duration field: `{expressions}` in it are evaluated per load.
    struct ValueSource {
        enum Kind {
            /// The field is not text.
            case typeError(Diagnostic)
            /// No `{`: the value (or its diagnostic) is the same for every load.
            case constant(Result<Int, Diagnostic>)
            case expression(raw: String, template: Arithmetic.Template)
        }
        let kind: Kind
        let location: SourceLocation
        let what: String
        let duration: Bool
    }

    struct LetPair {
        let key: String
        /// Set when the key is not a name: reported, and the pair is skipped.
        let nameError: Diagnostic?
        let source: ValueSource?
    }

    enum LetSection {
        case absent
        case notMapping(Diagnostic)
        case pairs([LetPair])
    }

    enum HostField {
        /// Diagnostics of `address:` / `addresses:` (the addresses themselves are in `HostBody`).
        case addresses(diagnostics: [Diagnostic])
        case sqs(ValueSource)
        case rqs(ValueSource)
        case failure(Diagnostic)
    }

    enum HostBody {
        /// The fields in order; the host's addresses once every field is read, and what is wrong
        /// with them (reported after the fields).
        case fields([HostField], addresses: [String], addressDiagnostics: [Diagnostic], location: SourceLocation)
        case empty
        case failure(Diagnostic)
    }

    enum HostItem {
        case badName(Diagnostic)
        case host(name: String, index: Int, body: HostBody)
    }

    enum HostsSection {
        case absent
        case notMapping(Diagnostic)
        case hosts([HostItem], location: SourceLocation)
    }

    enum StepItem {
        /// A step without `{...}` (or one that cannot be a step at all), read once.
        case fixed(Result<Step, Diagnostic>)
        case template(actor: String, template: Arithmetic.Template, errorLocation: SourceLocation, memo: StepMemo)
    }

    enum StepsSection {
        case missing(Diagnostic)
        case none
        case notSequence(Diagnostic)
        case items([StepItem])
    }

    /// A `let` as `ScenarioRun` re-reads it: its name and its text without the braces, parsed.
    struct RunLet {
        let name: String
        let expression: Arithmetic.Compiled
    }

    /// Set when the document is not a mapping: nothing else is read.
    let rootFailure: Diagnostic?
    let rootLocation: SourceLocation
    /// Unknown keys, then the title's type error: everything reported before the first number.
    let leading: [Diagnostic]
    let title: String
    /// The integer parameters the file sets, in `Parameters.integerNames` order.
    let integerFields: [(name: String, source: ValueSource)]
    let ephemeralPorts: Result<(first: Int, last: Int), Diagnostic>?
    let network: Result<NetworkMode, Diagnostic>?
    let start: Result<StartMode, Diagnostic>?
    let letSection: LetSection
    let letNames: [String]
    /// Where each parameter's value is written, for range errors (the file itself when not written).
    let parameterLocations: [String: SourceLocation]
    let hostsSection: HostsSection
    let hostNames: [String]
    let steps: StepsSection
    let runLets: [RunLet]
    /// Where each step is written, in order (for a run that goes over its budget at that step).
    let stepLocations: [SourceLocation]

    public convenience init(text: String, file: String) throws(DiagnosticError) {
        self.init(try YAMLDocument(text: text, file: file))
    }

    public init(_ doc: YAMLDocument) {
        file = doc.file
        rootLocation = doc.location(doc.root)

        func text(_ node: Node, _ what: String) -> Text {
            var r = YAMLReader(doc)
            if let s = r.string(node, what) { return .text(s) }
            return .failure(r.diagnostics[0])
        }
        func source(_ node: Node, _ what: String, duration: Bool = false) -> ValueSource {
            let location = doc.location(node)
            switch text(node, what) {
            case .failure(let d):
                return ValueSource(kind: .typeError(d), location: location, what: what, duration: duration)
            case .text(let raw):
                let template = Arithmetic.Template(raw)
                let kind: ValueSource.Kind = template.isConstant
                    ? .constant(Self.convert(raw, raw: raw, location: location, what: what, duration: duration))
                    : .expression(raw: raw, template: template)
                return ValueSource(kind: kind, location: location, what: what, duration: duration)
            }
        }

        // The `let` pairs as ScenarioRun reads them, straight from the root mapping.
        var runLets: [RunLet] = []
        if case .mapping(let m) = doc.root, let letNode = m.first(where: { $0.key.string == "let" })?.value,
           case .mapping(let pairs) = letNode {
            for (k, v) in pairs {
                guard let name = k.string else { continue }
                runLets.append(RunLet(name: name, expression: Arithmetic.Compiled(ScenarioRun.unbrace(v.string ?? ""))))
            }
        }
        self.runLets = runLets

        var r = YAMLReader(doc)
        guard let entries = r.mapping(doc.root, "a scenario") else {
            rootFailure = r.diagnostics[0]
            leading = []
            title = ""
            integerFields = []
            ephemeralPorts = nil
            network = nil
            start = nil
            letSection = .absent
            letNames = []
            parameterLocations = [:]
            hostsSection = .absent
            hostNames = []
            steps = .none
            stepLocations = []
            return
        }
        rootFailure = nil
        var byKey: [String: (keyNode: Node, value: Node)] = [:]
        for e in entries {
            if ScenarioLoader.knownKeys.contains(e.key) { byKey[e.key] = (e.keyNode, e.value) }
            else { r.unknownKey(e.key, e.keyNode, in: "a scenario", known: ScenarioLoader.knownKeys) }
        }
        title = byKey["title"].flatMap { r.string($0.value, "title") } ?? ""
        leading = r.diagnostics

        integerFields = Parameters.integerNames.compactMap { name in
            byKey[name].map { (name, source($0.value, name, duration: Parameters.durationNames.contains(name))) }
        }
        var locations: [String: SourceLocation] = [:]
        for name in Parameters.integerNames { locations[name] = byKey[name].map { doc.location($0.value) } }
        parameterLocations = locations

        if let p = byKey["ephemeralPorts"] {
            switch text(p.value, "ephemeralPorts") {
            case .failure(let d): ephemeralPorts = .failure(d)
            case .text(let text):
                let parts = text.split(separator: "-").compactMap { Int(String($0).trimmingSpacesTabsAndNewlines()) }
                if parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 65_535 {
                    ephemeralPorts = .success((parts[0], parts[1]))
                } else {
                    ephemeralPorts = .failure(doc.error(p.value, .scenarioEphemeralPorts, "ephemeralPorts must be a range like 49152-65535, got '\(text)'"))
                }
            }
        } else {
            ephemeralPorts = nil
        }
        if let n = byKey["network"] {
            switch text(n.value, "network") {
            case .failure(let d): network = .failure(d)
            case .text(let text):
                if let mode = NetworkMode(rawValue: text) { network = .success(mode) }
                else { network = .failure(doc.error(n.value, .scenarioNetwork, "network must be 'auto' or 'manual', got '\(text)'")) }
            }
        } else {
            network = nil
        }
        if let s = byKey["start"] {
            switch text(s.value, "start") {
            case .failure(let d): start = .failure(d)
            case .text(let text):
                if let m = StartMode(rawValue: text) { start = .success(m) }
                else { start = .failure(doc.error(s.value, .scenarioStart, "start must be 'established' or 'closed', got '\(text)'")) }
            }
        } else {
            start = nil
        }

        var letNames: [String] = []
        if let l = byKey["let"] {
            var lr = YAMLReader(doc)
            if let pairs = lr.mapping(l.value, "let") {
                letSection = .pairs(pairs.map { p in
                    letNames.append(p.key)
                    guard ScenarioLoader.isIdentifier(p.key) else {
                        return LetPair(key: p.key, nameError: doc.error(p.keyNode, .scenarioLetName, "'\(p.key)' is not a name: use letters, digits and _"),
                                       source: nil)
                    }
                    return LetPair(key: p.key, nameError: nil, source: source(p.value, "let \(p.key)"))
                })
            } else {
                letSection = .notMapping(lr.diagnostics[0])
            }
        } else {
            letSection = .absent
        }
        self.letNames = letNames

        var hostNames = Scenario.defaultHosts.map(\.name)
        if let hn = byKey["hosts"] {
            var hr = YAMLReader(doc)
            if let pairs = hr.mapping(hn.value, "hosts"), pairs.count > Limits.maxHosts {
                hostsSection = .notMapping(doc.error(pairs[Limits.maxHosts].keyNode, .scenarioTooLarge,
                                                     "scenario too large: more than \(Limits.maxHosts) hosts (\(pairs.count))"))
            } else if let pairs = hr.mapping(hn.value, "hosts") {
                hostNames = []
                var items: [HostItem] = []
                for (i, p) in pairs.enumerated() {
                    guard ScenarioLoader.isIdentifier(p.key), p.key != "net", p.key != "time" else {
                        items.append(.badName(doc.error(p.keyNode, .scenarioHostName, "'\(p.key)' cannot name a host (use letters and digits; 'net' and 'time' are reserved)")))
                        continue
                    }
                    hostNames.append(p.key)
                    var fr = YAMLReader(doc)
                    if case .mapping = p.value, let fields = fr.mapping(p.value, "host \(p.key)") {
                        var ops: [HostField] = []
                        var addresses = ["10.0.0.\(i + 1)"]
                        for f in fields {
                            var r = YAMLReader(doc)
                            switch f.key {
                            case "address":
                                if let a = r.string(f.value, "address") { addresses = [a] }
                                ops.append(.addresses(diagnostics: r.diagnostics))
                            case "addresses":
                                if let list = r.sequence(f.value, "addresses") {
                                    addresses = list.compactMap { r.string($0, "an address") }
                                }
                                ops.append(.addresses(diagnostics: r.diagnostics))
                            case "sqs":
                                ops.append(.sqs(source(f.value, "\(p.key).sqs")))
                            case "rqs":
                                ops.append(.rqs(source(f.value, "\(p.key).rqs")))
                            default:
                                r.unknownKey(f.key, f.keyNode, in: "host \(p.key)", known: ["address", "addresses", "sqs", "rqs"])
                                ops.append(.failure(r.diagnostics[0]))
                            }
                        }
                        let addressDiagnostics = addresses.filter { !ScenarioLoader.isIPv4($0) }.map {
                            doc.error(p.value, .scenarioAddress, "'\($0)' is not an IPv4 address like 10.0.0.2")
                        }
                        items.append(.host(name: p.key, index: i, body: .fields(ops, addresses: addresses, addressDiagnostics: addressDiagnostics,
                                                                               location: doc.location(p.value))))
                    } else if case .scalar(let s) = p.value, s.string.isEmpty || s.string == "~" || s.string == "null" {
                        items.append(.host(name: p.key, index: i, body: .empty))
                    } else {
                        items.append(.host(name: p.key, index: i,
                                           body: .failure(doc.error(p.value, .yamlType, "host \(p.key) must be a mapping with addresses, sqs, rqs"))))
                    }
                }
                hostsSection = .hosts(items, location: doc.location(hn.value))
            } else {
                hostsSection = .notMapping(hr.diagnostics[0])
            }
        } else {
            hostsSection = .absent
        }
        self.hostNames = hostNames

        if let sn = byKey["steps"], case .sequence(let items) = sn.value {
            stepLocations = items.prefix(WorkBudget.maxSteps).map { doc.location($0) }
        } else {
            stepLocations = []
        }
        if let sn = byKey["steps"] {
            var sr = YAMLReader(doc)
            if case .scalar(let s) = sn.value, s.string.isEmpty || s.string == "~" || s.string == "null" {
                steps = .none
            } else if let items = sr.sequence(sn.value, "steps"), items.count > WorkBudget.maxSteps {
                steps = .notSequence(doc.error(items[WorkBudget.maxSteps], .scenarioTooLarge,
                                               "scenario too large: more than \(WorkBudget.maxSteps) steps (\(items.count))"))
            } else if let items = sr.sequence(sn.value, "steps") {
                steps = .items(items.map { item in
                    guard case .mapping(let m) = item, m.count == 1, let (k, v) = m.first.map({ ($0.key, $0.value) }),
                          let actor = k.string, !actor.isEmpty else {
                        return .fixed(.failure(doc.error(item, .scenarioStep, "each step must be one 'actor: call' pair, e.g. '- client: send 1000'")))
                    }
                    guard case .scalar(let callScalar) = v else {
                        return .fixed(.failure(doc.error(v, .scenarioStep, "the call after '\(actor):' must be text such as 'send 1000'")))
                    }
                    let errorLocation = doc.location(actor == "net" || actor == "time" || hostNames.contains(actor) ? v : k)
                    let template = Arithmetic.Template(callScalar.string)
                    guard template.isConstant else {
                        return .template(actor: actor, template: template, errorLocation: errorLocation, memo: StepMemo())
                    }
                    do throws(StepParser.Failure) {
                        return .fixed(.success(try StepParser.parse(actor: actor, text: callScalar.string, hosts: hostNames, variables: [:])))
                    } catch {
                        return .fixed(.failure(Diagnostic(at: errorLocation, id: .scenarioStep, "\(error.message)")))
                    }
                })
            } else {
                steps = .notSequence(sr.diagnostics[0])
            }
        } else {
            steps = .missing(doc.error(doc.root, .scenarioNoSteps, "a scenario needs 'steps:' (a list of 'actor: call' lines)"))
        }
    }

    /// The parameters whose range is checked once every value is known (ephemeral ports are
    /// checked as a pair where they are read).
    static let checkedParameters = ["sqs", "rqs", "mss", "msl", "rto", "maxRetransmissions", "finWait2Timeout", "backlog"]

    /// A `let` value (or a `--set` of one) out of `Quantity.value`'s range, as a diagnostic.
    static func letRange(_ name: String, _ v: Int, at location: SourceLocation, fromSet: Bool) -> Diagnostic? {
        let range = Quantity.value.range
        guard !range.contains(v) else { return nil }
        return Diagnostic(at: location, id: .scenarioRange,
                          "\(fromSet ? "--set" : "let") \(name) must be between \(range.lowerBound) and \(range.upperBound), got \(v)")
    }

    /// A number or duration from its text once `{expressions}` are replaced (`substituted`).
    static func convert(_ substituted: String, raw: String, location: SourceLocation, what: String, duration: Bool) -> Result<Int, Diagnostic> {
        if duration {
            guard let ms = DurationText.milliseconds(substituted) else {
                return .failure(Diagnostic(at: location, id: .scenarioDuration, "\(what) must be a duration such as 30s, 500ms or 2min, got '\(raw)'"))
            }
            return .success(ms)
        }
        guard let v = Int(substituted.trimmingSpacesTabsAndNewlines()) else {
            return .failure(Diagnostic(at: location, id: .scenarioNumber, "\(what) must be a whole number or {expression}, got '\(raw)'"))
        }
        return .success(v)
    }

    /// A run that went over its work budget, as a diagnostic at the step where it did.
    public func tooLarge(_ e: WorkBudget.Exceeded) -> Diagnostic {
        let location = e.step >= 1 && e.step <= stepLocations.count ? stepLocations[e.step - 1] : SourceLocation(file: file)
        var notes = ["the limits are in README, \"Scenario files\": what is refused and why"]
        if e.limit == .segments && e.allowed == WorkBudget.kept.segments {
            notes.insert("figures, prose values and answer keys keep every segment of a run, so such a run may make at most "
                         + "\(WorkBudget.kept.segments); socklab simulate streams its trace and allows \(WorkBudget.standard.segments)", at: 0)
        }
        return Diagnostic(at: location, id: .scenarioTooLarge, e.description, notes: notes)
    }

    /// Runs a scenario loaded from this one; a run over the work budget is a diagnostic.
    public func simulate(_ scenario: Scenario, budget: WorkBudget = .kept) throws(DiagnosticError) -> Trace {
        do throws(WorkBudget.Exceeded) { return try Simulator.run(scenario, budget: budget) } catch {
            throw DiagnosticError(tooLarge(error))
        }
    }

    /// Loads the scenario with these variables and overrides (see `ScenarioLoader.loadWithVariables`).
    public func instantiate(variables base: [String: Int] = [:], overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        if let rootFailure { throw DiagnosticError([rootFailure]) }
        var diagnostics = leading

        var params = Parameters()
        var variables = base
        variables.reserveCapacity(base.count + Parameters.integerNames.count + letNames.count)
        // Course defaults first: they are what a scenario that says nothing gets. Every integer
        // parameter is a variable, with the value from `base` or else the default.
        for name in Parameters.integerNames {
            if let v = base[name] { params[integer: name] = v } else { variables[name] = params[integer: name] }
        }
        let initial = params

        func value(_ raw: String, _ template: Arithmetic.Template, location: SourceLocation, what: String, duration: Bool) -> Int? {
            var t = raw
            do { t = try template.substitute(variables: variables) } catch {
                diagnostics.append(Diagnostic(at: location, id: .scenarioExpression, "\(what): \(error.message)"))
                return nil
            }
            switch Self.convert(t, raw: raw, location: location, what: what, duration: duration) {
            case .success(let v): return v
            case .failure(let d):
                diagnostics.append(d)
                return nil
            }
        }
        func evaluate(_ s: ValueSource) -> Int? {
            switch s.kind {
            case .typeError(let d):
                diagnostics.append(d)
                return nil
            case .constant(.success(let v)):
                return v
            case .constant(.failure(let d)):
                diagnostics.append(d)
                return nil
            case .expression(let raw, let template):
                return value(raw, template, location: s.location, what: s.what, duration: s.duration)
            }
        }
        let nowhere = SourceLocation(file: file)
        func override(_ text: String, what: String, duration: Bool) -> Int? {
            value(text, Arithmetic.Template(text), location: nowhere, what: what, duration: duration)
        }

        for (name, source) in integerFields {
            if let v = evaluate(source) { params[integer: name] = v }
        }
        switch ephemeralPorts {
        case .success(let range)?:
            params.ephemeralFirst = range.first
            params.ephemeralLast = range.last
        case .failure(let d)?: diagnostics.append(d)
        case nil: break
        }
        switch network {
        case .success(let mode)?: params.network = mode
        case .failure(let d)?: diagnostics.append(d)
        case nil: break
        }
        var start: StartMode?
        switch self.start {
        case .success(let m)?: start = m
        case .failure(let d)?: diagnostics.append(d)
        case nil: break
        }

        // --set over the file's own values.
        var letOverrides: [String: String] = [:]
        for (key, text) in overrides.sorted(by: { $0.key < $1.key }) {
            let what = "--set \(key)"
            if Parameters.integerNames.contains(key) {
                if let v = override(text, what: what, duration: Parameters.durationNames.contains(key)) { params[integer: key] = v }
            } else if key == "network" {
                if let mode = NetworkMode(rawValue: text) { params.network = mode }
                else { diagnostics.append(Diagnostic(at: SourceLocation(file: "--set"), id: .cliSet, "--set network must be auto or manual, got '\(text)'")) }
            } else if key == "start" {
                if let m = StartMode(rawValue: text) { start = m }
                else { diagnostics.append(Diagnostic(at: SourceLocation(file: "--set"), id: .cliSet, "--set start must be established or closed, got '\(text)'")) }
            } else {
                letOverrides[key] = text
            }
        }
        // The file's values and --set over them, as variables (those that changed).
        if params != initial {
            for name in Parameters.integerNames where params[integer: name] != initial[integer: name] {
                variables[name] = params[integer: name]
            }
        }

        // Derived names, in order; later ones may use earlier ones.
        switch letSection {
        case .absent: break
        case .notMapping(let d): diagnostics.append(d)
        case .pairs(let pairs):
            for p in pairs {
                if let d = p.nameError {
                    diagnostics.append(d)
                    continue
                }
                if let o = letOverrides[p.key] {
                    if let v = override(o, what: "--set \(p.key)", duration: false) {
                        if let d = Self.letRange(p.key, v, at: SourceLocation(file: "--set"), fromSet: true) { diagnostics.append(d) }
                        else { variables[p.key] = v }
                    }
                } else if let v = evaluate(p.source!) {
                    if let d = Self.letRange(p.key, v, at: p.source!.location, fromSet: false) { diagnostics.append(d) }
                    else { variables[p.key] = v }
                }
            }
        }
        if !letOverrides.isEmpty {
            for key in letOverrides.keys.sorted() where !letNames.contains(key) {
                diagnostics.append(Diagnostic(at: SourceLocation(file: "--set"), id: .cliSetUnknown,
                                              "--set \(key)=... names no parameter of \(file)",
                                              notes: ["parameters: \((ScenarioLoader.settableNames + letNames).joined(separator: ", "))"]))
            }
        }

        for name in Self.checkedParameters {
            let range = Parameters.quantity(of: name)!.range
            let v = params[integer: name]!
            guard !range.contains(v) else { continue }
            // Where the value came from: --set, the file's own line, or (a course value) the file.
            let fromSet = overrides[name] != nil
            diagnostics.append(Diagnostic(at: fromSet ? SourceLocation(file: "--set") : parameterLocations[name] ?? nowhere, id: .scenarioRange,
                                          "\(fromSet ? "--set " : "")\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(v)"))
        }

        // Hosts.
        var hosts = Scenario.defaultHosts
        switch hostsSection {
        case .absent: break
        case .notMapping(let d): diagnostics.append(d)
        case .hosts(let items, let location):
            hosts = []
            for item in items {
                switch item {
                case .badName(let d):
                    diagnostics.append(d)
                case .host(let name, let index, let body):
                    var config = HostConfig(name: name, addresses: ["10.0.0.\(index + 1)"])
                    switch body {
                    case .fields(let fields, let addresses, let addressDiagnostics, let hostLocation):
                        for f in fields {
                            switch f {
                            case .addresses(let ds): diagnostics += ds
                            case .sqs(let s): config.sqs = evaluate(s)
                            case .rqs(let s): config.rqs = evaluate(s)
                            case .failure(let d): diagnostics.append(d)
                            }
                        }
                        config.addresses = addresses
                        diagnostics += addressDiagnostics
                        for q in [config.sqs, config.rqs].compactMap({ $0 }) where q < 1 || q > Parameters.maxQueueSize {
                            diagnostics.append(Diagnostic(at: hostLocation, id: .scenarioQueueSize,
                                                          "queue sizes must be between 1 and \(Parameters.maxQueueSize), got \(q)"))
                        }
                    case .empty:
                        break
                    case .failure(let d):
                        diagnostics.append(d)
                    }
                    hosts.append(config)
                }
            }
            if hosts.count < 1 { diagnostics.append(Diagnostic(at: location, id: .scenarioHosts, "a scenario needs at least one host")) }
        }

        // Steps.
        var steps: [Step] = []
        switch self.steps {
        case .missing(let d): diagnostics.append(d)
        case .none: break
        case .notSequence(let d): diagnostics.append(d)
        case .items(let items):
            steps.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .fixed(.success(let step)): steps.append(step)
                case .fixed(.failure(let d)): diagnostics.append(d)
                case .template(let actor, let template, let errorLocation, let memo):
                    // As StepParser.parse(text: template) does it: substitute, then read the text
                    // (which has no `{` left, so it reads the same with any variables: memoized).
                    let text: String
                    do throws(Arithmetic.Failure) { text = try template.substitute(variables: variables) } catch {
                        diagnostics.append(Diagnostic(at: errorLocation, id: .scenarioStep, "\(error.message)"))
                        continue
                    }
                    let parsed = memo.step(for: text) { () throws(StepParser.Failure) in
                        try StepParser.parse(actor: actor, text: text, hosts: hostNames, variables: [:])
                    }
                    switch parsed {
                    case .success(let step): steps.append(step)
                    case .failure(let error): diagnostics.append(Diagnostic(at: errorLocation, id: .scenarioStep, "\(error.message)"))
                    }
                }
            }
        }

        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        let startMode = start ?? (Scenario.stepsBuildConnections(steps) ? .closed : .established)
        if startMode == .established && hosts.count < 2 {
            throw DiagnosticError(Diagnostic(at: rootLocation, id: .scenarioStart, "start: established needs two hosts"))
        }
        return LoadedScenario(scenario: Scenario(title: title, parameters: params, hosts: hosts, start: startMode, steps: steps),
                              variables: variables)
    }
}
