import CourseModel
import Mustache
import SourceFiles
import XMLCheck

/// Where the markup that libxml2 refuses came from, so a malformed page is reported at the
/// Markdown line or the template line that caused it, not at a line of the generated file.
///
/// Both searches run only when a check has already failed: a build that succeeds pays nothing.
enum SourceMap {
    /// The problems of an HTML fragment checked on its own, inside one element.
    static func fragmentProblems(_ html: String) -> [XMLProblem] {
        XMLCheck.problems(in: "<div>" + html + "</div>")
    }

    /// The Markdown line behind a malformed fragment: the first block (lines between blank lines; a
    /// fenced block whole) whose HTML is malformed on its own, narrowed to the first of its lines
    /// that alone gives the same complaint.
    static func markdownLine(body: String, firstLine: Int, render: (String) -> String) -> (line: Int, problem: XMLProblem)? {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [Range<Int>] = []
        var start: Int?
        var inFence = false
        for (k, l) in lines.enumerated() {
            let t = l.drop { $0 == " " || $0 == "\t" }
            if t.hasPrefix("```") {
                if start == nil { start = k }
                inFence.toggle()
            } else if !inFence && t.allSatisfy(\.isWhitespace) {
                if let s = start { blocks.append(s..<k) }
                start = nil
            } else if start == nil {
                start = k
            }
        }
        if let s = start { blocks.append(s..<lines.count) }
        for b in blocks {
            guard let p = fragmentProblems(render(lines[b].joined(separator: "\n"))).first else { continue }
            if b.count > 1 {
                for k in b where fragmentProblems(render(String(lines[k]))).first?.message == p.message {
                    return (firstLine + k, p)
                }
            }
            return (firstLine + b.lowerBound, p)
        }
        return nil
    }

    // MARK: - Templates

    /// Marks a line's start in an instrumented template: `U+E000 index ":" line U+E001`.
    static let open: Unicode.Scalar = "\u{E000}", close: Unicode.Scalar = "\u{E001}"

    /// `text` with a marker at the start of every line that produces output. Lines holding one
    /// section, partial or comment tag alone are left as they are: Mustache drops such a line
    /// whole, and a marker would keep it.
    static func instrument(_ text: String, index: Int) -> String {
        var out = ""
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if k > 0 { out += "\n" }
            if !isStandalone(line) { out += "\(Character(open))\(index):\(k + 1)\(Character(close))" }
            out += line
        }
        return out
    }

    static func isStandalone(_ line: Substring) -> Bool {
        let t = line.trimmingCharacters()
        guard t.hasPrefix("{{"), t.hasSuffix("}}"), let sigil = t.dropFirst(2).first, "#^/!>=<$".contains(sigil) else { return false }
        return t.dropFirst(2).range(of: "{{") == nil
    }

    /// The template line that wrote `line:column` of `original`, found by rendering the same model
    /// with instrumented templates. Nil when the instrumented render differs from the original
    /// (a tag spanning lines, say): then the generated file is all that can be named.
    static func templateLine(of problem: XMLProblem, original: String, model: Any, template: String,
                             sources: [String: String]) -> SourceLocation? {
        let names = sources.keys.sorted()
        var library = MustacheLibrary()
        for (i, name) in names.enumerated() {
            guard let t = try? MustacheTemplate(string: instrument(sources[name]!, index: i)) else { return nil }
            library.register(t, named: name)
        }
        guard let rendered = library.render(model, withTemplate: template) else { return nil }
        var stripped = String.UnicodeScalarView()
        var line = 1, column = 1
        var last: (Int, Int)?
        var found: (Int, Int)?
        var scalars = rendered.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            if c == open {
                var marker = ""
                while let m = scalars.next(), m != close { marker.unicodeScalars.append(m) }
                let parts = marker.split(separator: ":").compactMap { Int($0) }
                if parts.count == 2 { last = (parts[0], parts[1]) }
                continue
            }
            // libxml2 places a problem just past the token it refused (and may place it past its
            // line's end): the character before that column is the token's last.
            if found == nil, line > problem.line || (line == problem.line && (column + 1 >= problem.column || c == "\n")) { found = last }
            stripped.append(c)
            if c == "\n" { line += 1; column = 1 } else { column += String(c).utf8.count }
        }
        guard String(stripped) == original, let (index, templateLine) = found ?? last, index < names.count else { return nil }
        return SourceLocation(file: "templates/\(names[index]).mustache", line: templateLine)
    }
}
