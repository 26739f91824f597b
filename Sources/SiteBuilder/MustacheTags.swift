import CourseModel
import SourceFiles

/// The tags of a Mustache text, read before swift-mustache parses it, so that what would make it
/// recurse without end is refused with the template's name and line.
///
/// swift-mustache renders a partial by rendering its template, with no depth limit: a partial that
/// includes itself, directly or through others (`{{> nav}}` in `nav.mustache`), overflows the stack,
/// and so does a section nested a hundred thousand deep (its parser recurses per level). Refused
/// here: a cycle of partials or parents, sections nested deeper than `maxDepth`, partials whose
/// name comes from the data (`{{> *name}}`, which a page title could point at any template), and
/// changed delimiters (`{{=<% %>=}}`, which would hide tags from this reading). With those gone a
/// render is at most as deep as there are templates.
enum MustacheTags {
    static let maxDepth = 32

    struct Tag {
        /// The tag's sigil (`#`, `^`, `/`, `>`, `<`, `$`, `=`, `!`, `&`, `{`), or nil for a variable.
        var sigil: Character?
        var name: String
        var line: Int
        var column: Int
    }

    /// Every `{{…}}` tag with its 1-based line and column.
    static func tags(in text: String) -> [Tag] {
        var out: [Tag] = []
        var line = 1, column = 1
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "{", text.index(after: i) < text.endIndex, text[text.index(after: i)] == "{" {
                let tagLine = line, tagColumn = column
                var j = text.index(i, offsetBy: 2)
                guard let close = text.range(of: "}}", range: j..<text.endIndex) else { break }
                var inner = Substring(text[j..<close.lowerBound])
                var sigil: Character?
                if let first = inner.first, "#^/><$=!&{".contains(first) {
                    sigil = first
                    inner = inner.dropFirst()
                }
                out.append(Tag(sigil: sigil, name: inner.trimmingCharacters(), line: tagLine, column: tagColumn))
                j = close.upperBound
                // A triple mustache ends in `}}}`.
                if sigil == "{", j < text.endIndex, text[j] == "}" { j = text.index(after: j) }
                for c in text[i..<j] {
                    if c == "\n" { line += 1; column = 1 } else { column += 1 }
                }
                i = j
                continue
            }
            if text[i] == "\n" { line += 1; column = 1 } else { column += 1 }
            i = text.index(after: i)
        }
        return out
    }

    /// Problems in one text that no parse should meet: depth, dynamic names, changed delimiters.
    static func check(_ tags: [Tag], file: String, firstLine: Int = 1) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var depth = 0
        func at(_ t: Tag) -> SourceLocation { SourceLocation(file: file, line: firstLine + t.line - 1, column: t.column) }
        for t in tags {
            switch t.sigil {
            case "#", "^", "$", "<":
                depth += 1
                if depth > maxDepth {
                    problems.append(Diagnostic(at: at(t), id: .templateTooDeep,
                                               "sections are nested more than \(maxDepth) deep here ('{{\(t.sigil!)\(t.name)}}')"))
                    return problems
                }
            case "/": depth = max(0, depth - 1)
            case "=":
                problems.append(Diagnostic(at: at(t), id: .templateSetDelimiter,
                                           "changing the delimiters ('{{=\(t.name)}}') is not supported: keep {{ }} so every tag can be checked"))
            default: break
            }
            if t.sigil == ">" || t.sigil == "<", t.name.hasPrefix("*") {
                problems.append(Diagnostic(at: at(t), id: .templateDynamicPartial,
                                           "a partial named by the data ('{{\(t.sigil!)\(t.name)}}') could include any template, itself too: name the partial"))
            }
        }
        return problems
    }

    /// Cycles among templates that include each other (`{{> name}}`) or extend each other
    /// (`{{< name}}`): each cycle once, at the reference that closes it.
    static func cycles(_ tags: [String: [Tag]], path: (String) -> String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var state: [String: Int] = [:]  // 1: on the current path, 2: done
        var stack: [String] = []
        func visit(_ name: String) {
            state[name] = 1
            stack.append(name)
            for t in tags[name] ?? [] where t.sigil == ">" || t.sigil == "<" {
                let next = t.name
                guard tags[next] != nil else { continue }
                switch state[next] {
                case 1:
                    let loop = stack[stack.lastIndex(of: next)!...] + [next]
                    let message = loop.count == 2
                        ? "template '\(name)' includes itself ('{{\(t.sigil!) \(next)}}'): it would be rendered without end"
                        : "templates include each other in a cycle (\(loop.joined(separator: " → "))): they would be rendered without end"
                    problems.append(Diagnostic(at: SourceLocation(file: path(name), line: t.line, column: t.column),
                                               id: .templatePartialCycle, message))
                case 2: continue
                default: visit(next)
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for name in tags.keys.sorted() where state[name] == nil { visit(name) }
        return problems
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
