/// Makes Markdown safe to give Ink: what reaches Ink can be parsed in time linear in its length.
///
/// Ink backtracks. Each `[` starts a link whose text is parsed, recursively, up to a `]` and a
/// `(url)`; when that fails Ink moves one character on and tries again, so a line of 26 `[` takes
/// 2^26 attempts (49 s), and `[a][` or `[[[a]]]` runs are as bad. A `<` that opens no tag, or an
/// `&` that starts no entity, makes Ink scan to the end of the line (or of the text) for its `>` or
/// `;` and start again one character later: quadratic, minutes for a long line. A list nested by
/// ever deeper indentation recurses once per level.
///
/// So before Ink, outside code spans and fenced blocks: a `[` that does not open a complete
/// one-line link (`[text](url)`, `[text][ref]`, text without brackets) becomes `&#91;`; a `<` that
/// opens no tag closed on its own line becomes `&lt;`; an `&` that starts no entity becomes
/// `&amp;`; leading whitespace is cut to `maxIndent`. Ink would print each of those characters as
/// text anyway (after failing), so for real content the HTML is the same, byte for byte, once
/// `&#91;` is turned back into `[` (`restore`).
enum MarkdownBounds {
    /// Deeper indentation only nests lists deeper; 32 levels are more than any page needs.
    static let maxIndent = 32

    static let bracket = "&#91;"

    static func neutralize(_ markdown: String) -> String {
        let bytes = Array(markdown.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var inFence = false
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var i = lineStart
            while i < lineEnd, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
            let isFence = lineEnd - i >= 3 && bytes[i] == tick && bytes[i + 1] == tick && bytes[i + 2] == tick
            if inFence || isFence {
                out += bytes[lineStart..<lineEnd]
                if isFence { inFence.toggle() }
            } else {
                out += bytes[lineStart..<min(i, lineStart + maxIndent)]
                neutralizeLine(bytes, from: i, to: lineEnd, into: &out)
            }
            if lineEnd < bytes.count { out.append(UInt8(ascii: "\n")) }
            lineStart = lineEnd + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Ink's HTML after `neutralize`: the placeholders for `[` are brackets again.
    static func restore(_ html: String) -> String {
        html.contains(bracket) ? html.replacingOccurrences(of: bracket, with: "[") : html
    }

    private static let tick = UInt8(ascii: "`")

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
            case tick:
                // A code span runs to the next backtick on the line; Ink leaves its inside alone.
                var j = i + 1
                while j < end, b[j] != tick { j += 1 }
                if j < end {
                    out += b[i...j]
                    i = j + 1
                } else {
                    out.append(c)
                    i += 1
                }
                continue
            case UInt8(ascii: "["):
                if isSimpleLink(b, at: i, end: end) { out.append(c) } else { out += bracket.utf8 }
            case UInt8(ascii: "<"):
                let opensTag = i + 1 < end && (isLetter(b[i + 1]) || b[i + 1] == UInt8(ascii: "!")
                    || (b[i + 1] == UInt8(ascii: "/") && i + 2 < end && isLetter(b[i + 2])))
                if opensTag && nextGT[i - start] < nextLT[i - start] { out.append(c) } else { out += "&lt;".utf8 }
            case UInt8(ascii: "&"):
                if entityLength(b, at: i, end: end) > 0 { out.append(c) } else { out += "&amp;".utf8 }
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
