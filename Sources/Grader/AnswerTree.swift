import Foundation
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
/// It works on UTF-8 bytes (every character it looks for is ASCII); columns count Unicode scalars,
/// as Yams's do.
struct FastAnswerReader {
    let bytes: [UInt8]
    /// Each line's byte range, without its line break.
    let lines: [Range<Int>]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var out: [Range<Int>] = []
        out.reserveCapacity(bytes.count / 24 + 2)
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // memchr finds each line break without looking at every byte in Swift.
            while start < buffer.count, let hit = memchr(base + start, 10, buffer.count - start) {
                let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                out.append(start..<(i > start && buffer[i - 1] == 13 ? i - 1 : i))
                start = i + 1
            }
        }
        out.append(start..<(bytes.count > start && bytes[bytes.count - 1] == 13 ? bytes.count - 1 : bytes.count))
        lines = out
    }

    static func parse(_ text: String) -> AnswerTree? { parse(Array(text.utf8)) }

    static func parse(_ bytes: [UInt8]) -> AnswerTree? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return nil }
        var r = FastAnswerReader(bytes)
        r.skipBlank()
        guard r.index < r.lines.count else { return nil }
        guard r.indent(r.lines[r.index]) == r.lines[r.index].lowerBound, let tree = r.block(indent: 0) else { return nil }
        r.skipBlank()
        return r.index == r.lines.count ? tree : nil
    }

    static let space: UInt8 = 32, hash: UInt8 = 35, colon: UInt8 = 58, dash: UInt8 = 45, comma: UInt8 = 44
    static let openBracket: UInt8 = 91, closeBracket: UInt8 = 93, openBrace: UInt8 = 123, closeBrace: UInt8 = 125
    static let dquote: UInt8 = 34, squote: UInt8 = 39, backslash: UInt8 = 92, tab: UInt8 = 9

    /// The first byte after the line's leading spaces.
    func indent(_ line: Range<Int>) -> Int {
        var i = line.lowerBound
        while i < line.upperBound, bytes[i] == Self.space { i += 1 }
        return i
    }

    func column(_ i: Int, in line: Range<Int>) -> Int {
        var n = 1
        for b in bytes[line.lowerBound..<i] where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    func position(_ i: Int) -> AnswerTree.Position {
        AnswerTree.Position(line: index + 1, column: column(i, in: lines[index]))
    }

    func isBlank(_ line: Range<Int>) -> Bool {
        let i = indent(line)
        return i == line.upperBound || bytes[i] == Self.hash
    }

    mutating func skipBlank() {
        while index < lines.count, isBlank(lines[index]) { index += 1 }
    }

    func isDash(_ line: Range<Int>, _ i: Int) -> Bool {
        i < line.upperBound && bytes[i] == Self.dash && (i + 1 == line.upperBound || bytes[i + 1] == Self.space)
    }

    /// A block mapping or sequence whose entries start `indent` bytes into their lines.
    mutating func block(indent: Int) -> AnswerTree? {
        skipBlank()
        guard index < lines.count else { return nil }
        let line = lines[index]
        let i = self.indent(line)
        guard i - line.lowerBound == indent, i < line.upperBound, bytes[i] != Self.tab else { return nil }
        return isDash(line, i) ? sequence(indent: indent) : mapping(indent: indent)
    }

    mutating func sequence(indent: Int) -> AnswerTree? {
        let start = position(lines[index].lowerBound + indent)
        var items: [AnswerTree] = []
        while true {
            skipBlank()
            guard index < lines.count else { break }
            let line = lines[index]
            let i = self.indent(line)
            if i - line.lowerBound < indent { break }
            guard i - line.lowerBound == indent, isDash(line, i) else { return nil }
            let c = skipSpaces(line, i + 1)
            if c == line.upperBound || bytes[c] == Self.hash { return nil }  // nested blocks under '-': let Yams read them
            guard let (value, end) = inlineValue(line, from: c), restIsComment(line, from: end) else { return nil }
            items.append(value)
            index += 1
        }
        return .sequence(items, start)
    }

    mutating func mapping(indent: Int) -> AnswerTree? {
        let start = position(lines[index].lowerBound + indent)
        var entries: [(key: AnswerTree, value: AnswerTree)] = []
        var names: [String] = []
        var seen: Set<String> = []
        while true {
            skipBlank()
            guard index < lines.count else { break }
            let line = lines[index]
            let i = self.indent(line)
            if i - line.lowerBound < indent { break }
            guard i - line.lowerBound == indent else { return nil }
            guard let (key, colon) = mappingKey(line, from: i), let name = key.string, Self.isNew(name, &names, &seen) else { return nil }
            let c = skipSpaces(line, colon + 1)
            if c == line.upperBound || bytes[c] == Self.hash {
                // Nothing after the colon: a nested block, or an empty value.
                let emptyAt = AnswerTree.Position(line: index + 1, column: column(colon, in: line) + 1)
                index += 1
                skipBlank()
                if index < lines.count {
                    let next = lines[index]
                    let ni = self.indent(next) - next.lowerBound
                    if ni > indent || (ni == indent && isDash(next, next.lowerBound + ni)) {
                        guard let nested = block(indent: ni) else { return nil }
                        entries.append((key, nested))
                        continue
                    }
                }
                entries.append((key, .scalar("", plain: true, emptyAt)))
                continue
            }
            guard let (value, end) = inlineValue(line, from: c), restIsComment(line, from: end) else { return nil }
            entries.append((key, value))
            index += 1
        }
        return .mapping(entries, start)
    }

    /// Whether a key is not yet in the mapping (and notes it): compared directly while the mapping
    /// is small, hashed once it grows.
    static func isNew(_ name: String, _ names: inout [String], _ seen: inout Set<String>) -> Bool {
        if names.count < 16 {
            if names.contains(name) { return false }
        } else {
            if seen.isEmpty { seen = Set(names) }
            if !seen.insert(name).inserted { return false }
        }
        names.append(name)
        return true
    }

    func colonEnds(_ line: Range<Int>, _ c: Int) -> Bool {
        bytes[c] == Self.colon && (c + 1 == line.upperBound || bytes[c + 1] == Self.space)
    }

    /// A key and the index of its colon (followed by a space or the end of the line).
    func mappingKey(_ line: Range<Int>, from i: Int) -> (AnswerTree, Int)? {
        guard let (key, plain, colon) = mappingKeyText(line, from: i) else { return nil }
        return (.scalar(key, plain: plain, position(i)), colon)
    }

    /// A key's text, whether it was plain, and the index of its colon.
    func mappingKeyText(_ line: Range<Int>, from i: Int) -> (String, plain: Bool, colon: Int)? {
        if bytes[i] == Self.dquote || bytes[i] == Self.squote {
            guard let (s, end) = quoted(line, from: i), end < line.upperBound, colonEnds(line, end) else { return nil }
            return (s, false, end)
        }
        guard plainStart(bytes[i]), !isDash(line, i) else { return nil }
        var c = i
        while c < line.upperBound {
            if colonEnds(line, c) { break }
            if bytes[c] == Self.hash && bytes[c - 1] == Self.space { return nil }
            c += 1
        }
        guard c < line.upperBound else { return nil }
        let key = trimmed(i..<c)
        guard !key.isEmpty else { return nil }
        return (key, true, c)
    }

    /// A value on the rest of a line: a flow list, a flow mapping, or a scalar; and where it ends.
    func inlineValue(_ line: Range<Int>, from i: Int) -> (AnswerTree, Int)? {
        let pos = position(i)
        let node = { (s: String, plain: Bool, at: Int) in AnswerTree.scalar(s, plain: plain, self.position(at)) }
        switch bytes[i] {
        case Self.openBracket:
            guard let (items, end) = flowList(line, from: i, node) else { return nil }
            return (.sequence(items, pos), end)
        case Self.openBrace:
            var entries: [(key: AnswerTree, value: AnswerTree)] = []
            var names: [String] = []
            var seen: Set<String> = []
            guard let end = flowMapping(line, from: i, { k, kp, ka, v, vp, va in
                guard Self.isNew(k, &names, &seen) else { return false }
                entries.append((node(k, kp, ka), node(v, vp, va)))
                return true
            }) else { return nil }
            return (.mapping(entries, pos), end)
        case Self.dquote, Self.squote:
            guard let (s, end) = quoted(line, from: i) else { return nil }
            return (.scalar(s, plain: false, pos), end)
        default:
            guard let (s, end) = plainScalarText(line, from: i) else { return nil }
            return (.scalar(s, plain: true, pos), end)
        }
    }

    /// A plain scalar filling the rest of the line (up to a comment); nil if it holds `: `.
    func plainScalarText(_ line: Range<Int>, from i: Int) -> (String, Int)? {
        guard let (_, end) = plainEnd(line, from: i) else { return nil }
        return (trimmed(i..<end), end)
    }

    /// Where a plain scalar that starts at `i` ends (a comment or the end of the line).
    func plainEnd(_ line: Range<Int>, from i: Int) -> (Int, Int)? {
        guard plainStart(bytes[i]), !isDash(line, i) else { return nil }
        var c = i
        while c < line.upperBound {
            if bytes[c] == Self.hash && bytes[c - 1] == Self.space { break }
            if colonEnds(line, c) { return nil }
            c += 1
        }
        return (i, c)
    }

    /// `[a, b, ...]` on one line from its `[`: each item made by `make(text, plain, start)`; and
    /// the index after the `]`.
    func flowList<T>(_ line: Range<Int>, from i: Int, _ make: (String, Bool, Int) -> T) -> ([T], Int)? {
        var items: [T] = []
        var c = skipSpaces(line, i + 1)
        if c < line.upperBound, bytes[c] == Self.closeBracket { return ([], c + 1) }
        while true {
            guard c < line.upperBound, let (s, plain, end) = flowScalarText(line, from: c) else { return nil }
            items.append(make(s, plain, c))
            c = skipSpaces(line, end)
            guard c < line.upperBound else { return nil }
            if bytes[c] == Self.closeBracket { return (items, c + 1) }
            guard bytes[c] == Self.comma else { return nil }
            c = skipSpaces(line, c + 1)
        }
    }

    /// `{k: v, ...}` on one line from its `{`: `visit(key, keyPlain, keyStart, value, valuePlain,
    /// valueStart)` for each pair, which returns false to refuse it (a key written twice); and the
    /// index after the `}`.
    func flowMapping(_ line: Range<Int>, from i: Int, _ visit: (String, Bool, Int, String, Bool, Int) -> Bool) -> Int? {
        var c = skipSpaces(line, i + 1)
        if c < line.upperBound, bytes[c] == Self.closeBrace { return c + 1 }
        while true {
            guard c < line.upperBound, let (name, kPlain, kEnd) = flowScalarText(line, from: c) else { return nil }
            let keyStart = c
            c = skipSpaces(line, kEnd)
            guard c < line.upperBound, bytes[c] == Self.colon else { return nil }
            c = skipSpaces(line, c + 1)
            guard c < line.upperBound, bytes[c] != Self.comma, bytes[c] != Self.closeBrace,
                  let (v, vPlain, vEnd) = flowScalarText(line, from: c), visit(name, kPlain, keyStart, v, vPlain, c) else { return nil }
            c = skipSpaces(line, vEnd)
            guard c < line.upperBound else { return nil }
            if bytes[c] == Self.closeBrace { return c + 1 }
            guard bytes[c] == Self.comma else { return nil }
            c = skipSpaces(line, c + 1)
        }
    }

    /// A scalar inside `[...]` or `{...}`: quoted, or plain up to `,` `]` `}` or a `:` that ends a key.
    func flowScalar(_ line: Range<Int>, from i: Int) -> (AnswerTree, Int)? {
        guard let (s, plain, end) = flowScalarText(line, from: i) else { return nil }
        return (.scalar(s, plain: plain, position(i)), end)
    }

    func flowScalarText(_ line: Range<Int>, from i: Int) -> (String, plain: Bool, end: Int)? {
        if bytes[i] == Self.dquote || bytes[i] == Self.squote {
            guard let (s, end) = quoted(line, from: i) else { return nil }
            return (s, false, end)
        }
        guard plainStart(bytes[i]), !isDash(line, i) else { return nil }
        var c = i
        while c < line.upperBound, bytes[c] != Self.comma, bytes[c] != Self.closeBracket, bytes[c] != Self.closeBrace {
            if bytes[c] == Self.colon {
                if c + 1 == line.upperBound { break }
                let n = bytes[c + 1]
                if n == Self.space || n == Self.comma || n == Self.closeBracket || n == Self.closeBrace { break }
            }
            if bytes[c] == Self.openBracket || bytes[c] == Self.openBrace || (bytes[c] == Self.hash && bytes[c - 1] == Self.space) { return nil }
            c += 1
        }
        let s = trimmed(i..<c)
        guard !s.isEmpty else { return nil }
        return (s, true, c)
    }

    /// A quoted scalar on one line; double quotes take the common escapes, single quotes `''`.
    func quoted(_ line: Range<Int>, from i: Int) -> (String, Int)? {
        let q = bytes[i]
        var out: [UInt8] = []
        var c = i + 1
        while c < line.upperBound {
            let b = bytes[c]
            if b == q {
                if q == Self.squote && c + 1 < line.upperBound && bytes[c + 1] == Self.squote { out.append(Self.squote); c += 2; continue }
                return (String(decoding: out, as: UTF8.self), c + 1)
            }
            if q == Self.dquote && b == Self.backslash {
                guard c + 1 < line.upperBound else { return nil }
                switch bytes[c + 1] {
                case Self.dquote: out.append(Self.dquote)
                case Self.backslash: out.append(Self.backslash)
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                default: return nil
                }
                c += 2
                continue
            }
            out.append(b)
            c += 1
        }
        return nil
    }

    /// Bytes a plain scalar may start with here ('-' only when a non-space follows: see `isDash`).
    func plainStart(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"),
             UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"),
             UInt8(ascii: ","), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: ":"), Self.tab, Self.dquote, Self.squote, Self.space:
            return false
        default:
            return true
        }
    }

    func skipSpaces(_ line: Range<Int>, _ i: Int) -> Int {
        var c = i
        while c < line.upperBound, bytes[c] == Self.space { c += 1 }
        return c
    }

    func restIsComment(_ line: Range<Int>, from i: Int) -> Bool {
        let c = skipSpaces(line, i)
        return c == line.upperBound || (bytes[c] == Self.hash && c > line.lowerBound && bytes[c - 1] == Self.space)
    }

    /// `trimmed(r).trimmed()`: spaces as YAML trims them, then any whitespace as `String.trimmed`
    /// does, on bytes while the ends are ASCII.
    func trimmedAll(_ r: Range<Int>) -> String {
        func isSpace(_ b: UInt8) -> Bool { b == Self.space || (b >= 9 && b <= 13) }
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
        let s = String(decoding: bytes[lo..<hi], as: UTF8.self)
        return lo < hi && (bytes[lo] >= 0x80 || bytes[hi - 1] >= 0x80) ? s.trimmed() : s
    }

    func trimmed(_ r: Range<Int>) -> String {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, bytes[lo] == Self.space { lo += 1 }
        while hi > lo, bytes[hi - 1] == Self.space { hi -= 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}
