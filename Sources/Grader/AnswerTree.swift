import Yams

/// The tree of an answer file: scalars, sequences and mappings with their line and column.
///
/// Answer files are small and shaped alike (the template's block mappings, with flow lists and
/// mappings as values), and a grading run reads thousands of them, so `AnswerTree.parse` reads that
/// shape directly and hands anything else (JSON, anchors, block scalars, a mistake) to Yams, which
/// also words every error. Both paths give the same tree; a test holds them to it.
indirect enum AnswerTree: Equatable {
    case scalar(String, plain: Bool, Position)
    case sequence([AnswerTree], Position)
    case mapping([(key: AnswerTree, value: AnswerTree)], Position)

    struct Position: Equatable {
        var line: Int
        var column: Int
    }

    var position: Position {
        switch self {
        case .scalar(_, _, let p), .sequence(_, let p), .mapping(_, let p): return p
        }
    }

    var string: String? {
        if case .scalar(let s, _, _) = self { return s }
        return nil
    }

    static func == (a: AnswerTree, b: AnswerTree) -> Bool {
        switch (a, b) {
        case let (.scalar(x, px, p), .scalar(y, py, q)):
            // Where an empty value "is" differs between readers and is never reported.
            if x.isEmpty && y.isEmpty && px && py { return true }
            return x == y && px == py && p == q
        case let (.sequence(x, p), .sequence(y, q)): return x == y && p == q
        case let (.mapping(x, p), .mapping(y, q)):
            return p == q && x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The same tree from Yams's nodes (the general path).
    init(_ node: Node) {
        let p = Position(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let s): self = .scalar(s.string, plain: s.style == .plain, p)
        case .sequence(let seq): self = .sequence(seq.map(AnswerTree.init), p)
        case .mapping(let m): self = .mapping(m.map { (AnswerTree($0.key), AnswerTree($0.value)) }, p)
        case .alias: self = .scalar("", plain: true, p)
        }
    }
}

/// The fast reader: block mappings and sequences, plain and quoted scalars, one-line flow lists and
/// flow mappings of scalars, comments. Returns nil for anything else, and the caller uses Yams.
struct FastAnswerReader {
    let lines: [[Unicode.Scalar]]
    var index = 0

    init?(_ text: String) {
        var out: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for u in text.unicodeScalars {
            if u == "\n" {
                if current.last == "\r" { current.removeLast() }
                out.append(current)
                current = []
            } else {
                current.append(u)
            }
        }
        if current.last == "\r" { current.removeLast() }
        out.append(current)
        lines = out
    }

    static func parse(_ text: String) -> AnswerTree? {
        if text.unicodeScalars.first == "\u{FEFF}" { return nil }
        guard var r = FastAnswerReader(text) else { return nil }
        r.skipBlank()
        guard r.index < r.lines.count else { return nil }
        let indent = r.indent(of: r.lines[r.index])
        guard indent == 0, let tree = r.block(indent: 0) else { return nil }
        r.skipBlank()
        return r.index == r.lines.count ? tree : nil
    }

    func indent(of line: [Unicode.Scalar]) -> Int {
        var i = 0
        while i < line.count, line[i] == " " { i += 1 }
        return i
    }

    /// Whether a line has nothing but spaces and a comment.
    func isBlank(_ line: [Unicode.Scalar]) -> Bool {
        let i = indent(of: line)
        return i == line.count || line[i] == "#"
    }

    mutating func skipBlank() {
        while index < lines.count, isBlank(lines[index]) { index += 1 }
    }

    /// A block mapping or sequence whose entries start at column `indent` + 1.
    mutating func block(indent: Int) -> AnswerTree? {
        skipBlank()
        guard index < lines.count else { return nil }
        let line = lines[index]
        guard self.indent(of: line) == indent, indent < line.count else { return nil }
        if line[indent] == "\t" { return nil }
        if line[indent] == "-" && (indent + 1 == line.count || line[indent + 1] == " ") { return sequence(indent: indent) }
        return mapping(indent: indent)
    }

    mutating func sequence(indent: Int) -> AnswerTree? {
        let start = AnswerTree.Position(line: index + 1, column: indent + 1)
        var items: [AnswerTree] = []
        while true {
            skipBlank()
            guard index < lines.count else { break }
            let line = lines[index]
            let i = self.indent(of: line)
            if i < indent { break }
            guard i == indent, line[i] == "-", i + 1 == line.count || line[i + 1] == " " else { return nil }
            var c = i + 1
            while c < line.count, line[c] == " " { c += 1 }
            if c == line.count || line[c] == "#" { return nil }  // nested blocks under '-': let Yams read them
            guard let (value, end) = inlineValue(line, from: c), restIsComment(line, from: end) else { return nil }
            items.append(value)
            index += 1
        }
        return .sequence(items, start)
    }

    mutating func mapping(indent: Int) -> AnswerTree? {
        let start = AnswerTree.Position(line: index + 1, column: indent + 1)
        var entries: [(key: AnswerTree, value: AnswerTree)] = []
        var seen: Set<String> = []
        while true {
            skipBlank()
            guard index < lines.count else { break }
            let line = lines[index]
            let i = self.indent(of: line)
            if i < indent { break }
            guard i == indent else { return nil }
            guard let (key, colon) = mappingKey(line, from: i), let name = key.string, seen.insert(name).inserted else { return nil }
            var c = colon + 1
            while c < line.count, line[c] == " " { c += 1 }
            if c == line.count || line[c] == "#" {
                // Nothing after the colon: a nested block, or an empty value.
                index += 1
                skipBlank()
                if index < lines.count {
                    let next = lines[index]
                    let ni = self.indent(of: next)
                    let isDash = ni < next.count && next[ni] == "-" && (ni + 1 == next.count || next[ni + 1] == " ")
                    if ni > indent || (ni == indent && isDash) {
                        guard let nested = block(indent: ni) else { return nil }
                        entries.append((key, nested))
                        continue
                    }
                }
                entries.append((key, .scalar("", plain: true, AnswerTree.Position(line: key.position.line, column: colon + 2))))
                continue
            }
            guard let (value, end) = inlineValue(line, from: c), restIsComment(line, from: end) else { return nil }
            entries.append((key, value))
            index += 1
        }
        return .mapping(entries, start)
    }

    /// A key and the index of its colon (followed by a space or the end of the line).
    func mappingKey(_ line: [Unicode.Scalar], from i: Int) -> (AnswerTree, Int)? {
        let pos = AnswerTree.Position(line: index + 1, column: i + 1)
        if line[i] == "\"" || line[i] == "'" {
            guard let (s, end) = quoted(line, from: i), end < line.count, line[end] == ":",
                  end + 1 == line.count || line[end + 1] == " " else { return nil }
            return (.scalar(s, plain: false, pos), end)
        }
        guard plainStart(line[i]) else { return nil }
        var c = i
        while c < line.count {
            if line[c] == ":" && (c + 1 == line.count || line[c + 1] == " ") { break }
            if line[c] == "#" && line[c - 1] == " " { return nil }
            c += 1
        }
        guard c < line.count else { return nil }
        let key = trimmed(line[i..<c])
        guard !key.isEmpty else { return nil }
        return (.scalar(key, plain: true, pos), c)
    }

    /// A value on the rest of a line: a flow list, a flow mapping, or a scalar; and where it ends.
    func inlineValue(_ line: [Unicode.Scalar], from i: Int) -> (AnswerTree, Int)? {
        let pos = AnswerTree.Position(line: index + 1, column: i + 1)
        switch line[i] {
        case "[":
            var items: [AnswerTree] = []
            var c = skipSpaces(line, i + 1)
            if c < line.count, line[c] == "]" { return (.sequence([], pos), c + 1) }
            while true {
                guard c < line.count, let (item, end) = flowScalar(line, from: c) else { return nil }
                items.append(item)
                c = skipSpaces(line, end)
                guard c < line.count else { return nil }
                if line[c] == "]" { return (.sequence(items, pos), c + 1) }
                guard line[c] == "," else { return nil }
                c = skipSpaces(line, c + 1)
            }
        case "{":
            var entries: [(key: AnswerTree, value: AnswerTree)] = []
            var seen: Set<String> = []
            var c = skipSpaces(line, i + 1)
            if c < line.count, line[c] == "}" { return (.mapping([], pos), c + 1) }
            while true {
                guard c < line.count, let (key, kEnd) = flowScalar(line, from: c), let name = key.string,
                      seen.insert(name).inserted else { return nil }
                c = skipSpaces(line, kEnd)
                guard c < line.count, line[c] == ":" else { return nil }
                c = skipSpaces(line, c + 1)
                guard c < line.count, line[c] != ",", line[c] != "}", let (value, vEnd) = flowScalar(line, from: c) else { return nil }
                entries.append((key, value))
                c = skipSpaces(line, vEnd)
                guard c < line.count else { return nil }
                if line[c] == "}" { return (.mapping(entries, pos), c + 1) }
                guard line[c] == "," else { return nil }
                c = skipSpaces(line, c + 1)
            }
        case "\"", "'":
            guard let (s, end) = quoted(line, from: i) else { return nil }
            return (.scalar(s, plain: false, pos), end)
        default:
            guard plainStart(line[i]), line[i] != "-" || (i + 1 < line.count && line[i + 1] != " ") else { return nil }
            var c = i
            while c < line.count {
                if line[c] == "#" && line[c - 1] == " " { break }
                if line[c] == ":" && (c + 1 == line.count || line[c + 1] == " ") { return nil }
                c += 1
            }
            return (.scalar(trimmed(line[i..<c]), plain: true, pos), c)
        }
    }

    /// A scalar inside `[...]` or `{...}`: quoted, or plain up to `,` `]` `}` (and `:` for keys).
    func flowScalar(_ line: [Unicode.Scalar], from i: Int) -> (AnswerTree, Int)? {
        let pos = AnswerTree.Position(line: index + 1, column: i + 1)
        if line[i] == "\"" || line[i] == "'" {
            guard let (s, end) = quoted(line, from: i) else { return nil }
            return (.scalar(s, plain: false, pos), end)
        }
        guard plainStart(line[i]), line[i] != "-" || (i + 1 < line.count && line[i + 1] != " ") else { return nil }
        var c = i
        while c < line.count, line[c] != ",", line[c] != "]", line[c] != "}" {
            if line[c] == ":" && (c + 1 == line.count || " ,]}".unicodeScalars.contains(line[c + 1])) { break }
            if line[c] == "[" || line[c] == "{" || (line[c] == "#" && line[c - 1] == " ") { return nil }
            c += 1
        }
        let s = trimmed(line[i..<c])
        guard !s.isEmpty else { return nil }
        return (.scalar(s, plain: true, pos), c)
    }

    /// A quoted scalar on one line; double quotes take the common escapes, single quotes `''`.
    func quoted(_ line: [Unicode.Scalar], from i: Int) -> (String, Int)? {
        let q = line[i]
        var out = String.UnicodeScalarView()
        var c = i + 1
        while c < line.count {
            let u = line[c]
            if u == q {
                if q == "'" && c + 1 < line.count && line[c + 1] == "'" { out.append("'"); c += 2; continue }
                return (String(out), c + 1)
            }
            if q == "\"" && u == "\\" {
                guard c + 1 < line.count else { return nil }
                switch line[c + 1] {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: return nil
                }
                c += 2
                continue
            }
            out.append(u)
            c += 1
        }
        return nil
    }

    /// Characters a plain scalar may start with here ('-' only when a non-space follows, checked by the caller).
    func plainStart(_ u: Unicode.Scalar) -> Bool {
        !"[]{}&*!|>%@`,?#:\t\"'\u{FEFF}".unicodeScalars.contains(u)
    }

    func skipSpaces(_ line: [Unicode.Scalar], _ i: Int) -> Int {
        var c = i
        while c < line.count, line[c] == " " { c += 1 }
        return c
    }

    func restIsComment(_ line: [Unicode.Scalar], from i: Int) -> Bool {
        let c = skipSpaces(line, i)
        return c == line.count || (line[c] == "#" && c > 0 && line[c - 1] == " ")
    }

    func trimmed(_ s: ArraySlice<Unicode.Scalar>) -> String {
        var a = s[...]
        while let f = a.first, f == " " { a = a.dropFirst() }
        while let l = a.last, l == " " { a = a.dropLast() }
        var v = String.UnicodeScalarView()
        v.append(contentsOf: a)
        return String(v)
    }
}
