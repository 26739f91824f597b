import Foundation

/// An answer file as lines of UTF-8 bytes, and what both readers need to find its entries: each
/// line's indentation, blank and comment lines, and a line's `key:` (the key's text and where its
/// colon is).
///
/// The general reader (`AnswerLineReader.read`, in `AnswerTree.swift`) cuts the file into its
/// entries with these and has Yams read each entry's value; the fast path
/// (`AnswerLineReader.sheet`, in `AnswerScanner.swift`) reads files of the template's shape with
/// them straight into a sheet. Every character looked for is ASCII; columns count Unicode
/// scalars, as Yams's do.
struct AnswerLineReader {
    let bytes: [UInt8]
    let file: String
    /// Each line's byte range, without its line break.
    let lines: [Range<Int>]
    /// Lines that are not valid UTF-8 (nil when the whole file is).
    let badLines: Set<Int>?
    var index = 0
    /// Entries not of the template's shape handed to Yams so far; past `maxFragments` they are
    /// not tried (a hostile file of 100,000 odd lines must not cost 100,000 parser runs).
    var fragments = 0
    static let maxFragments = 1_000
    /// What Yams read for each entry, by its lines: a block read again at another indentation
    /// (`mapping(parent:)`) does not parse its entries again. A reference, so that a reading
    /// given up (the reader's state restored) still leaves what it parsed.
    let parsed = ParsedEntries()

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

    static let space: UInt8 = 32, hash: UInt8 = 35, colon: UInt8 = 58, dash: UInt8 = 45, comma: UInt8 = 44
    static let openBracket: UInt8 = 91, closeBracket: UInt8 = 93, openBrace: UInt8 = 123, closeBrace: UInt8 = 125
    static let dquote: UInt8 = 34, squote: UInt8 = 39, backslash: UInt8 = 92, tab: UInt8 = 9

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

    /// A quoted scalar on one line (a key, or a value on the fast path); double quotes take the
    /// common escapes, single quotes `''`. Anything else (another escape, no closing quote) is
    /// nil: Yams reads it.
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

/// Yams's readings of a file's entries, keyed by their first line and their end.
final class ParsedEntries {
    var trees: [Int: [Int: AnswerTree]] = [:]
}
