import CourseModel
import Diagrams
import Foundation
import Ink
import Mustache

/// Prose: Mustache names (`{{sqs}}`, `{{values.x}}`, `{{{figures.y}}}`) first, then Markdown via Ink.
enum Prose {
    /// The `{{...}}` names used in `body`, with their file line numbers.
    static func references(in body: String, firstLine: Int) -> [(name: String, line: Int)] {
        var out: [(String, Int)] = []
        for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                var after = rest[open.upperBound...]
                if after.first == "{" || after.first == "&" { after = after.dropFirst() }
                guard let close = after.range(of: "}}") else { break }
                var name = String(after[..<close.lowerBound]).trimmed()
                if name.hasPrefix("!") || name.hasPrefix("#") || name.hasPrefix("/") || name.hasPrefix("^") {
                    name = String(name.dropFirst()).trimmed()
                }
                if !name.isEmpty && !name.hasPrefix("!") { out.append((name, firstLine + i)) }
                rest = after[close.upperBound...]
            }
        }
        return out
    }

    /// Renders Markdown to well-formed XHTML (Ink writes HTML void elements like `<br>` unclosed).
    static func html(fromMarkdown markdown: String) -> String {
        var html = MarkdownParser().html(from: markdown)
        for (from, to) in [("<br>", "<br/>"), ("<hr>", "<hr/>")] {
            html = html.replacingOccurrences(of: from, with: to)
        }
        return html
    }

    /// Renders a Mustache template from a string; a syntax error becomes a diagnostic at its line.
    static func mustache(_ text: String, context: Any, file: String, firstLine: Int) throws(DiagnosticError) -> String {
        do {
            let template = try MustacheTemplate(string: text)
            return template.render(context)
        } catch let e as MustacheTemplate.ParserError {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: firstLine + e.context.lineNumber - 1, column: e.context.columnNumber),
                                             id: "template.syntax", "Mustache syntax error: \(e.error) near '\(e.context.line.trimmed())'"))
        } catch {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: firstLine), id: "template.syntax", "Mustache error: \(error)"))
        }
    }
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    /// Escaped for XML text and attribute values.
    var xmlEscaped: String { Diagrams.escapeXML(self) }
}
