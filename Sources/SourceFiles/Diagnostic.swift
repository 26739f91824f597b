/// Where something is in a content or answer file.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let line, line > 0, let column { s += ":\(column)" }
        return s
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line ?? 0, a.column ?? 0) < (b.file, b.line ?? 0, b.column ?? 0)
    }
}

/// A problem found in input, as data: libraries return these, only the command prints them.
public struct Diagnostic: Hashable, Sendable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning, note
    }

    public var severity: Severity
    public var location: SourceLocation
    /// A stable identifier such as `scenario.range`, for tests and for people searching docs.
    public var id: DiagnosticID
    public var message: String
    public var notes: [String]

    public init(_ severity: Severity = .error, at location: SourceLocation, id: DiagnosticID, _ message: String, notes: [String] = []) {
        self.severity = severity
        self.location = location
        self.id = id
        self.message = message
        self.notes = notes
    }

    /// `file:line:col: error: message`, the form editors and terminals understand.
    public var description: String {
        var s = "\(location): \(severity.rawValue): \(message)"
        for n in notes { s += "\n    note: \(n)" }
        return s
    }
}

/// One or more diagnostics thrown together, so a loader can report every problem it found.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ d: Diagnostic) { self.diagnostics = [d] }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
