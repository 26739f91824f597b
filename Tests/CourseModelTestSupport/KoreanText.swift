import Foundation
import SocketSim

/// One voice in Korean (issue #12): the finder of English words and Latin durations in what a
/// student reads, shared by the test of the built site (SiteBuilderTests.KoreanTextTests) and the
/// test of grade feedback (GraderTests).
///
/// What is not English, and why (the allowlist):
/// - code: `<code>`, `<pre>`, `<var>`, `<kbd>`, `<samp>`, SVG and scripts in HTML, backtick spans
///   in Markdown. Calls, scenario steps (`net: deliver`), answer tokens (`never`) belong there.
/// - identifiers by name: TCP states (any spelling: `TIME-WAIT` in `ss` output), errno names,
///   the socket calls (`send()`, `recv()`), the chapter's symbols (SQS, RQS, SendQ, RecvQ,
///   Delivered, MSL, `fd`, the ring's `head`/`tail`) and segment flags;
/// - identifiers by form: C constants with an underscore (`SO_REUSEADDR`), acronyms in capitals
///   (`MSS`, `RTO`, `FIFO`, `HTTP`), one letter (a variable such as n, or 타이밍 A), the
///   scenarios' host names (`client`, `server2`);
/// - a few proper nouns (SockLab, Linux, FreeBSD, JavaScript);
/// - in prose (not in figure titles and descriptions): a gloss, the term's original name in
///   parentheses right after the Korean term, as Korean textbooks introduce terms: `윈도우(window)`,
///   `MSL(maximum segment lifetime)`, each comma-separated part of the parentheses that has no Hangul.
public enum KoreanText {
    public static let identifiers: Set<String> = {
        var s = Set(TCPState.allCases.map(\.rawValue)).union(Errno.allCases.map(\.rawValue))
        s.formUnion(["socket", "bind", "listen", "connect", "accept", "send", "recv", "close", "shutdown", "setsockopt",
                     "SendQ", "RecvQ", "Delivered", "fd", "head", "tail"])
        return s
    }()

    public static let properNouns: Set<String> = ["SockLab", "Linux", "FreeBSD", "JavaScript"]

    /// The words of `text` that are neither Korean nor allowed (figure rules: no glosses).
    public static func englishWords(_ text: String) -> [String] {
        text.matches(of: /[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/).map { String($0.output) }.filter { w in
            !identifiers.contains(w) && !properNouns.contains(w)
                && (w != w.uppercased() || TCPState(spelling: w) == nil)   // a state as `ss` writes it: TIME-WAIT
                && w.wholeMatch(of: /[A-Z][A-Z0-9]*(_[A-Z0-9]+)+/) == nil   // C constants
                && w.wholeMatch(of: /[A-Z][A-Z0-9]+s?/) == nil              // acronyms (MSS, RTO, ACKs)
                && w.wholeMatch(of: /(client|server)[0-9]*/) == nil         // the scenarios' host names
                && w.wholeMatch(of: /[A-Za-z]/) == nil                      // a variable, 타이밍 A
        }
    }

    /// The English words of a sentence of prose: glosses are taken out first.
    public static func englishInProse(_ sentence: String) -> [String] {
        englishWords(withoutGlosses(sentence))
    }

    /// `sentence` with every gloss taken out: in a parenthesis right after a word (`윈도우(window)`,
    /// no space before `(`), each `,`/`;`-separated part without Hangul.
    public static func withoutGlosses(_ sentence: String) -> String {
        // Inner parentheses first: `(circular array, 원형 버퍼(ring buffer)라고도 한다)`.
        var s = sentence
        for _ in 0..<3 {
            let next = withoutInnermostGlosses(s)
            if next == s { break }
            s = next
        }
        return s
    }

    static func withoutInnermostGlosses(_ sentence: String) -> String {
        sentence.replacing(/(\S)\(([^()]*)\)/) { m in
            let kept = String(m.output.2).split(whereSeparator: { $0 == "," || $0 == ";" })
                .filter { $0.contains(where: isHangul) || !$0.contains(where: { $0.isASCII && $0.isLetter }) }
            return String(m.output.1) + (kept.isEmpty ? "" : "(" + kept.joined(separator: ",") + ")")
        }
    }

    static func isHangul(_ c: Character) -> Bool {
        c.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) || (0x3131...0x318E).contains($0.value) }
    }

    /// The sentences with Hangul of an HTML page as a student reads them: code, variables, SVG and
    /// scripts taken out, inline markup dropped (a sentence goes on across `<strong>`), every other
    /// tag a break, entities decoded.
    public static func sentences(ofHTML html: String) -> [String] {
        var t = html.replacing(try! Regex("<(code|pre|script|style|svg|var|kbd|samp)\\b[^>]*>.*?</\\1>").dotMatchesNewlines(), with: " ")
        // Question and exercise ids shown beside their titles are identifiers.
        t = t.replacing(/<span class="qid">[^<]*<\/span>/, with: " ")
        t = t.replacing(/<\/?(a|strong|em|b|i|span|abbr|sup|sub|mark|small|q|cite|dfn)\b[^>]*>/, with: "")
        t = t.replacing(/<[^>]*>/, with: "\n")
        return sentences(ofText: unescaped(t))
    }

    /// The sentences with Hangul of Markdown (feedback): code spans taken out.
    public static func sentences(ofMarkdown md: String) -> [String] {
        sentences(ofText: md.replacing(/`[^`\n]*`/, with: " "))
    }

    static func sentences(ofText text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).flatMap { $0.split(separator: /[.!?]\s+/) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.contains(where: isHangul) }
    }

    public static func unescaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// English words in the Korean sentences of `html`, each with the sentence it was found in.
    public static func englishInHTML(_ html: String) -> [(word: String, sentence: String)] {
        sentences(ofHTML: html).flatMap { s in englishInProse(s).map { ($0, s) } }
    }

    /// `30000ms`, `30s`, `2min` as a student reads them: outside code, a number with a Latin unit.
    public static func latinDurations(_ html: String) throws -> [String] {
        let text = html.replacing(try Regex("<(code|pre|script|style|svg)[^>]*>.*?</(code|pre|script|style|svg)>").dotMatchesNewlines(), with: " ")
            .replacing(try Regex("<[^>]+>"), with: "")
        return try latinDurations(inText: text)
    }

    /// Latin durations in Markdown (feedback), outside code spans.
    public static func latinDurations(inMarkdown md: String) throws -> [String] {
        try latinDurations(inText: md.replacing(/`[^`\n]*`/, with: " "))
    }

    static func latinDurations(inText text: String) throws -> [String] {
        // A number is digits with optional thousands groups: in "ports=49152-65535, s=2" the comma ends the number.
        let unit = try Regex("(^|[^A-Za-z0-9_.])[0-9]+(?:,[0-9]{3})*\\s?(ms|s|sec|min|h)(?![A-Za-z])").anchorsMatchLineEndings()
        return text.matches(of: unit).map { m -> String in
            let from = text.index(m.range.lowerBound, offsetBy: -20, limitedBy: text.startIndex) ?? text.startIndex
            return String(text[from..<m.range.upperBound])
        }
    }
}
