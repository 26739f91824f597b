import SocketSim
import SourceFiles
import Yams

/// A scenario document read once, for loading many times with different variables and overrides.
///
/// Reading a scenario has two parts: walking the YAML (keys, types, names, steps without `{...}`),
/// which depends only on the document, and evaluating `{expressions}` and the steps that use them,
/// which depends on the variables. `init` does the first part once; `instantiate` does the second.
/// Every diagnostic the walk finds is kept, with its location, and reported by `instantiate` in the
/// order of the file's sections: unknown keys and the title, the parameters, `--set`, `let`, the
/// parameters' ranges, hosts, steps (`ScenarioLoader.loadWithVariables` is this, once). Both parts
/// read a value or a step with the same function (`number`, `parseStep`), so a constant field and
/// an `{expression}` field fail with the same words.
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
    /// The `let` names, in the file's order.
    package let letNames: [String]
    /// Where each parameter's value is written, for range errors (the file itself when not written).
    let parameterLocations: [String: SourceLocation]
    let hostsSection: HostsSection
    let hostNames: [String]
    let steps: StepsSection
    /// Where each step is written, in order (for a run that goes over its budget at that step).
    let stepLocations: [SourceLocation]

    public convenience init(text: String, file: String) throws(DiagnosticError) {
        self.init(try YAMLDocument(text: text, file: file))
    }

    /// Walks the document once: every section read into what `instantiate` needs, in the order
    /// `instantiate` reports them. A document that is not a mapping is only that diagnostic.
    public init(_ doc: YAMLDocument) {
        file = doc.file
        rootLocation = doc.location(doc.root)
        var r = YAMLReader(doc)
        guard let entries = r.mapping(doc.root, "a scenario") else {
            rootFailure = r.diagnostics[0]
            (leading, title, integerFields, parameterLocations) = ([], "", [], [:])
            (ephemeralPorts, network, start) = (nil, nil, nil)
            (letSection, letNames, hostsSection, hostNames) = (.absent, [], .absent, [])
            (steps, stepLocations) = (.none, [])
            return
        }
        rootFailure = nil
        var byKey: [String: Node] = [:]
        for e in entries {
            if ScenarioLoader.knownKeys.contains(e.key) { byKey[e.key] = e.value }
            else { r.unknownKey(e.key, e.keyNode, in: "a scenario", known: ScenarioLoader.knownKeys) }
        }
        title = byKey["title"].flatMap { r.string($0, "title") } ?? ""
        leading = r.diagnostics

        integerFields = Parameters.integerNames.compactMap { name in
            byKey[name].map { (name, Self.source($0, name, duration: Parameters.durationNames.contains(name), in: doc)) }
        }
        var locations: [String: SourceLocation] = [:]
        for name in Parameters.integerNames { locations[name] = byKey[name].map { doc.location($0) } }
        parameterLocations = locations
        ephemeralPorts = byKey["ephemeralPorts"].map { Self.ephemeralPorts($0, in: doc) }
        network = byKey["network"].map {
            Self.mode($0, "network", in: doc, id: .scenarioNetwork, expected: "'auto' or 'manual'")
        }
        start = byKey["start"].map {
            Self.mode($0, "start", in: doc, id: .scenarioStart, expected: "'established' or 'closed'")
        }

        let lets = byKey["let"].map { Self.letSection($0, in: doc) }
        letSection = lets?.section ?? .absent
        letNames = lets?.names ?? []
        let hosts = byKey["hosts"].map { Self.hostsSection($0, in: doc) }
        hostsSection = hosts?.section ?? .absent
        hostNames = hosts?.names ?? Scenario.defaultHosts.map(\.name)

        if let sn = byKey["steps"], case .sequence(let items) = sn {
            stepLocations = items.prefix(WorkBudget.maxSteps).map { doc.location($0) }
        } else {
            stepLocations = []
        }
        if let sn = byKey["steps"] {
            steps = Self.stepsSection(sn, in: doc, hosts: hostNames)
        } else {
            steps = .missing(doc.error(doc.root, .scenarioNoSteps, "a scenario needs 'steps:' (a list of 'actor: call' lines)"))
        }
    }

    /// A scalar field's text, or the diagnostic `YAMLReader.string` gives for it.
    static func text(_ node: Node, _ what: String, in doc: YAMLDocument) -> Text {
        var r = YAMLReader(doc)
        if let s = r.string(node, what) { return .text(s) }
        return .failure(r.diagnostics[0])
    }

    /// A number or duration field as it is kept between loads: its value already, when it has no
    /// `{` (read with `number`, as an expression field is read per load).
    static func source(_ node: Node, _ what: String, duration: Bool = false, in doc: YAMLDocument) -> ValueSource {
        let location = doc.location(node)
        switch text(node, what, in: doc) {
        case .failure(let d):
            return ValueSource(kind: .typeError(d), location: location, what: what, duration: duration)
        case .text(let raw):
            let template = Arithmetic.Template(raw)
            let kind: ValueSource.Kind = template.isConstant
                ? .constant(number(raw, template, variables: [:], location: location, what: what, duration: duration))
                : .expression(raw: raw, template: template)
            return ValueSource(kind: kind, location: location, what: what, duration: duration)
        }
    }

    /// `ephemeralPorts: FIRST-LAST`, checked as a pair where it is read.
    static func ephemeralPorts(_ node: Node, in doc: YAMLDocument) -> Result<(first: Int, last: Int), Diagnostic> {
        switch text(node, "ephemeralPorts", in: doc) {
        case .failure(let d): return .failure(d)
        case .text(let text):
            let parts = text.split(separator: "-").compactMap { Int(String($0).trimmingSpacesTabsAndNewlines()) }
            if parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 65_535 { return .success((parts[0], parts[1])) }
            return .failure(doc.error(node, .scenarioEphemeralPorts, "ephemeralPorts must be a range like 49152-65535, got '\(text)'"))
        }
    }

    /// A field that is one of a few words (`network:`, `start:`).
    static func mode<Mode: RawRepresentable>(_ node: Node, _ what: String, in doc: YAMLDocument, id: DiagnosticID,
                                             expected: String) -> Result<Mode, Diagnostic> where Mode.RawValue == String {
        switch text(node, what, in: doc) {
        case .failure(let d): return .failure(d)
        case .text(let text):
            if let mode = Mode(rawValue: text) { return .success(mode) }
            return .failure(doc.error(node, id, "\(what) must be \(expected), got '\(text)'"))
        }
    }

    /// The `let:` mapping: its pairs in order (a key that is not a name is reported and skipped
    /// per load), and every key, for `--set` and the list of settable names.
    static func letSection(_ node: Node, in doc: YAMLDocument) -> (section: LetSection, names: [String]) {
        var r = YAMLReader(doc)
        guard let pairs = r.mapping(node, "let") else { return (.notMapping(r.diagnostics[0]), []) }
        let section = LetSection.pairs(pairs.map { p in
            guard ScenarioLoader.isIdentifier(p.key) else {
                return LetPair(key: p.key, nameError: doc.error(p.keyNode, .scenarioLetName, "'\(p.key)' is not a name: use letters, digits and _"),
                               source: nil)
            }
            return LetPair(key: p.key, nameError: nil, source: source(p.value, "let \(p.key)", in: doc))
        })
        return (section, pairs.map(\.key))
    }

    /// The `hosts:` mapping, bounded by `Limits.maxHosts`, and the names steps may use as actors
    /// (the default hosts' when the section is not a mapping).
    static func hostsSection(_ node: Node, in doc: YAMLDocument) -> (section: HostsSection, names: [String]) {
        let defaults = Scenario.defaultHosts.map(\.name)
        var r = YAMLReader(doc)
        guard let pairs = r.mapping(node, "hosts") else { return (.notMapping(r.diagnostics[0]), defaults) }
        guard pairs.count <= Limits.maxHosts else {
            return (.notMapping(doc.error(pairs[Limits.maxHosts].keyNode, .scenarioTooLarge,
                                          "scenario too large: more than \(Limits.maxHosts) hosts (\(pairs.count))")), defaults)
        }
        var names: [String] = []
        var items: [HostItem] = []
        for (i, p) in pairs.enumerated() {
            guard ScenarioLoader.isIdentifier(p.key), p.key != "net", p.key != "time" else {
                items.append(.badName(doc.error(p.keyNode, .scenarioHostName, "'\(p.key)' cannot name a host (use letters and digits; 'net' and 'time' are reserved)")))
                continue
            }
            names.append(p.key)
            items.append(.host(name: p.key, index: i, body: hostBody(p.key, index: i, p.value, in: doc)))
        }
        return (.hosts(items, location: doc.location(node)), names)
    }

    /// One host's value: a mapping of fields, nothing (a host with the defaults), or a mistake.
    static func hostBody(_ name: String, index: Int, _ node: Node, in doc: YAMLDocument) -> HostBody {
        var r = YAMLReader(doc)
        if case .mapping = node, let fields = r.mapping(node, "host \(name)") {
            var ops: [HostField] = []
            var addresses = ["10.0.0.\(index + 1)"]
            for f in fields { ops.append(hostField(f.key, f.keyNode, f.value, host: name, addresses: &addresses, in: doc)) }
            let addressDiagnostics = addresses.filter { !ScenarioLoader.isIPv4($0) }.map {
                doc.error(node, .scenarioAddress, "'\($0)' is not an IPv4 address like 10.0.0.2")
            }
            return .fields(ops, addresses: addresses, addressDiagnostics: addressDiagnostics, location: doc.location(node))
        }
        if case .scalar(let s) = node, s.string.isEmpty || s.string == "~" || s.string == "null" { return .empty }
        return .failure(doc.error(node, .yamlType, "host \(name) must be a mapping with addresses, sqs, rqs"))
    }

    /// One field of a host; `address:` and `addresses:` replace the host's addresses as they are read.
    static func hostField(_ key: String, _ keyNode: Node, _ value: Node, host: String, addresses: inout [String],
                          in doc: YAMLDocument) -> HostField {
        var r = YAMLReader(doc)
        switch key {
        case "address":
            if let a = r.string(value, "address") { addresses = [a] }
            return .addresses(diagnostics: r.diagnostics)
        case "addresses":
            if let list = r.sequence(value, "addresses") { addresses = list.compactMap { r.string($0, "an address") } }
            return .addresses(diagnostics: r.diagnostics)
        case "sqs":
            return .sqs(source(value, "\(host).sqs", in: doc))
        case "rqs":
            return .rqs(source(value, "\(host).rqs", in: doc))
        default:
            r.unknownKey(key, keyNode, in: "host \(host)", known: ["address", "addresses", "sqs", "rqs"])
            return .failure(r.diagnostics[0])
        }
    }

    /// The `steps:` list, bounded by `WorkBudget.maxSteps` (empty is allowed: a scenario of no steps).
    static func stepsSection(_ node: Node, in doc: YAMLDocument, hosts: [String]) -> StepsSection {
        if case .scalar(let s) = node, s.string.isEmpty || s.string == "~" || s.string == "null" { return .none }
        var r = YAMLReader(doc)
        guard let items = r.sequence(node, "steps") else { return .notSequence(r.diagnostics[0]) }
        guard items.count <= WorkBudget.maxSteps else {
            return .notSequence(doc.error(items[WorkBudget.maxSteps], .scenarioTooLarge,
                                          "scenario too large: more than \(WorkBudget.maxSteps) steps (\(items.count))"))
        }
        return .items(items.map { stepItem($0, in: doc, hosts: hosts) })
    }

    /// One `- actor: call` item: read now when it has no `{` (or is no step at all), else kept as a
    /// template for `instantiate`. A call's mistakes are reported at the call when the actor is
    /// known, else at the actor.
    static func stepItem(_ item: Node, in doc: YAMLDocument, hosts: [String]) -> StepItem {
        guard case .mapping(let m) = item, m.count == 1, let (k, v) = m.first.map({ ($0.key, $0.value) }),
              let actor = k.string, !actor.isEmpty else {
            return .fixed(.failure(doc.error(item, .scenarioStep, "each step must be one 'actor: call' pair, e.g. '- client: send 1000'")))
        }
        guard case .scalar(let callScalar) = v else {
            return .fixed(.failure(doc.error(v, .scenarioStep, "the call after '\(actor):' must be text such as 'send 1000'")))
        }
        let errorLocation = doc.location(actor == "net" || actor == "time" || hosts.contains(actor) ? v : k)
        let template = Arithmetic.Template(callScalar.string)
        guard template.isConstant else {
            return .template(actor: actor, template: template, errorLocation: errorLocation, memo: StepMemo())
        }
        return .fixed(parseStep(actor: actor, text: callScalar.string, hosts: hosts, at: errorLocation))
    }

    /// A step's call read from its text (with no `{` left), its mistake a diagnostic at `location`.
    /// A fixed step is read with this when the document is walked; a `{...}` step, once substituted,
    /// with the same `StepParser.parse` and `stepDiagnostic` (through its memo).
    static func parseStep(actor: String, text: String, hosts: [String], at location: SourceLocation) -> Result<Step, Diagnostic> {
        do throws(StepParser.Failure) {
            return .success(try StepParser.parse(actor: actor, text: text, hosts: hosts, variables: [:]))
        } catch {
            return .failure(stepDiagnostic(error, at: location))
        }
    }

    /// A call that does not read, as a diagnostic at the call (or the actor).
    static func stepDiagnostic(_ failure: StepParser.Failure, at location: SourceLocation) -> Diagnostic {
        Diagnostic(at: location, id: .scenarioStep, "\(failure.message)")
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

    /// A number or duration field's value with these variables: the `{expressions}` substituted,
    /// then the text read as a number (or a duration). The one reading of a value, for a constant
    /// field when the document is walked, an `{expression}` field per load, and a `--set`.
    static func number(_ raw: String, _ template: Arithmetic.Template, variables: [String: Int], location: SourceLocation,
                       what: String, duration: Bool) -> Result<Int, Diagnostic> {
        let substituted: String
        do throws(Arithmetic.Failure) { substituted = try template.substitute(variables: variables) } catch {
            return .failure(Diagnostic(at: location, id: .scenarioExpression, "\(what): \(error.message)"))
        }
        return convert(substituted, raw: raw, location: location, what: what, duration: duration)
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

    /// Loads the scenario with these variables and overrides (see `ScenarioLoader.loadWithVariables`):
    /// each section evaluated in the file's order, every diagnostic kept, and the scenario only
    /// when there are none.
    public func instantiate(variables base: [String: Int] = [:], overrides: [String: String] = [:]) throws(DiagnosticError) -> LoadedScenario {
        if let rootFailure { throw DiagnosticError([rootFailure]) }
        var load = Instantiation(self, base: base)
        load.readParameters()
        let letOverrides = load.applyOverrides(overrides)
        load.publishChangedParameters()
        load.evaluateLets(overriddenBy: letOverrides)
        load.checkRanges(overrides: overrides)
        let hosts = load.hosts()
        let steps = load.steps()
        if !load.diagnostics.isEmpty { throw DiagnosticError(load.diagnostics) }
        let startMode = load.start ?? (Scenario.stepsBuildConnections(steps) ? .closed : .established)
        if startMode == .established && hosts.count < 2 {
            throw DiagnosticError(Diagnostic(at: rootLocation, id: .scenarioStart, "start: established needs two hosts"))
        }
        return LoadedScenario(scenario: Scenario(title: title, parameters: load.params, hosts: hosts, start: startMode, steps: steps),
                              variables: load.variables)
    }

    /// One load in progress: the parameters and names so far, and every diagnostic in the order
    /// it is reported. Each method is one section of `instantiate`, called in the file's order.
    struct Instantiation {
        let compiled: CompiledScenario
        var diagnostics: [Diagnostic]
        var params = Parameters()
        /// The names `{expressions}` see: `base`, every integer parameter, then the `let`s.
        var variables: [String: Int]
        /// The parameters before the file and `--set` changed them.
        let initial: Parameters
        var start: StartMode?
        let nowhere: SourceLocation
        static let setLocation = SourceLocation(file: "--set")

        /// Course defaults first: they are what a scenario that says nothing gets. Every integer
        /// parameter is a variable, with the value from `base` or else the default.
        init(_ compiled: CompiledScenario, base: [String: Int]) {
            self.compiled = compiled
            diagnostics = compiled.leading
            nowhere = SourceLocation(file: compiled.file)
            variables = base
            variables.reserveCapacity(base.count + Parameters.integerNames.count + compiled.letNames.count)
            for name in Parameters.integerNames {
                if let v = base[name] { params[integer: name] = v } else { variables[name] = params[integer: name] }
            }
            initial = params
        }

        /// A result's value, its failure reported.
        mutating func keep<T>(_ result: Result<T, Diagnostic>) -> T? {
            switch result {
            case .success(let v): return v
            case .failure(let d):
                diagnostics.append(d)
                return nil
            }
        }

        /// A number or duration field's value with the variables so far.
        mutating func evaluate(_ s: ValueSource) -> Int? {
            switch s.kind {
            case .typeError(let d):
                diagnostics.append(d)
                return nil
            case .constant(let result):
                return keep(result)
            case .expression(let raw, let template):
                return keep(CompiledScenario.number(raw, template, variables: variables, location: s.location, what: s.what, duration: s.duration))
            }
        }

        /// A `--set` value, read as a field's text is (it has no place in the file).
        mutating func override(_ text: String, what: String, duration: Bool) -> Int? {
            keep(CompiledScenario.number(text, Arithmetic.Template(text), variables: variables, location: nowhere, what: what, duration: duration))
        }

        /// The file's own parameters: integers, ephemeral ports, network, start.
        mutating func readParameters() {
            for (name, source) in compiled.integerFields {
                if let v = evaluate(source) { params[integer: name] = v }
            }
            if let range = compiled.ephemeralPorts.flatMap({ keep($0) }) {
                params.ephemeralFirst = range.first
                params.ephemeralLast = range.last
            }
            if let mode = compiled.network.flatMap({ keep($0) }) { params.network = mode }
            start = compiled.start.flatMap { keep($0) }
        }

        /// `--set` over the file's own values, keys in order; what names no parameter is returned,
        /// to be a `let` (or reported once the `let`s are known).
        mutating func applyOverrides(_ overrides: [String: String]) -> [String: String] {
            var letOverrides: [String: String] = [:]
            for (key, text) in overrides.sorted(by: { $0.key < $1.key }) {
                if Parameters.integerNames.contains(key) {
                    if let v = override(text, what: "--set \(key)", duration: Parameters.durationNames.contains(key)) { params[integer: key] = v }
                } else if key == "network" {
                    if let mode = NetworkMode(rawValue: text) { params.network = mode }
                    else { diagnostics.append(Diagnostic(at: Self.setLocation, id: .cliSet, "--set network must be auto or manual, got '\(text)'")) }
                } else if key == "start" {
                    if let m = StartMode(rawValue: text) { start = m }
                    else { diagnostics.append(Diagnostic(at: Self.setLocation, id: .cliSet, "--set start must be established or closed, got '\(text)'")) }
                } else {
                    letOverrides[key] = text
                }
            }
            return letOverrides
        }

        /// The file's values and `--set` over them, as variables (those that changed).
        mutating func publishChangedParameters() {
            guard params != initial else { return }
            for name in Parameters.integerNames where params[integer: name] != initial[integer: name] {
                variables[name] = params[integer: name]
            }
        }

        /// Derived names, in order (later ones may use earlier ones), each within `Quantity.value`'s
        /// range; then the `--set` keys that named nothing.
        mutating func evaluateLets(overriddenBy letOverrides: [String: String]) {
            switch compiled.letSection {
            case .absent: break
            case .notMapping(let d): diagnostics.append(d)
            case .pairs(let pairs):
                for p in pairs {
                    if let d = p.nameError {
                        diagnostics.append(d)
                    } else if let o = letOverrides[p.key] {
                        guard let v = override(o, what: "--set \(p.key)", duration: false) else { continue }
                        if let d = CompiledScenario.letRange(p.key, v, at: Self.setLocation, fromSet: true) { diagnostics.append(d) } else { variables[p.key] = v }
                    } else if let v = evaluate(p.source!) {
                        if let d = CompiledScenario.letRange(p.key, v, at: p.source!.location, fromSet: false) { diagnostics.append(d) } else { variables[p.key] = v }
                    }
                }
            }
            for key in letOverrides.keys.sorted() where !compiled.letNames.contains(key) {
                diagnostics.append(Diagnostic(at: Self.setLocation, id: .cliSetUnknown,
                                              "--set \(key)=... names no parameter of \(compiled.file)",
                                              notes: ["parameters: \((ScenarioLoader.settableNames + compiled.letNames).joined(separator: ", "))"]))
            }
        }

        /// Each checked parameter within its range, once every value is known; reported where the
        /// value came from: `--set`, the file's own line, or (a course value) the file.
        mutating func checkRanges(overrides: [String: String]) {
            for name in CompiledScenario.checkedParameters {
                let range = Parameters.quantity(of: name)!.range
                let v = params[integer: name]!
                guard !range.contains(v) else { continue }
                let fromSet = overrides[name] != nil
                diagnostics.append(Diagnostic(at: fromSet ? Self.setLocation : compiled.parameterLocations[name] ?? nowhere, id: .scenarioRange,
                                              "\(fromSet ? "--set " : "")\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(v)"))
            }
        }

        /// The hosts, the default ones when the file names none.
        mutating func hosts() -> [HostConfig] {
            switch compiled.hostsSection {
            case .absent: return Scenario.defaultHosts
            case .notMapping(let d):
                diagnostics.append(d)
                return Scenario.defaultHosts
            case .hosts(let items, let location):
                var hosts: [HostConfig] = []
                for item in items {
                    switch item {
                    case .badName(let d): diagnostics.append(d)
                    case .host(let name, let index, let body): hosts.append(host(name, index: index, body))
                    }
                }
                if hosts.isEmpty { diagnostics.append(Diagnostic(at: location, id: .scenarioHosts, "a scenario needs at least one host")) }
                return hosts
            }
        }

        /// One host: its fields in order, then its addresses' and queue sizes' mistakes.
        mutating func host(_ name: String, index: Int, _ body: HostBody) -> HostConfig {
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
            return config
        }

        /// The steps: fixed ones as read, `{...}` ones substituted and then read as a fixed one is.
        mutating func steps() -> [Step] {
            switch compiled.steps {
            case .missing(let d), .notSequence(let d):
                diagnostics.append(d)
                return []
            case .none:
                return []
            case .items(let items):
                var steps: [Step] = []
                steps.reserveCapacity(items.count)
                for item in items {
                    switch item {
                    case .fixed(let result):
                        if let step = keep(result) { steps.append(step) }
                    case .template(let actor, let template, let errorLocation, let memo):
                        if let step = templateStep(actor, template, at: errorLocation, memo: memo) { steps.append(step) }
                    }
                }
                return steps
            }
        }

        /// A `{...}` step: substituted, then read as `parseStep` reads a fixed one. The substituted
        /// text has no `{` left, so it reads the same with any variables: the reading is memoized by text.
        mutating func templateStep(_ actor: String, _ template: Arithmetic.Template, at location: SourceLocation, memo: StepMemo) -> Step? {
            let text: String
            do throws(Arithmetic.Failure) { text = try template.substitute(variables: variables) } catch {
                diagnostics.append(Diagnostic(at: location, id: .scenarioStep, "\(error.message)"))
                return nil
            }
            let hosts = compiled.hostNames
            let parsed = memo.step(for: text) { () throws(StepParser.Failure) in
                try StepParser.parse(actor: actor, text: text, hosts: hosts, variables: [:])
            }
            return keep(parsed.mapError { CompiledScenario.stepDiagnostic($0, at: location) })
        }
    }
}
