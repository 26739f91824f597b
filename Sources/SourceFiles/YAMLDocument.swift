import Yams

/// A YAML document read for content: every value keeps its file and line, so every complaint can
/// point at the exact place.
public struct YAMLDocument {
    public let file: String
    package let root: Node

    /// The largest content or answer file read; larger is refused before parsing.
    public static let maxBytes = 2_000_000

    /// Parses `text`; malformed YAML becomes one diagnostic with the parser's line and column.
    public init(text: String, file: String) throws(DiagnosticError) {
        self.file = file
        if text.utf8.count > Self.maxBytes {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file), id: .yamlTooLarge,
                                             "the file is \(text.utf8.count) bytes; at most \(Self.maxBytes) are read"))
        }
        if text.utf8.contains(0) {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file), id: .yamlBinary,
                                             "the file contains NUL bytes: it is binary, not YAML text"))
        }
        try YAMLBudget.standard.check(text, file: file)
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: .yamlEmpty, "the file is empty"))
            }
            root = node
        } catch let e as DiagnosticError {
            throw e
        } catch {
            throw DiagnosticError(Self.diagnostic(for: YAMLFailure(error), file: file))
        }
    }

    /// What Yams could not read, in content files' words and under their ids (`yaml.*`).
    static func diagnostic(for failure: YAMLFailure, file: String) -> Diagnostic {
        switch failure {
        case .malformed(let problem, let context, let line, let column):
            var msg = "not valid YAML: \(problem)"
            if let context { msg += " (\(context))" }
            return Diagnostic(at: SourceLocation(file: file, line: line, column: column), id: .yamlMalformed, msg)
        case .duplicateKeys(let duplicates, let line, let column):
            return Diagnostic(at: SourceLocation(file: file, line: line, column: column),
                              id: .yamlDuplicateKey, "duplicate key \(duplicates.joined(separator: ", "))")
        case .other(let description):
            return Diagnostic(at: SourceLocation(file: file), id: .yamlMalformed, "not valid YAML: \(description)")
        }
    }

    package func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line, column: node?.mark?.column)
    }

    package func error(_ node: Node?, _ id: DiagnosticID, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(at: location(node), id: id, message, notes: notes)
    }
}

/// Typed reads of YAML nodes that explain what was expected.
package struct YAMLReader {
    package let doc: YAMLDocument
    package var diagnostics: [Diagnostic] = []

    package init(_ doc: YAMLDocument) { self.doc = doc }

    /// The key/value pairs of a mapping, in file order, or a diagnostic.
    package mutating func mapping(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            diagnostics.append(doc.error(node, .yamlType, "\(what) must be a mapping (key: value lines)"))
            return nil
        }
        return m.map { (key: $0.key.string ?? "", keyNode: $0.key, value: $0.value) }
    }

    package mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            diagnostics.append(doc.error(node, .yamlType, "\(what) must be a list (lines starting with '- ')"))
            return nil
        }
        return Array(s)
    }

    package mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else {
            diagnostics.append(doc.error(node, .yamlType, "\(what) must be text, not a list or mapping"))
            return nil
        }
        return s.string
    }

    package mutating func integer(_ node: Node, _ what: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard case .scalar(let s) = node, let v = Int(s.string.trimmingSpacesTabsAndNewlines()) else {
            diagnostics.append(doc.error(node, .yamlType, "\(what) must be a whole number, got '\(node.scalar?.string ?? "a list or mapping")'"))
            return nil
        }
        if let range, !range.contains(v) {
            diagnostics.append(doc.error(node, .yamlRange, "\(what) must be between \(range.lowerBound) and \(range.upperBound), got \(v)"))
            return nil
        }
        return v
    }

    package mutating func add(_ d: Diagnostic) { diagnostics.append(d) }

    package mutating func unknownKey(_ key: String, _ node: Node, in what: String, known: [String]) {
        diagnostics.append(doc.error(node, .yamlUnknownKey, "unknown key '\(key)' in \(what)",
                                     notes: ["expected one of: \(known.joined(separator: ", "))"]))
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs, LF and CR (YAML's white space and line breaks);
    /// other Unicode spaces (no-break, ideographic) are kept, unlike SiteBuilder's
    /// `trimmingUnicodeWhitespace`.
    package func trimmingSpacesTabsAndNewlines() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
