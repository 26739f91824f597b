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
    case mapping([Pair], Position)
    /// Lines that could not be read: the value as written (for reports) and why.
    indirect case broken(String, Diagnostic, Position)

    struct Position: Equatable {
        var line: Int
        var column: Int
    }

    /// One `key: value` of a mapping.
    struct Pair: Equatable {
        var key: AnswerTree
        var value: AnswerTree
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

    /// The same tree from Yams's nodes, lines shifted by `lineOffset` (a fragment of the file).
    /// Its size is bounded: `AnswerSheet.compose` holds every text to `YAMLBudget` first, which
    /// counts aliases as the nodes they stand for.
    init(_ node: Node, lineOffset: Int = 0) {
        let p = Position(line: (node.mark?.line ?? 1) + lineOffset, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let s): self = .scalar(s.string, plain: s.style == .plain, p)
        case .sequence(let seq): self = .sequence(seq.map { AnswerTree($0, lineOffset: lineOffset) }, p)
        case .mapping(let m): self = .mapping(m.map { Pair(key: AnswerTree($0.key, lineOffset: lineOffset), value: AnswerTree($0.value, lineOffset: lineOffset)) }, p)
        case .alias: self = .scalar("", plain: true, p)
        }
    }
}

/// The general answer-file reader: it cuts a block-mapping file into its entries by their lines
/// and indentation, and has Yams (`AnswerSheet.compose`) read each entry's value.
///
/// Cutting by lines is what keeps one slip to one question: Yams stops at a file's first error,
/// so each entry is handed to it alone; a line Yams cannot read costs the entry it belongs to (a
/// `broken` node with Yams's diagnostic), a line indented wrongly or without its colon costs the
/// key on it, and every other line is still read. Nested block mappings (the exercises, an
/// exercise's fields, its answers) are cut in turn, so a slip inside one costs its own entry. A
/// file whose top level is not a block mapping (JSON, a `---` document) gives nil: Yams reads it
/// whole.
extension AnswerLineReader {
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
        var entries: [AnswerTree.Pair] = []
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
                    entries += orphans.map { AnswerTree.Pair(key: $0.key, value: .broken(SheetBuilder.flatten($0.value), d, $0.value.position)) }
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
    static func adopt(_ orphans: [AnswerTree.Pair], indent: Int, into entry: AnswerTree.Pair) -> AnswerTree? {
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
    mutating func entry(_ line: Range<Int>, width w: Int, expected: Int) -> AnswerTree.Pair {
        if let i = oddSpaceEnd(line, from: indent(line)) {
            let key = AnswerTree.scalar(mappingKeyText(line, from: i)?.0 ?? guessedKey(line, from: i), plain: true, position(i))
            let value = broken(from: i, end: index + 1, id: .answerIndentation,
                               "\(index + 1)번째 줄이 탭이나 일반 공백이 아닌 빈칸으로 들여 쓰여 있습니다. YAML은 공백 문자로만 들여 씁니다",
                               notes: ["옆 줄들처럼 공백 문자로 들여 쓰세요"])
            index += 1
            return AnswerTree.Pair(key: key, value: value)
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
            && (emptyValue || ("[{|>\"'".utf8.contains(bytes[valueStart]) && !isOneLineValue(line, from: valueStart)))
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
                return AnswerTree.Pair(key: key, value: mapping(parent: w))
            }
        }
        let value = self.value(line, at: i, width: w, expected: expected, keyText: keyText, valueStart: valueStart, end: end)
        index = end
        return AnswerTree.Pair(key: key, value: value)
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
        if next == index, isOneLineValue(line, from: valueStart) { return memo(end: -1) { $0.oneLineValue(line, from: valueStart) } }
        fragments += 1
        guard fragments <= Self.maxFragments else {
            return broken(from: valueStart, end: end, id: .answerTooComplex,
                          "\(index + 1)번째 줄을 읽지 않았습니다: 이 파일에는 템플릿 꼴이 아닌 항목이 \(Self.maxFragments)개보다 많습니다")
        }
        return memo(end: end) { $0.fragment(from: valueStart, end: end) }
    }

    /// What `read` gives for the entry on the current line ending at `end`, read once.
    func memo(end: Int, _ read: (Self) -> AnswerTree) -> AnswerTree {
        if let tree = parsed.trees[index]?[end] { return tree }
        let tree = read(self)
        parsed.trees[index, default: [:]][end] = tree
        return tree
    }

    /// A value of the template's shape (on its line: what the fast path reads), read by Yams
    /// alone: the key and its colon blanked out, so that columns stay the file's and nothing in
    /// the key (its length, its characters) can spoil the value.
    ///
    /// Characters libyaml refuses or reads as line breaks (control characters, U+2028) are
    /// stood in for by private-use ones and put back in the tree (`YAMLStandIns`): such a value
    /// was always read as written, and a diagnostic quotes it escaped (`Text.quoted`).
    func oneLineValue(_ line: Range<Int>, from valueStart: Int) -> AnswerTree {
        let (value, stoodIn) = YAMLStandIns.text(bytes[valueStart..<line.upperBound])
        let text = String(repeating: " ", count: column(valueStart, in: line) - 1) + value + "\n"
        do throws(DiagnosticError) {
            guard let node = try AnswerSheet.compose(text, file: file) else { return .scalar("", plain: true, position(valueStart)) }
            let tree = AnswerTree(node, lineOffset: index)
            return stoodIn ? YAMLStandIns.restored(tree) : tree
        } catch {
            return yamlError(error, from: valueStart, end: index + 1)
        }
    }

    /// The entry on the current line (through line `end`) read by Yams, key and all, for a value
    /// not of the template's shape (a block list, a multi-line value, an anchor, a mistake).
    /// They are counted (`value`): past `maxFragments` of them a file is hostile, and they are
    /// not read.
    func fragment(from valueStart: Int, end: Int) -> AnswerTree {
        let line = lines[index]
        // Through the line break after the entry's last line, if it has one (a value cut off at
        // the very end of the file is said to be truncated).
        let text = String(decoding: bytes[line.lowerBound..<(end < lines.count ? lines[end].lowerBound : bytes.count)], as: UTF8.self)
        do throws(DiagnosticError) {
            guard let node = try AnswerSheet.compose(text, file: file) else { return .scalar("", plain: true, position(valueStart)) }
            guard case .mapping(let m) = node, let value = m.first?.value else {
                return broken(from: valueStart, end: end, id: .answerMalformed, "\(index + 1)번째 줄이 `키: 값` 꼴이 아닙니다")
            }
            return AnswerTree(value, lineOffset: index)
        } catch {
            return yamlError(error, from: valueStart, end: end)
        }
    }

    /// Yams's error on the entry on the current line (through line `end`), at its line in the file.
    func yamlError(_ error: DiagnosticError, from valueStart: Int, end: Int) -> AnswerTree {
        let line = lines[index]
        var d = error.diagnostics.first ?? Diagnostic(at: SourceLocation(file: file), id: .answerMalformed, "YAML로 읽을 수 없습니다")
        if let l = d.location.line { d.location.line = min(l + index, end) }
        if valueStart < line.upperBound, let hint = Self.quotingHint(bytes[valueStart]) { d.notes.append(hint) }
        return .broken(displayText(from: valueStart, end: end), d, position(valueStart))
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
}

/// Stand-ins for the characters libyaml will not read inside a value as written: control
/// characters (it refuses the whole text), DEL and the C1 controls, U+FFFE and U+FFFF, a BOM
/// (which it drops), and the ones it reads as line breaks (a lone CR, NEL, U+2028, U+2029).
/// Each is moved to plane 15's private-use area (U+F0000 + its code), one scalar for one, so
/// columns stay the file's, and moved back in the tree Yams gives.
enum YAMLStandIns {
    static let base: UInt32 = 0xF_0000

    static func needsStandIn(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (v < 0x20 && v != 9) || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF
    }

    /// The bytes as text, with stand-ins if any are needed (and whether they were). A text that
    /// already holds plane-15 characters gets none (Yams then refuses it, as it always did).
    static func text(_ bytes: ArraySlice<UInt8>) -> (String, Bool) {
        let s = String(decoding: bytes, as: UTF8.self)
        // Only bytes below 0x20, DEL, and the lead bytes of C1 controls and of U+2028/9, U+FFFE/F
        // can start one: most values have none.
        guard bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0xEF }),
              s.unicodeScalars.contains(where: needsStandIn),
              !s.unicodeScalars.contains(where: { $0.value >= base }) else { return (s, false) }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(needsStandIn(u) ? Unicode.Scalar(base + u.value)! : u) }
        return (String(out), true)
    }

    static func restored(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(u.value >= base && u.value < base + 0x1_0000 ? Unicode.Scalar(u.value - base)! : u) }
        return String(out)
    }

    static func restored(_ tree: AnswerTree) -> AnswerTree {
        switch tree {
        case .scalar(let s, let plain, let p): return .scalar(restored(s), plain: plain, p)
        case .sequence(let items, let p): return .sequence(items.map(restored), p)
        case .mapping(let pairs, let p): return .mapping(pairs.map { AnswerTree.Pair(key: restored($0.key), value: restored($0.value)) }, p)
        case .broken(let s, let d, let p): return .broken(restored(s), d, p)
        }
    }
}
