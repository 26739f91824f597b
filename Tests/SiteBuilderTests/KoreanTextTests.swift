import CourseModel
import Foundation
import SocketSim
import Testing
@testable import SiteBuilder

/// One voice in Korean (issue #12), checked on the built site: what a figure says in words (its
/// title, its description for screen readers, its caption) has no English word outside a short
/// list of identifiers, and every duration a student reads is written the Korean way (`30초`).
@Suite("Korean text in the built site")
struct KoreanTextTests {
    /// Words that are identifiers, not English: state names, errno names, call names, host names,
    /// segment flags and the chapter's symbols. C constants with an underscore (SO_REUSEADDR,
    /// SHUT_WR, INADDR_ANY) are identifiers by their form.
    static let identifiers: Set<String> = {
        var s = Set(TCPState.allCases.map(\.rawValue)).union(Errno.allCases.map(\.rawValue))
        s.formUnion(["socket", "bind", "listen", "connect", "accept", "send", "recv", "close", "shutdown", "setsockopt",
                     "SQS", "RQS", "SendQ", "RecvQ", "Delivered", "TCP", "IP", "RFC", "SYN", "ACK", "FIN", "RST", "URG", "PSH", "DATA",
                     "MSL", "EOF", "B", "fd", "head", "tail"])
        return s
    }()

    /// The words of `text` that are neither Korean nor an identifier.
    static func englishWords(_ text: String) -> [String] {
        text.matches(of: /[A-Za-z][A-Za-z0-9_]*/).map { String($0.output) }.filter { w in
            !identifiers.contains(w)
                && w.wholeMatch(of: /[A-Z][A-Z0-9]*(_[A-Z0-9]+)+/) == nil   // C constants
                && w.wholeMatch(of: /(client|server)[0-9]*/) == nil            // the scenarios' host names
                && w.wholeMatch(of: /[A-Z]/) == nil                            // a name such as 타이밍 A
        }
    }

    static func unescaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every text a figure says in words: each frame's SVG `<title>` and `<desc>` (the standalone
    /// files are the frames as inlined), and in the pages each figure's description and caption.
    static func figureTexts(_ result: BuildResult) throws -> [(where: String, text: String)] {
        var out: [(String, String)] = []
        for file in result.files where file.path.hasSuffix(".svg") {
            for m in file.contents.matches(of: /<(title|desc)[^>]*>([^<]*)<\/(title|desc)>/) {
                out.append(("\(file.path) <\(m.output.1)>", unescaped(String(m.output.2))))
            }
        }
        for file in result.files where file.path.hasSuffix(".html") {
            for figure in file.contents.components(separatedBy: "<figure class=\"sim-figure\"").dropFirst() {
                let body = figure.components(separatedBy: "</figure>")[0]
                for m in body.matches(of: /<p class="fig-desc[^"]*">([^<]*)<\/p>/) { out.append(("\(file.path) fig-desc", unescaped(String(m.output.1)))) }
                for m in body.matches(of: /<figcaption>(.*?)<\/figcaption>/) {
                    out.append(("\(file.path) figcaption", unescaped(String(m.output.1).replacing(/<[^>]+>/, with: ""))))
                }
                for m in body.matches(of: /aria-label="([^"]*)"/) { out.append(("\(file.path) aria-label", unescaped(String(m.output.1)))) }
            }
        }
        return out
    }

    @Test("figure titles, descriptions, captions and labels for screen readers have no English words")
    func figuresInKorean() throws {
        let result = SiteBuilder.build(try realTree())
        #expect(result.errors == [])
        let texts = try Self.figureTexts(result)
        #expect(texts.count > 300, "every frame's title and description: \(texts.count)")
        var found: [String: String] = [:]
        for (place, text) in texts {
            for w in Self.englishWords(text) where found[w] == nil { found[w] = "\(place): \(text.prefix(160))" }
        }
        #expect(found.isEmpty, "English in figure text:\n\(found.sorted { $0.key < $1.key }.map { "\($0.key) — \($0.value)" }.joined(separator: "\n"))")
        // The descriptions spell out the drawing's notation.
        let all = texts.map(\.text).joined(separator: "\n")
        #expect(all.contains("네트워크가 세그먼트 하나를 전달"))
        #expect(all.contains("SYN(순서 번호 "))
        #expect(all.contains("SYN 수신 / SYN+ACK 송신"))
    }

    @Test("the word check finds English and lets identifiers through")
    func wordCheck() {
        #expect(Self.englishWords("client→server ACK(확인 번호 1001) 유실 (lost in the network)") == ["lost", "in", "the", "network"])
        #expect(Self.englishWords("server의 소켓 1: FIN_WAIT_2 → TIME_WAIT, SO_REUSEADDR, send #1, SendQ 500 B") == [])
        #expect(Self.englishWords("3단계 후: net: deliver") == ["net", "deliver"])
    }

    /// `30000ms`, `30s`, `2min` as a student reads them: outside code, a number with a Latin unit.
    static func latinDurations(_ html: String) throws -> [String] {
        let text = html.replacing(try Regex("<(code|pre|script|style|svg)[^>]*>.*?</(code|pre|script|style|svg)>").dotMatchesNewlines(), with: " ")
            .replacing(try Regex("<[^>]+>"), with: "")
        // A number is digits with optional thousands groups: in "ports=49152-65535, s=2" the comma ends the number.
        let unit = try Regex("(^|[^A-Za-z0-9_.])[0-9]+(?:,[0-9]{3})*\\s?(ms|s|sec|min|h)(?![A-Za-z])").anchorsMatchLineEndings()
        return text.matches(of: unit).map { m -> String in
            let from = text.index(m.range.lowerBound, offsetBy: -20, limitedBy: text.startIndex) ?? text.startIndex
            return String(text[from..<m.range.upperBound])
        }
    }

    @Test("durations in prose, exercises, hints and solutions read the Korean way (30초, not 30000ms)",
          arguments: [false, true])
    func durations(solutions: Bool) throws {
        let result = SiteBuilder.build(try realTree(), options: BuildOptions(solutions: solutions))
        #expect(result.errors == [])
        for file in result.files where file.path.hasSuffix(".html") {
            let hits = try Self.latinDurations(file.contents)
            #expect(hits.isEmpty, "\(file.path) (\(solutions ? "instructor" : "student")): \(hits.prefix(5))")
        }
        // The exercise that states MSL states it in seconds.
        let exercises = try #require(result.files.first { $0.path == "exercises.html" }?.contents)
        #expect(exercises.contains("MSL = 30초"), "MSL as the exercises state it")
        #expect(try Self.latinDurations("<p>MSL = 30000ms, 2min</p><code>+30000ms</code>").count == 2)
        #expect(try Self.latinDurations("<p>port=80, ports=49152-65535, s=2, 30,000 ms</p>").count == 1)
    }

    @Test("milliseconds in shown text become Korean durations; code spans and other words stay")
    func koreanMilliseconds() {
        #expect(SocketSim.Duration.koreanMilliseconds(in: "MSL = 30000ms입니다. 2MSL = 60000ms") == "MSL = 30초입니다. 2MSL = 60초")
        #expect(SocketSim.Duration.koreanMilliseconds(in: "500ms, 120000ms, 1500ms") == "500밀리초, 2분, 1.5초")
        #expect(SocketSim.Duration.koreanMilliseconds(in: "`time: +30000ms` 뒤 30000ms") == "`time: +30000ms` 뒤 30초")
        #expect(SocketSim.Duration.koreanMilliseconds(in: "x30ms 1.5ms 30msg") == "x30ms 1.5ms 30msg")
        #expect(SocketSim.Duration.koreanMilliseconds(in: "TOKENENDms가 흐름", markerSuffix: "END") == "TOKENEND밀리초가 흐름")
    }
}
