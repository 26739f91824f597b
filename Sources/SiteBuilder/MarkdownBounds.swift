/// Makes Markdown safe to give Ink: what reaches Ink can be parsed in time linear in its length.
///
/// Ink backtracks. Each `[` starts a link whose text is parsed, recursively, up to a `]` and a
/// `(url)`; when that fails Ink moves one character on and tries again, so a line of 26 `[` takes
/// 2^26 attempts (49 s), and `[a][` or `[[[a]]]` runs are as bad. A `<` that opens no tag, or an
/// `&` that starts no entity, makes Ink scan to the end of the line (or of the text) for its `>` or
/// `;` and start again one character later: quadratic, minutes for a long line. A list nested by
/// ever deeper indentation recurses once per level.
///
/// So before Ink, on every line: a `[` that does not open a complete one-line link (`[text](url)`,
/// `[text][ref]`, text without brackets), a `<` that opens no tag closed on its own line and an
/// `&` that starts no entity each become a private-use placeholder (U+E000, U+E001, U+E002), and
/// leading whitespace is cut to `maxIndent`. Ink prints a placeholder as it is, in text and in code
/// alike, and `restore` turns it into what Ink prints for the character it stands for, in text and
/// in code alike (`[`, `&lt;`, `&amp;`): so for real content the HTML is the same, byte for byte.
///
/// Code spans and fenced blocks are not skipped. Which lines Ink takes for code depends on its own
/// rules (a fence inside a list item is list text to Ink; a closing fence must start its line),
/// and a neutralizer that guessed them wrong left a line of `[` to Ink: a fuzzed page took minutes.
/// Because the placeholders mean the same inside code and out, no guess is needed. An authored
/// U+E000–U+E002 becomes U+FFFD.
enum MarkdownBounds {
    /// Deeper indentation only nests lists deeper; 32 levels are more than any page needs.
    static let maxIndent = 32

    /// The placeholders, with what Ink would have printed for the character each stands for.
    static let placeholders: [(placeholder: String, html: String)] = [("\u{E000}", "["), ("\u{E001}", "&lt;"), ("\u{E002}", "&amp;")]
    private static let bracket = Array("\u{E000}".utf8), lessThan = Array("\u{E001}".utf8), ampersand = Array("\u{E002}".utf8)
    private static let replacement = Array("\u{FFFD}".utf8)

    static func neutralize(_ markdown: String) -> String {
        let bytes = Array(markdown.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var i = lineStart
            while i < lineEnd, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
            out += bytes[lineStart..<min(i, lineStart + maxIndent)]
            neutralizeLine(bytes, from: i, to: lineEnd, into: &out)
            if lineEnd < bytes.count { out.append(UInt8(ascii: "\n")) }
            lineStart = lineEnd + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Ink's HTML after `neutralize`: each placeholder is what Ink prints for its character.
    static func restore(_ html: String) -> String {
        var html = html
        for (placeholder, text) in placeholders where html.contains(placeholder) {
            html = html.replacingOccurrences(of: placeholder, with: text)
        }
        return html
    }

    private static func neutralizeLine(_ b: [UInt8], from start: Int, to end: Int, into out: inout [UInt8]) {
        var i = start
        // Where the next `>` and `<` are on this line, found once from the right so each `<` costs O(1).
        var nextGT = [Int](repeating: end, count: 0)
        var nextLT = [Int](repeating: end, count: 0)
        if b[start..<end].contains(UInt8(ascii: "<")) {
            nextGT = [Int](repeating: end, count: end - start + 1)
            nextLT = nextGT
            var gt = end, lt = end
            var j = end - 1
            while j >= start {
                if b[j] == UInt8(ascii: ">") { gt = j }
                nextGT[j - start] = gt
                nextLT[j - start] = lt
                if b[j] == UInt8(ascii: "<") { lt = j }
                j -= 1
            }
        }
        while i < end {
            let c = b[i]
            switch c {
            case 0xEE where i + 2 < end && b[i + 1] == 0x80 && (0x80...0x82).contains(b[i + 2]):
                // An authored U+E000–U+E002 would read as a placeholder.
                out += replacement
                i += 3
                continue
            case UInt8(ascii: "["):
                if isSimpleLink(b, at: i, end: end) { out.append(c) } else { out += bracket }
            case UInt8(ascii: "<"):
                let opensTag = i + 1 < end && (isLetter(b[i + 1]) || b[i + 1] == UInt8(ascii: "!")
                    || (b[i + 1] == UInt8(ascii: "/") && i + 2 < end && isLetter(b[i + 2])))
                if opensTag && nextGT[i - start] < nextLT[i - start] { out.append(c) } else { out += lessThan }
            case UInt8(ascii: "&"):
                if entityLength(b, at: i, end: end) > 0 { out.append(c) } else { out += ampersand }
            default:
                out.append(c)
            }
            i += 1
        }
    }

    /// `[text](url)` or `[text][ref]` on one line, with no bracket in `text` and none, nor a
    /// parenthesis, in `url` or `ref`: the links Ink reads in one pass.
    private static func isSimpleLink(_ b: [UInt8], at i: Int, end: Int) -> Bool {
        var j = i + 1
        while j < end, b[j] != UInt8(ascii: "]") {
            if b[j] == UInt8(ascii: "[") { return false }
            j += 1
        }
        guard j + 1 < end else { return false }
        let open = b[j + 1]
        let close: UInt8
        switch open {
        case UInt8(ascii: "("): close = UInt8(ascii: ")")
        case UInt8(ascii: "["): close = UInt8(ascii: "]")
        default: return false
        }
        var k = j + 2
        while k < end, b[k] != close {
            if b[k] == UInt8(ascii: "(") || b[k] == UInt8(ascii: ")") || b[k] == UInt8(ascii: "[") || b[k] == UInt8(ascii: "]") { return false }
            k += 1
        }
        return k < end
    }

    /// The length of the entity (`&amp;`, `&#91;`, `&#x5B;`) at `i`, or 0 when there is none.
    private static func entityLength(_ b: [UInt8], at i: Int, end: Int) -> Int {
        var j = i + 1
        guard j < end else { return 0 }
        if b[j] == UInt8(ascii: "#") {
            j += 1
            let hex = j < end && (b[j] == UInt8(ascii: "x") || b[j] == UInt8(ascii: "X"))
            if hex { j += 1 }
            let digits = j
            while j < end, j - digits < 8, hex ? isHexDigit(b[j]) : isDigit(b[j]) { j += 1 }
            guard j > digits, j < end, b[j] == UInt8(ascii: ";") else { return 0 }
            return j + 1 - i
        }
        guard isLetter(b[j]) else { return 0 }
        while j < end, j - i < 33, isLetter(b[j]) || isDigit(b[j]) { j += 1 }
        guard j < end, b[j] == UInt8(ascii: ";") else { return 0 }
        return j + 1 - i
    }

    private static func isLetter(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) }
    private static func isDigit(_ c: UInt8) -> Bool { (48...57).contains(c) }
    private static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (65...70).contains(c) || (97...102).contains(c) }
}
