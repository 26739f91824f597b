import SourceFiles
import SocketSim
import Yams

/// `content/course.yaml`: the course's title, default parameters and the order of its pages.
public struct CourseConfig: Sendable, Hashable {
    public var title: String
    public var subtitle: String
    public var language: String
    /// Course-wide parameter values (sqs, rqs, mss, msl in ms, and any others the content defines).
    public var parameters: [String: Int]
    public var sections: [String]
    public var pages: [String]
    /// The key for choosing students' variants; the environment variable SOCKLAB_SECRET overrides it.
    public var secret: String?

    public static let knownKeys = ["title", "subtitle", "language", "parameters", "sections", "pages", "secret"]

    public init(title: String = "", subtitle: String = "", language: String = "ko", parameters: [String: Int] = [:],
                sections: [String] = [], pages: [String] = [], secret: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.language = language
        self.parameters = parameters
        self.sections = sections
        self.pages = pages
        self.secret = secret
    }

    public static func load(text: String, file: String) throws(DiagnosticError) -> CourseConfig {
        let doc = try YAMLDocument(text: text, file: file)
        var r = YAMLReader(doc)
        var config = CourseConfig()
        var listed = Set<String>()
        guard let entries = r.mapping(doc.root, "course.yaml") else { throw DiagnosticError(r.diagnostics) }
        for e in entries {
            switch e.key {
            case "title": config.title = r.string(e.value, "title") ?? ""
            case "subtitle": config.subtitle = r.string(e.value, "subtitle") ?? ""
            case "language": config.language = r.string(e.value, "language") ?? "ko"
            case "secret": config.secret = r.string(e.value, "secret")
            case "sections", "pages":
                // Each page is built once: a second listing would make two pages of one id.
                var ids: [String] = []
                for item in r.sequence(e.value, e.key) ?? [] {
                    guard let id = r.string(item, "a \(e.key) id") else { continue }
                    guard listed.insert(id).inserted else {
                        r.add(doc.error(item, .courseDuplicateID, "'\(id)' is listed twice under sections and pages: each page is built once"))
                        continue
                    }
                    ids.append(id)
                }
                if e.key == "sections" { config.sections = ids } else { config.pages = ids }
            case "parameters":
                for p in r.mapping(e.value, "parameters") ?? [] {
                    guard let text = r.string(p.value, "parameter \(p.key)") else { continue }
                    switch read(p.key, text) {
                    case .success(let v): config.parameters[p.key] = v
                    case .failure(let message): r.add(doc.error(p.value, message.id, "parameter \(p.key) \(message.text)"))
                    }
                }
            default:
                r.unknownKey(e.key, e.keyNode, in: "course.yaml", known: knownKeys)
            }
        }
        if !r.diagnostics.isEmpty { throw DiagnosticError(r.diagnostics) }
        return config
    }

    /// Applies `--set KEY=VALUE` to the course parameters; an unknown key is an error.
    public mutating func apply(overrides: [String: String]) throws(DiagnosticError) {
        var problems: [Diagnostic] = []
        for (key, text) in overrides.sorted(by: { $0.key < $1.key }) {
            let known = Set(Parameters.integerNames).union(parameters.keys)
            guard known.contains(key) else {
                problems.append(Diagnostic(at: SourceLocation(file: "--set"), id: .cliSetUnknown, "--set \(key)=... names no course parameter",
                                           notes: ["parameters: \(known.sorted().joined(separator: ", "))"]))
                continue
            }
            switch Self.read(key, text) {
            case .success(let v): parameters[key] = v
            case .failure(let message):
                problems.append(Diagnostic(at: SourceLocation(file: "--set"), id: message.id == .courseRange ? .cliSetRange : .cliSet,
                                           "--set \(key) \(message.text)"))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }

    struct ReadFailure: Error {
        var id: DiagnosticID
        var text: String
    }

    /// A course parameter's value: the simulator's own parameters in their ranges
    /// (`Parameters.quantity(of:)`), any other name a number (or, for a duration name, a duration) in
    /// `Quantity.value`'s range. The one reader of course.yaml and `socklab build --set`.
    static func read(_ key: String, _ text: String) -> Result<Int, ReadFailure> {
        let isDuration = Parameters.durationNames.contains(key)
        let quantity = Parameters.quantity(of: key) ?? (isDuration ? .durationValue : .value)
        switch quantity.read(text) {
        case .success(let v): return .success(v)
        case .failure(.notANumber):
            return .failure(ReadFailure(id: .courseParameter, text: "must be \(isDuration ? "a duration such as 30s" : "a whole number"), got '\(text)'"))
        case .failure(.outOfRange(let v)):
            return .failure(ReadFailure(id: .courseRange, text: quantity.rangeMessage(got: v)))
        }
    }
}
