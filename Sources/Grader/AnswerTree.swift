import CourseModel
import Foundation
import SourceFiles
import Yams

/// The tree of an answer file: scalars, sequences and mappings with their line and column, and
/// the entries that could not be read (`broken`), each with its diagnostic.
///
/// A mapping is a list of pairs, not a dictionary, so that a key written twice survives reading
/// and costs only its own question (`AnswerSheet` decides what a repeated key means).
///
/// Not `indirect`: the arrays already hold the children out of line, so only `broken` (whose
/// diagnostic is large) is boxed. Boxing every node made the general way about a third slower
/// (`SOCKLAB_BENCH_PARSE_ONLY=10` on 1,000 bench files with the fast path switched off, three
/// alternations: 1,108 / 914 / 1,027 µs per file boxed, 802 / 801 / 549 µs unboxed).
enum AnswerTree: Equatable {
    case scalar(String, plain: Bool, Position)
    case sequence([AnswerTree], Position)
    case mapping([(key: AnswerTree, value: AnswerTree)], Position)
    /// Lines that could not be read: the value as written (for reports) and why.
    indirect case broken(String, Diagnostic, Position)

    struct Position: Equatable {
        var line: Int
        var column: Int
    }

    var position: Position {
        switch self {
        case .scalar(_, _, let p), .sequence(_, let p), .mapping(_, let p), .broken(_, _, let p): return p
        }
    }

    var string: String? {
        if case .scalar(let s, _, _) = self { return s }
        return nil
    }

    /// Node by node, positions included (a tuple array cannot synthesise it).
    static func == (a: AnswerTree, b: AnswerTree) -> Bool {
        switch (a, b) {
        case let (.scalar(x, px, p), .scalar(y, py, q)): return x == y && px == py && p == q
        case let (.sequence(x, p), .sequence(y, q)): return x == y && p == q
        case let (.mapping(x, p), .mapping(y, q)):
            return p == q && x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.broken(x, d, p), .broken(y, e, q)): return x == y && d == e && p == q
        default: return false
        }
    }

    /// The same tree from Yams's nodes, lines shifted by `lineOffset` (a fragment of the file).
    /// Its size is bounded: `AnswerSheet.compose` holds every text to `YAMLBudget` first, which
    /// counts aliases as the nodes they stand for.
    init(_ node: Node, lineOffset: Int = 0) {
        let p = Position(line: (node.mark?.line ?? 1) + lineOffset, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let s): self = .scalar(s.string, plain: s.style == .plain, p)
        case .sequence(let seq): self = .sequence(seq.map { AnswerTree($0, lineOffset: lineOffset) }, p)
        case .mapping(let m): self = .mapping(m.map { (AnswerTree($0.key, lineOffset: lineOffset), AnswerTree($0.value, lineOffset: lineOffset)) }, p)
        case .alias: self = .scalar("", plain: true, p)
        }
    }
}

/// The answer-file reader: block mappings by their lines, each value either read on its line
/// (plain and quoted scalars, one-line flow lists and mappings: what the template asks for) or,
/// for anything else, by Yams on that entry's lines alone.
///
/// Reading entry by entry is what keeps one slip to one question: a line Yams cannot read costs
/// the entry it belongs to (a `broken` node with Yams's diagnostic), a line indented wrongly or
/// without its colon costs the key on it, and every other line is still read. A file whose top
/// level is not a block mapping (JSON, a `---` document) gives nil: Yams reads it whole.
///
/// It works on UTF-8 bytes (every character it looks for is ASCII); columns count Unicode
/// scalars, as Yams's do.
struct AnswerLineReader {
    let bytes: [UInt8]
    let file: String
    /// Each line's byte range, without its line break.
    let lines: [Range<Int>]
    /// Lines that are not valid UTF-8 (nil when the whole file is).
    let badLines: Set<Int>?
    var index = 0
    /// Entries handed to Yams so far; past `maxFragments` they are not tried (a hostile file of
    /// 100,000 odd lines must not cost 100,000 parser runs).
    var fragments = 0
    static let maxFragments = 1_000

    init(_ bytes: [UInt8], file: String, validUTF8: Bool = true) {
        self.bytes = bytes
        self.file = file
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
        badLines = validUTF8 ? nil : Set(out.indices.filter { String(validating: bytes[out[$0]], as: UTF8.self) == nil })
    }

    /// The file's tree, or nil when its top level is not a block mapping.
    static func read(_ bytes: [UInt8], file: String, validUTF8: Bool = true) -> AnswerTree? {
        var r = AnswerLineReader(bytes, file: file, validUTF8: validUTF8)
        r.skipBlank()
        guard r.index < r.lines.count else { return nil }
        let line = r.lines[r.index]
        let i = r.indent(line)
        guard i < line.upperBound, !r.tabIndented(line), !r.isDash(line, i), r.mappingKeyText(line, from: i) != nil,
              !r.bytes[line].starts(with: Array("---".utf8)), r.badLines?.contains(r.index) != true else { return nil }
        return r.mapping(parent: -1)
    }

    static let space: UInt8 = 32, hash: UInt8 = 35, colon: UInt8 = 58, dash: UInt8 = 45, comma: UInt8 = 44
    static let openBracket: UInt8 = 91, closeBracket: UInt8 = 93, openBrace: UInt8 = 123, closeBrace: UInt8 = 125
    static let dquote: UInt8 = 34, squote: UInt8 = 39, backslash: UInt8 = 92, tab: UInt8 = 9

    // MARK: - Lines and blocks

    /// The first byte after the line's leading spaces.
    func indent(_ line: Range<Int>) -> Int {
        var i = line.lowerBound
        while i < line.upperBound, bytes[i] == Self.space { i += 1 }
        return i
    }

    func width(_ line: Range<Int>) -> Int { indent(line) - line.lowerBound }

    func column(_ i: Int, in line: Range<Int>) -> Int {
        var n = 1
        for b in bytes[line.lowerBound..<i] where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    func position(_ i: Int) -> AnswerTree.Position {
        AnswerTree.Position(line: index + 1, column: column(i, in: lines[index]))
    }

    func location(_ p: AnswerTree.Position) -> SourceLocation { SourceLocation(file: file, line: p.line, column: p.column) }

    func isBlank(_ line: Range<Int>) -> Bool {
        var i = line.lowerBound
        while i < line.upperBound, bytes[i] == Self.space || bytes[i] == Self.tab { i += 1 }
        return i == line.upperBound || bytes[i] == Self.hash
    }

    /// Whether a line's indentation holds a tab or a space that is not U+0020 (a no-break space
    /// pasted from a web page, an ideographic space typed in a Korean input method): YAML
    /// indents with spaces only.
    func tabIndented(_ line: Range<Int>) -> Bool {
        oddSpaceEnd(line, from: indent(line)) != nil
    }

    /// The end of a run of tabs and Unicode spaces starting at `i`, if there is one.
    func oddSpaceEnd(_ line: Range<Int>, from i: Int) -> Int? {
        var c = i
        while c < line.upperBound {
            if bytes[c] == Self.tab { c += 1; continue }
            if bytes[c] == Self.space, c > i { c += 1; continue }
            if bytes[c] == 0xC2, c + 1 < line.upperBound, bytes[c + 1] == 0xA0 { c += 2; continue }
            if bytes[c] == 0xE3, c + 2 < line.upperBound, bytes[c + 1] == 0x80, bytes[c + 2] == 0x80 { c += 3; continue }
            if bytes[c] == 0xE2, c + 2 < line.upperBound, bytes[c + 1] == 0x80, (0x80...0x8B).contains(bytes[c + 2]) { c += 3; continue }
            break
        }
        return c > i ? c : nil
    }

    mutating func skipBlank() {
        while index < lines.count, isBlank(lines[index]) { index += 1 }
    }

    func isDash(_ line: Range<Int>, _ i: Int) -> Bool {
        i < line.upperBound && bytes[i] == Self.dash && (i + 1 == line.upperBound || bytes[i + 1] == Self.space)
    }

    /// The end of the entry on line `start` (indented `w`): the next line with content indented
    /// `w` or less, except block-list items (`- `) at `w` when the entry's value is empty.
    func extentEnd(_ start: Int, width w: Int, listsAtSameIndent: Bool) -> Int {
        var j = start + 1
        while j < lines.count {
            let l = lines[j]
            if !isBlank(l) {
                let lw = width(l)
                if lw < w || (lw == w && !(listsAtSameIndent && isDash(l, l.lowerBound + lw))) { break }
            }
            j += 1
        }
        return j
    }

    /// The first line with content in `from..<to`, if any.
    func firstContent(_ from: Int, _ to: Int) -> Int? {
        var j = from
        while j < to {
            if !isBlank(lines[j]) { return j }
            j += 1
        }
        return nil
    }

    /// A block mapping whose entries are indented more than `parent`, at the first one's indentation.
    ///
    /// The block's indentation is its first line's, unless that makes lines of the block wrongly
    /// indented: then each other indentation its `key:` lines have is tried, and the one that
    /// finds the fewest wrongly indented lines wins (so one line indented too far at the top of
    /// a block costs itself, not every line after it).
    mutating func mapping(parent: Int) -> AnswerTree {
        skipBlank()
        let from = index
        let firstWidth = width(lines[index])
        var best = mapping(parent: parent, expected: firstWidth)
        guard best.misindented > 0 else { return best.tree }
        let end = index
        var widths: [Int] = []
        for j in from..<end where !isBlank(lines[j]) && !tabIndented(lines[j]) {
            let w = width(lines[j])
            if w > parent, w != firstWidth, !widths.contains(w), mappingKeyText(lines[j], from: lines[j].lowerBound + w) != nil { widths.append(w) }
            if widths.count == 4 { break }
        }
        for w in widths {
            let saved = self
            index = from
            let other = mapping(parent: parent, expected: w)
            if other.misindented < best.misindented && index == end {
                best = other
            } else {
                self = saved
            }
        }
        index = end
        return best.tree
    }

    /// The block read with its entries at `expected` spaces, and how many of its lines were not.
    mutating func mapping(parent: Int, expected: Int) -> (tree: AnswerTree, misindented: Int) {
        let start = position(lines[index].lowerBound + width(lines[index]))
        var entries: [(key: AnswerTree, value: AnswerTree)] = []
        var misindented = 0
        while true {
            skipBlank()
            guard index < lines.count else { break }
            let line = lines[index]
            let w = width(line)
            // A line indented with a tab belongs to the block it stands in, and costs only itself.
            if w <= parent && !tabIndented(line) { break }
            if w > expected, !tabIndented(line), mappingKeyText(line, from: line.lowerBound + w) != nil {
                // Lines indented deeper than their block after a one-line value: the rest of a
                // block that a wrongly indented line interrupted. They go back where their
                // indentation puts them (the last block at that depth), each read as usual.
                let at = index
                guard case .mapping(let orphans, _) = mapping(parent: w - 1) else { continue }
                if let (k, merged) = entries.indices.reversed().lazy.compactMap({ k in Self.adopt(orphans, indent: w, into: entries[k]).map { (k, $0) } }).first {
                    entries[k].value = merged
                } else {
                    let d = Diagnostic(at: SourceLocation(file: file, line: at + 1), id: .answerIndentation,
                                       "\(at + 1)번째 줄이 \(w)칸 들여 쓰여 있어, 이 줄이 속한 블록(\(expected)칸)보다 깊습니다")
                    entries += orphans.map { ($0.key, AnswerTree.broken(SheetBuilder.flatten($0.value), d, $0.value.position)) }
                    misindented += orphans.count
                }
                continue
            }
            if w != expected, !tabIndented(line) { misindented += 1 }
            entries.append(entry(line, width: w, expected: expected))
        }
        return (.mapping(entries, start), misindented)
    }

    /// `tree` with `orphans` added to its last mapping whose entries are indented `indent`
    /// (searching through the last entry of each level), or nil when it has none.
    /// An entry with nothing after its colon (`answers:` whose first line went wrong) takes them
    /// as its block.
    static func adopt(_ orphans: [(key: AnswerTree, value: AnswerTree)], indent: Int, into entry: (key: AnswerTree, value: AnswerTree)) -> AnswerTree? {
        switch entry.value {
        case .scalar("", true, _) where entry.key.position.column - 1 < indent:
            return .mapping(orphans, orphans[0].key.position)
        case .mapping(var pairs, let p):
            if p.column - 1 == indent { return .mapping(pairs + orphans, p) }
            guard p.column - 1 < indent, let last = pairs.indices.last, let merged = adopt(orphans, indent: indent, into: pairs[last]) else { return nil }
            pairs[last].value = merged
            return .mapping(pairs, p)
        default:
            return nil
        }
    }

    /// One `key: value` entry starting on the current line; the reader moves past its lines.
    mutating func entry(_ line: Range<Int>, width w: Int, expected: Int) -> (key: AnswerTree, value: AnswerTree) {
        if let i = oddSpaceEnd(line, from: indent(line)) {
            let key = AnswerTree.scalar(mappingKeyText(line, from: i)?.0 ?? guessedKey(line, from: i), plain: true, position(i))
            let value = broken(from: i, end: index + 1, id: .answerIndentation,
                               "\(index + 1)번째 줄이 탭이나 일반 공백이 아닌 빈칸으로 들여 쓰여 있습니다. YAML은 공백 문자로만 들여 씁니다",
                               notes: ["옆 줄들처럼 공백 문자로 들여 쓰세요"])
            index += 1
            return (key, value)
        }
        let i = line.lowerBound + w
        let keyText = mappingKeyText(line, from: i)
        let valueStart = keyText.map { skipSpaces(line, $0.colon + 1) } ?? i
        let emptyValue = keyText != nil && (valueStart == line.upperBound || bytes[valueStart] == Self.hash)
        // A line indented less than its block still ends where the block's next line starts.
        var end = extentEnd(index, width: max(w, expected), listsAtSameIndent: emptyValue && w == expected)
        // Deeper lines belong to this entry when it opens a block (nothing after its colon) or
        // starts a value that goes on (an open `[`, a quote, `|`). Otherwise a deeper `key:` line
        // cannot be part of it: it is a line indented too far, or the rest of a block that this
        // wrongly indented line interrupted, and is read on its own (see `mapping`).
        let opensBlock = keyText != nil && w == expected
            && (emptyValue || ("[{|>\"'".utf8.contains(bytes[valueStart]) && !(inlineValue(line, from: valueStart).map { restIsComment(line, from: $0.1) } ?? false)))
        if !opensBlock {
            var j = index + 1
            while j < end, isBlank(lines[j]) || mappingKeyText(lines[j], from: indent(lines[j])) == nil { j += 1 }
            end = j
        }
        let key = AnswerTree.scalar(keyText?.0 ?? guessedKey(line, from: i), plain: keyText?.plain ?? true, position(i))
        if emptyValue, w == expected, badLines?.contains(index) != true, let next = firstContent(index + 1, end) {
            let nl = lines[next]
            if width(nl) > w, !isDash(nl, indent(nl)), startsMapping(next, end: end) {
                // A nested block mapping (an exercise, its answers): read line by line in turn.
                index = next
                return (key, mapping(parent: w))
            }
        }
        let value = self.value(line, at: i, width: w, expected: expected, keyText: keyText, valueStart: valueStart, end: end)
        index = end
        return (key, value)
    }

    /// Whether the nested lines from `next` are a block mapping: the first is a `key:` line, or
    /// one of the next few at its indentation is (the first lost its colon).
    func startsMapping(_ next: Int, end: Int) -> Bool {
        var seen = 0
        var j = next
        while j < end, seen < 4 {
            let l = lines[j]
            if !isBlank(l) {
                if mappingKeyText(l, from: indent(l)) != nil { return true }
                seen += 1
            }
            j += 1
        }
        return false
    }

    /// The value of the entry on the current line whose lines end before line `end`.
    mutating func value(_ line: Range<Int>, at i: Int, width w: Int, expected: Int, keyText: (String, plain: Bool, colon: Int)?,
                        valueStart: Int, end: Int) -> AnswerTree {
        if let bad = (index..<end).first(where: { badLines?.contains($0) == true }) {
            return broken(from: valueStart, end: end, id: .answerNotUTF8, "\(bad + 1)번째 줄이 UTF-8 텍스트가 아닙니다", notes: ["파일을 UTF-8로 저장하세요"])
        }
        if w != expected {
            return broken(from: valueStart, end: end, id: .answerIndentation,
                          "\(index + 1)번째 줄은 \(w)칸, 옆 줄들은 \(expected)칸 들여 쓰여 있습니다",
                          notes: ["같은 블록의 다른 줄과 똑같이 들여 쓰세요"])
        }
        guard let (_, _, colon) = keyText else {
            return broken(from: i, end: end, id: .answerMalformed, "\(index + 1)번째 줄이 `키: 값` 꼴이 아닙니다",
                          notes: ["ID, 쌍점, 공백, 답 순서로 쓰세요: `id: 답`"])
        }
        guard let next = firstContent(index + 1, end) ?? (valueStart == line.upperBound || bytes[valueStart] == Self.hash ? nil : index) else {
            return .scalar("", plain: true, AnswerTree.Position(line: index + 1, column: column(colon, in: line) + 1))
        }
        if next == index, let (value, valueEnd) = inlineValue(line, from: valueStart), restIsComment(line, from: valueEnd) {
            return value
        }
        return fragment(from: valueStart, end: end)
    }

    /// The entry on the current line (through line `end`) read by Yams, for a value this reader
    /// does not read on its line (a block list, a multi-line value, an anchor, a mistake).
    mutating func fragment(from valueStart: Int, end: Int) -> AnswerTree {
        let line = lines[index]
        fragments += 1
        guard fragments <= Self.maxFragments else {
            return broken(from: valueStart, end: end, id: .answerTooComplex,
                          "\(index + 1)번째 줄을 읽지 않았습니다: 이 파일에는 템플릿 꼴이 아닌 항목이 \(Self.maxFragments)개보다 많습니다")
        }
        // Through the line break after the entry's last line, if it has one (a value cut off at
        // the very end of the file is said to be truncated).
        let text = String(decoding: bytes[line.lowerBound..<(end < lines.count ? lines[end].lowerBound : bytes.count)], as: UTF8.self)
        let offset = index
        do throws(DiagnosticError) {
            guard let node = try AnswerSheet.compose(text, file: file) else { return .scalar("", plain: true, position(valueStart)) }
            guard case .mapping(let m) = node, let value = m.first?.value else {
                return broken(from: valueStart, end: end, id: .answerMalformed, "\(index + 1)번째 줄이 `키: 값` 꼴이 아닙니다")
            }
            return AnswerTree(value, lineOffset: offset)
        } catch {
            var d = error.diagnostics.first ?? Diagnostic(at: SourceLocation(file: file), id: .answerMalformed, "YAML로 읽을 수 없습니다")
            if let l = d.location.line { d.location.line = min(l + offset, end) }
            if valueStart < line.upperBound, let hint = Self.quotingHint(bytes[valueStart]) { d.notes.append(hint) }
            return .broken(displayText(from: valueStart, end: end), d, position(valueStart))
        }
    }

    /// The advice for a value that starts with a character YAML reads as syntax.
    static func quotingHint(_ b: UInt8) -> String? {
        switch b {
        case UInt8(ascii: "*"), UInt8(ascii: "&"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "%"),
             UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "?"), UInt8(ascii: ","):
            let c = Character(Unicode.Scalar(b))
            return "값 맨 앞의 `\(c == "`" ? "'" : String(c))` 문자를 YAML은 문법으로 읽습니다: 답을 따옴표로 감싸세요. 예: `\"\(c == "*" ? "*:80" : c == "`" ? "'..." : "\(c)...")\"`"
        default: return nil
        }
    }

    func broken(from i: Int, end: Int, id: DiagnosticID, _ message: String, notes: [String] = []) -> AnswerTree {
        let line = lines[index]
        let d = Diagnostic(at: SourceLocation(file: file, line: index + 1, column: column(min(i, line.upperBound), in: line)), id: id, message, notes: notes)
        return .broken(displayText(from: i, end: end), d, position(min(i, line.upperBound)))
    }

    /// What was written from `i` to the end of its line (a report shows it as the answer).
    func displayText(from i: Int, end: Int) -> String {
        let line = lines[index]
        var stop = line.upperBound
        var c = i
        while c < line.upperBound {
            if bytes[c] == Self.hash && c > line.lowerBound && bytes[c - 1] == Self.space { stop = c; break }
            c += 1
        }
        return trimmed(min(i, line.upperBound)..<stop)
    }

    /// The word a line without a colon starts with (`segments [SYN, ACK]` is most likely the
    /// answer to `segments`), so that the slip is charged to that question.
    func guessedKey(_ line: Range<Int>, from i: Int) -> String {
        var c = i
        while c < line.upperBound, bytes[c] != Self.space, bytes[c] != Self.colon, bytes[c] != Self.tab,
              bytes[c] != Self.openBracket, bytes[c] != Self.openBrace, bytes[c] != Self.hash { c += 1 }
        return trimmed(i..<c)
    }

    // MARK: - Values on one line

    func colonEnds(_ line: Range<Int>, _ c: Int) -> Bool {
        bytes[c] == Self.colon && (c + 1 == line.upperBound || bytes[c + 1] == Self.space)
    }

    /// A key's text, whether it was plain, and the index of its colon (followed by a space or
    /// the end of the line).
    func mappingKeyText(_ line: Range<Int>, from i: Int) -> (String, plain: Bool, colon: Int)? {
        guard i < line.upperBound else { return nil }
        if bytes[i] == Self.dquote || bytes[i] == Self.squote {
            guard let (s, end) = quoted(line, from: i) else { return nil }
            let c = skipSpaces(line, end)
            guard c < line.upperBound, colonEnds(line, c) else { return nil }
            return (s, false, c)
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

    /// A plain scalar filling the rest of the line (up to a comment); nil if it holds `: `.
    func plainScalarText(_ line: Range<Int>, from i: Int) -> (String, Int)? {
        guard plainStart(bytes[i]), !isDash(line, i) else { return nil }
        var c = i
        while c < line.upperBound {
            if bytes[c] == Self.hash && bytes[c - 1] == Self.space { break }
            if colonEnds(line, c) { return nil }
            c += 1
        }
        return (trimmed(i..<c), c)
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

    func trimmed(_ r: Range<Int>) -> String {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, bytes[lo] == Self.space { lo += 1 }
        while hi > lo, bytes[hi - 1] == Self.space { hi -= 1 }
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}
