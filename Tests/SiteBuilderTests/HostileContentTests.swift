import CourseModel
import Foundation
import SourceFiles
import Testing
import XMLCheck
@testable import SiteBuilder

/// Content that once trapped, hung or exhausted the build, and content errors that were reported
/// at the generated file or after their consequences: each case with the exact diagnostic id and
/// location expected.
@Suite("Hostile content")
struct HostileContentTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var files: [String: String]
        var id: String
        var file: String
        var line: Int?
        var description: String { name }
    }

    static let sectionHead = "---\nid: buf\ntitle: \"버퍼\"\n---\n"  // body starts on line 5

    static let cases: [Case] = [
        Case(name: "a partial that includes itself",
             files: ["templates/nav.mustache": "<nav>\n{{> nav}}\n</nav>"],
             id: "template.partial-cycle", file: "templates/nav.mustache", line: 2),
        Case(name: "partials that include each other",
             files: ["templates/nav.mustache": "<nav>{{> footer}}</nav>", "templates/footer.mustache": "<footer/>\n{{> nav}}"],
             id: "template.partial-cycle", file: "templates/nav.mustache", line: 1),
        Case(name: "a template that extends itself",
             files: ["templates/footer.mustache": "{{< footer}}{{/footer}}"],
             id: "template.partial-cycle", file: "templates/footer.mustache", line: 1),
        Case(name: "a partial named by the data",
             files: ["templates/footer.mustache": "<footer>\n\n{{> *title}}</footer>"],
             id: "template.dynamic-partial", file: "templates/footer.mustache", line: 3),
        Case(name: "changed delimiters in a template",
             files: ["templates/footer.mustache": "{{=<% %>=}}<%> footer%>"],
             id: "template.set-delimiter", file: "templates/footer.mustache", line: 1),
        Case(name: "sections nested 100,000 deep in a template",
             files: ["templates/footer.mustache": String(repeating: "{{#a}}", count: 100_000)],
             id: "template.too-deep", file: "templates/footer.mustache", line: 1),
        Case(name: "sections nested 100,000 deep in prose",
             files: ["content/sections/01-buf.md": sectionHead + "첫 줄\n" + String(repeating: "{{#sqs}}", count: 100_000)],
             id: "template.too-deep", file: "content/sections/01-buf.md", line: 6),
        Case(name: "a section listed twice",
             files: ["content/course.yaml": "title: t\nparameters: { sqs: 500, rqs: 500 }\nsections: [buf, buf]\npages: [extra]\n"],
             id: "course.duplicate-id", file: "content/course.yaml", line: 3),
        Case(name: "a page listed twice",
             files: ["content/course.yaml": "title: t\nparameters: { sqs: 500, rqs: 500 }\nsections: [buf]\npages:\n  - extra\n  - extra\n"],
             id: "course.duplicate-id", file: "content/course.yaml", line: 6),
        Case(name: "a page listed as a section too",
             files: ["content/course.yaml": "title: t\nparameters: { sqs: 500, rqs: 500 }\nsections: [buf, extra]\npages: [extra]\n"],
             id: "course.duplicate-id", file: "content/course.yaml", line: 4),
        Case(name: "a page id that is a path",
             files: ["content/pages/extra.md": "---\nid: ../../etc/x\ntitle: t\n---\n본문\n"],
             id: "content.bad-id", file: "content/pages/extra.md", line: 2),
        Case(name: "a page id the site itself uses",
             files: ["content/pages/extra.md": "---\nid: index\ntitle: t\n---\n본문\n",
                     "content/course.yaml": "title: t\nparameters: { sqs: 500, rqs: 500 }\nsections: [buf]\npages: [index]\n"],
             id: "output.duplicate-path", file: "content/pages/extra.md", line: 2),
        Case(name: "an undefined entity in the prose",
             files: ["content/sections/01-buf.md": sectionHead + "첫 줄\n\n둘째 문단\n셋째 줄 &nbsp; 공백\n"],
             id: "content.malformed-html", file: "content/sections/01-buf.md", line: 8),
        Case(name: "an unclosed tag in the prose",
             files: ["content/sections/01-buf.md": sectionHead + "첫 줄\n\n<b>굵게 시작\n\n끝\n"],
             id: "content.malformed-html", file: "content/sections/01-buf.md", line: 7),
        Case(name: "a template line that makes malformed pages",
             files: ["templates/footer.mustache": "<footer>\n<p>unclosed</footer>"],
             id: "template.malformed-xml", file: "templates/footer.mustache", line: 2),
        Case(name: "a broken front matter is the one error, not the first of its consequences",
             files: ["content/sections/01-buf.md": "---\nid: buf\ntitle: [broken\n---\n본문\n"],
             id: "yaml.malformed", file: "content/sections/01-buf.md", line: nil),
    ]

    @Test("each failure class gives its diagnostic at its source, first", arguments: cases)
    func located(_ c: Case) throws {
        let tree = try miniTree(extra: c.files)
        let result = SiteBuilder.build(tree, caches: sharedCaches)
        let first = try #require(result.diagnostics.first { $0.severity == .error }, "no error for \(c.name)")
        #expect(first.id.rawValue == c.id, "\(result.diagnostics.map(\.description))")
        #expect(first.location.file == c.file, "\(first)")
        if let line = c.line { #expect(first.location.line == line, "\(first)") }
        // No follow-on error names a generated file.
        #expect(!result.diagnostics.contains { $0.id.rawValue == "output.malformed-xml" }, "\(result.diagnostics.map(\.description))")
    }

    @Test("a page that fails to load is reported alone: no 'unknown page' nor exercise errors after it")
    func firstCauseOnly() throws {
        let tree = try miniTree(extra: [
            "content/sections/01-buf.md": "---\nid: buf\ntitle: [broken\n---\n본문\n",
            "content/exercises/e.yaml": """
            id: e1
            section: buf
            title: "t"
            scenario:
              steps:
                - client: send 10
            questions:
              - id: a
                prompt: "p"
                kind: integer
                points: 1
                answer: queue client.sendq after 1
            """,
        ])
        let errors = SiteBuilder.build(tree, caches: sharedCaches).diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.id.rawValue) == ["yaml.malformed"], "\(errors.map(\.description))")
    }

    @Test("the same failing scenario used by two figures is reported once")
    func noRepeats() throws {
        let tree = try miniTree(extra: ["content/scenarios/dl.yaml": "title: x\nsteps:\n  - client: fly away\n"])
        let errors = SiteBuilder.build(tree, caches: sharedCaches).diagnostics.filter { $0.severity == .error }
        #expect(!errors.isEmpty)
        #expect(Set(errors).count == errors.count, "\(errors.map(\.description))")
    }

    /// Lines that made Ink backtrack exponentially or scan quadratically; each must render quickly
    /// and as text. The sizes are far past where Ink alone took minutes.
    static let pathological: [(String, String)] = [
        ("26 open brackets", String(repeating: "[", count: 26)),
        ("20,000 open brackets", String(repeating: "[", count: 20_000)),
        ("image brackets", String(repeating: "![", count: 5_000)),
        ("nested brackets", String(repeating: "[", count: 3_000) + "a" + String(repeating: "]", count: 3_000)),
        ("reference links", String(repeating: "[a][", count: 5_000)),
        ("unclosed link targets", String(repeating: "[a](", count: 5_000)),
        ("tags without end", String(repeating: "<a", count: 5_000)),
        ("tags without end, on lines", String(repeating: "<a\n", count: 5_000)),
        ("closing tags without name", String(repeating: "</", count: 5_000)),
        ("ampersands", String(repeating: "&a", count: 5_000)),
        ("ever deeper lists", (0..<2_000).map { String(repeating: " ", count: $0) + "- a" }.joined(separator: "\n")),
        // The fuzzer's corpus: a list 300 levels deep made XHTML that libxml2 refused.
        ("a list 300 levels deep", (0..<300).map { String(repeating: "  ", count: $0) + "- 항목" }.joined(separator: "\n")),
    ]

    @Test("Markdown that made Ink exponential or quadratic renders in linear time as well-formed text",
          arguments: pathological.map(\.0))
    func boundedMarkdown(_ name: String) throws {
        let text = try #require(Self.pathological.first { $0.0 == name }).1
        let clock = ContinuousClock()
        var html = ""
        let elapsed = clock.measure { html = Prose.html(fromMarkdown: text) }
        // A generous bound, so a loaded machine does not fail it: Ink alone took minutes or hours.
        #expect(elapsed < .seconds(5), "\(elapsed)")
        #expect(SourceMap.fragmentProblems(html).isEmpty, "\(html.prefix(200))")
    }

    @Test("bounding Markdown changes nothing for ordinary prose: links, tags, entities and code stay")
    func boundedMarkdownKeepsProse() {
        let md = "보기: [링크](https://example.com/a_b) 와 [참조][r], <b>굵게</b>, &amp; &#91;, `[code] <x & y>`, [대괄호만]\n\n```\n[x] <y> &z\n```\n\n[r]: https://example.org"
        let html = Prose.html(fromMarkdown: md)
        #expect(html.contains("<a href=\"https://example.com/a_b\">링크</a>"), "\(html)")
        #expect(html.contains("<b>굵게</b>"))
        #expect(html.contains("&amp; &#91;"), "an authored entity stays as written: \(html)")
        #expect(html.contains("<code>[code] &lt;x &amp; y&gt;</code>"), "\(html)")
        #expect(html.contains("[대괄호만]"))
        #expect(html.contains("[x] &lt;y&gt; &amp;z"), "\(html)")
    }

    @Test("a sequence figure of a transfer of 32 megabytes stays small: segments past 24 a step are elided")
    func hugeQueuesStaySmall() throws {
        let tree = try miniTree(extra: [
            "content/course.yaml": "title: t\nparameters: { sqs: 16777216, rqs: 16777216, mss: 536, msl: 30s }\nsections: [buf]\npages: [extra]\n",
            "content/scenarios/hs.yaml": "title: big\nsteps:\n  - server: listen 80\n  - client: connect server:80\n  - client: send 5000000\n  - server: recv 5000000\n",
        ])
        let result = SiteBuilder.build(tree, caches: sharedCaches)
        #expect(result.errors == [])
        let frames = result.files.filter { $0.path.hasPrefix("figures/buf-hand-") }
        #expect(!frames.isEmpty)
        for f in frames { #expect(f.contents.utf8.count < 200_000, "\(f.path): \(f.contents.utf8.count) bytes") }
        #expect(frames.contains { $0.contents.contains("개 생략") })
    }
}
