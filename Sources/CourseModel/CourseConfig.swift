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
                        r.add(doc.error(item, "course.duplicate-id", "'\(id)' is listed twice under sections and pages: each page is built once"))
                        continue
                    }
                    ids.append(id)
                }
                if e.key == "sections" { config.sections = ids } else { config.pages = ids }
            case "parameters":
                for p in r.mapping(e.value, "parameters") ?? [] {
                    guard let text = r.string(p.value, "parameter \(p.key)") else { continue }
                    let isDuration = Parameters.durationNames.contains(p.key)
                    if let v = isDuration ? SocketSim.Duration.milliseconds(text) : Int(text.trimmed()) {
                        config.parameters[p.key] = v
                    } else {
                        r.add(doc.error(p.value, "course.parameter", "parameter \(p.key) must be \(isDuration ? "a duration such as 30s" : "a whole number"), got '\(text)'"))
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
                problems.append(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set-unknown", "--set \(key)=... names no course parameter",
                                           notes: ["parameters: \(known.sorted().joined(separator: ", "))"]))
                continue
            }
            let isDuration = Parameters.durationNames.contains(key)
            guard let v = isDuration ? SocketSim.Duration.milliseconds(text) : Int(text.trimmed()) else {
                problems.append(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set", "--set \(key) needs \(isDuration ? "a duration" : "a whole number"), got '\(text)'"))
                continue
            }
            if (key == "sqs" || key == "rqs") && !(1...Parameters.maxQueueSize).contains(v) {
                problems.append(Diagnostic(at: SourceLocation(file: "--set"), id: "cli.set", "--set \(key) must be between 1 and \(Parameters.maxQueueSize), got \(v)"))
                continue
            }
            parameters[key] = v
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }
}
