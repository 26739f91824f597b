import CourseModel
import CourseModelTestSupport
import Foundation
import SocketSim
import Testing
@testable import SiteBuilder

/// One voice in Korean (issue #12), checked on the built site: what a figure says in words (its
/// title, its description for screen readers, its caption) has no English word outside a short
/// list of identifiers, and every duration a student reads is written the Korean way (`30초`).
@Suite("Korean text in the built site")
struct KoreanTextTests {
    static func englishWords(_ text: String) -> [String] { KoreanText.englishWords(text) }
    static func unescaped(_ s: String) -> String { KoreanText.unescaped(s) }

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
        let result = SiteBuilder.build(try realTree(), caches: sharedCaches)
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

    @Test("prose, exercises, hints, solutions and page text have no English words in Korean sentences",
          arguments: [false, true])
    func proseInKorean(solutions: Bool) throws {
        let result = SiteBuilder.build(try realTree(), options: BuildOptions(solutions: solutions), caches: sharedCaches)
        #expect(result.errors == [])
        var found: [String: String] = [:]
        var sentences = 0
        for file in result.files where file.path.hasSuffix(".html") {
            sentences += KoreanText.sentences(ofHTML: file.contents).count
            for (w, s) in KoreanText.englishInHTML(file.contents) where found[w] == nil { found[w] = "\(file.path): \(s.prefix(160))" }
        }
        #expect(sentences > 1000, "every page's Korean sentences: \(sentences)")
        #expect(found.isEmpty, "English in Korean sentences (\(solutions ? "instructor" : "student") build):\n\(found.sorted { $0.key < $1.key }.map { "\($0.key) — \($0.value)" }.joined(separator: "\n"))")
    }

    @Test("the prose check: glosses and code pass, English in a sentence does not")
    func proseCheck() {
        #expect(KoreanText.englishInProse("흐름 제어(flow control)다. MSL(maximum segment lifetime)은 30초") == [])
        #expect(KoreanText.englishInProse("세그먼트 최대 크기(MSS, maximum segment size, 여기서는 536바이트)") == [])
        #expect(KoreanText.englishInProse("순환 배열(circular array, 원형 버퍼 ring buffer라고도 한다)") == ["ring", "buffer"])
        #expect(KoreanText.englishInProse("auto 네트워크에서 half-close한다") == ["auto", "half-close"])
        #expect(KoreanText.englishInProse("유실 (lost in the network)") == ["lost", "in", "the", "network"], "a gloss is attached to its term")
        #expect(KoreanText.englishInProse("상태(ESTAB, TIME-WAIT, CLOSE-WAIT 등), FIFO 순서, n − SQS, SockLab") == [])
        #expect(KoreanText.englishInProse("소켓이 closed 상태") == ["closed"], "a state spelling counts only in capitals")
        let page = "<p>기다리는 <code>recv()</code>와 <strong>교착 상태</strong>(deadlock)이며 <var>wait</var>밀리초 <span class=\"qid\">q-id</span> 판정은 \"completed\"이다.</p>"
        #expect(KoreanText.englishInHTML(page).map(\.word) == ["completed"])
    }

    @Test("the word check finds English and lets identifiers through")
    func wordCheck() {
        #expect(Self.englishWords("client→server ACK(확인 번호 1001) 유실 (lost in the network)") == ["lost", "in", "the", "network"])
        #expect(Self.englishWords("server의 소켓 1: FIN_WAIT_2 → TIME_WAIT, SO_REUSEADDR, send #1, SendQ 500 B") == [])
        #expect(Self.englishWords("3단계 후: net: deliver") == ["net", "deliver"])
    }

    static func latinDurations(_ html: String) throws -> [String] { try KoreanText.latinDurations(html) }

    @Test("durations in prose, exercises, hints and solutions read the Korean way (30초, not 30000ms)",
          arguments: [false, true])
    func durations(solutions: Bool) throws {
        let result = SiteBuilder.build(try realTree(), options: BuildOptions(solutions: solutions), caches: sharedCaches)
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
        #expect(DurationText.koreanMilliseconds(in: "MSL = 30000ms입니다. 2MSL = 60000ms") == "MSL = 30초입니다. 2MSL = 60초")
        #expect(DurationText.koreanMilliseconds(in: "500ms, 120000ms, 1500ms") == "500밀리초, 2분, 1.5초")
        #expect(DurationText.koreanMilliseconds(in: "`time: +30000ms` 뒤 30000ms") == "`time: +30000ms` 뒤 30초")
        #expect(DurationText.koreanMilliseconds(in: "x30ms 1.5ms 30msg") == "x30ms 1.5ms 30msg")
        #expect(DurationText.koreanMilliseconds(in: "TOKENENDms가 흐름", markerSuffix: "END") == "TOKENEND밀리초가 흐름")
    }
}
