import CourseModel
import Diagrams
import Foundation
import Ink
import Mustache
import SourceFiles

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
                var name = String(after[..<close.lowerBound]).trimmingUnicodeWhitespace()
                if name.hasPrefix("!") || name.hasPrefix("#") || name.hasPrefix("/") || name.hasPrefix("^") {
                    name = String(name.dropFirst()).trimmingUnicodeWhitespace()
                }
                if !name.isEmpty && !name.hasPrefix("!") { out.append((name, firstLine + i)) }
                rest = after[close.upperBound...]
            }
        }
        return out
    }

    /// Renders Markdown to well-formed XHTML (Ink writes HTML void elements like `<br>` unclosed),
    /// in time linear in its length whatever it holds (`MarkdownBounds`).
    static func html(fromMarkdown markdown: String) -> String {
        let safe = MarkdownBounds.neutralize(protectingIdentifiers(joiningCodeSpanContinuations(markdown)))
        var html = MarkdownBounds.restore(MarkdownParser().html(from: safe))
        for (from, to) in [("<br>", "<br/>"), ("<hr>", "<hr/>")] {
            html = html.replacingOccurrences(of: from, with: to)
        }
        if html.unicodeScalars.contains(identifierUnderscore) {
            html = html.replacingOccurrences(of: String(identifierUnderscore), with: "_")
        }
        return html
    }

    /// Stands in for `_` inside an identifier while Ink reads the text (a private-use character).
    static let identifierUnderscore: Unicode.Scalar = "\u{E05F}"

    /// An underscore between two ASCII letters or digits (`FIN_WAIT_2`, `SO_REUSEADDR`) belongs to
    /// an identifier and is never emphasis; Ink would render `FIN_WAIT_2` as `FIN<em>WAIT</em>2`.
    /// Such underscores are hidden from Ink and put back after it, in prose, exercises and
    /// explanations alike (they all go through `html(fromMarkdown:)`).
    static func protectingIdentifiers(_ markdown: String) -> String {
        guard markdown.utf8.contains(UInt8(ascii: "_")) else { return markdown }
        func isWord(_ u: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u)
        }
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        var scalars = markdown.unicodeScalars.makeIterator()
        var current = scalars.next()
        while let u = current {
            let next = scalars.next()
            if u == "_", let p = previous, let n = next, isWord(p), isWord(n) {
                out.append(identifierUnderscore)
            } else {
                out.append(u)
            }
            previous = u
            current = next
        }
        return String(out)
    }

    /// Ink ends a paragraph at a line that starts with a backtick (it looks for a code fence), so
    /// "…클라이언트는\n`bind()`를 …" would become two paragraphs. Such a line is joined to the line
    /// before it when that line is paragraph text (not blank, a heading, a table row or a fence).
    static func joiningCodeSpanContinuations(_ markdown: String) -> String {
        guard markdown.contains("\n`") || markdown.contains("\n ") else { return markdown }
        var out: [String] = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let text = line.drop { $0 == " " || $0 == "\t" }
            if text.hasPrefix("```") {
                inFence.toggle()
                out.append(line)
                continue
            }
            if !inFence, text.hasPrefix("`"), let previous = out.last {
                let p = previous.trimmingUnicodeWhitespace()
                if !p.isEmpty, !p.hasPrefix("#"), !p.hasPrefix("|"), !p.hasPrefix("```"), !p.hasPrefix(">") {
                    out[out.count - 1] = previous + " " + text
                    continue
                }
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// Renders a Mustache template from a string; a syntax error becomes a diagnostic at its line.
    static func mustache(_ text: String, context: Any, file: String, firstLine: Int) throws(DiagnosticError) -> String {
        if text.contains("{{") {
            let problems = MustacheTags.check(MustacheTags.tags(in: text), file: file, firstLine: firstLine)
            if !problems.isEmpty { throw DiagnosticError(problems) }
        }
        do {
            let template = try MustacheTemplate(string: text)
            return template.render(context)
        } catch let e as MustacheTemplate.ParserError {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: firstLine + e.context.lineNumber - 1, column: e.context.columnNumber),
                                             id: .templateSyntax, "Mustache syntax error: \(e.error) near '\(e.context.line.trimmingUnicodeWhitespace())'"))
        } catch {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: firstLine), id: .templateSyntax, "Mustache error: \(error)"))
        }
    }
}

extension String {
    /// Without leading and trailing whitespace in Unicode's sense (`Character.isWhitespace`: also
    /// no-break and ideographic spaces), unlike CourseModel's `trimmingSpacesTabsAndNewlines`.
    func trimmingUnicodeWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    /// Escaped for XML text and attribute values.
    var xmlEscaped: String { Diagrams.escapeXML(self) }
}

/// Placeholders (`SOCKLAB…END`) put in before Markdown and replaced after it, in one pass.
///
/// A placeholder alone in a paragraph (`<p>TOKEN</p>`) is replaced with the paragraph, so a figure
/// is not wrapped in `<p>`. Unknown placeholders are left as they are.
enum Tokens {
    static func replace(in html: String, _ replacements: [String: String]) -> String {
        guard !replacements.isEmpty else { return html }
        let bytes = Array(html.utf8)
        let marker = Array("SOCKLAB".utf8), end = Array("END".utf8)
        let open = Array("<p>".utf8), close = Array("</p>".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + replacements.values.reduce(0) { $0 + $1.utf8.count })
        func matches(_ pattern: [UInt8], at j: Int) -> Bool {
            j >= 0 && j + pattern.count <= bytes.count && bytes[j..<(j + pattern.count)].elementsEqual(pattern)
        }
        func isAlphanumeric(_ b: UInt8) -> Bool { (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) }
        /// The known placeholder starting at `i`: where it ends and what replaces it.
        func token(at i: Int) -> (end: Int, replacement: String)? {
            var j = i + marker.count
            while j < bytes.count, isAlphanumeric(bytes[j]) {
                if matches(end, at: j), let r = replacements[String(decoding: bytes[i..<(j + end.count)], as: UTF8.self)] {
                    return (j + end.count, r)
                }
                j += 1
            }
            return nil
        }
        var i = 0
        while i < bytes.count {
            if bytes[i] == marker[0], matches(marker, at: i), let t = token(at: i) {
                // `<p>TOKEN</p>` becomes the replacement alone.
                if out.count >= open.count, out.suffix(open.count).elementsEqual(open), matches(close, at: t.end) {
                    out.removeLast(open.count)
                    out += t.replacement.utf8
                    i = t.end + close.count
                } else {
                    out += t.replacement.utf8
                    i = t.end
                }
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
