import Testing
@testable import SiteBuilder

@Suite("Prose: Markdown to XHTML")
struct ProseTests {
    @Test("a line starting with a code span continues its paragraph")
    func codeSpanAtLineStart() {
        let html = Prose.html(fromMarkdown: "클라이언트는\n`bind()`를 호출하지 않습니다.\n\n다음 문단")
        #expect(html.hasPrefix("<p>클라이언트는 <code>bind()</code>를 호출하지 않습니다.</p>"), "\(html)")
        #expect(html.components(separatedBy: "<p>").count == 3)
    }

    @Test("list items and fenced code keep their lines")
    func listsAndFences() {
        let html = Prose.html(fromMarkdown: "1. 서버: `socket()`\n2. 클라이언트: `connect()`\n\n```\nsend(s, buf, 1000, 0);\n`x`\n```\n")
        #expect(html.contains("<li>서버: <code>socket()</code></li>"))
        #expect(html.contains("<li>클라이언트: <code>connect()</code></li>"))
        #expect(html.contains("`x`"), "a backtick line inside a fence is code, untouched: \(html)")
    }

    @Test("void elements are closed, so the page stays XML")
    func voidElements() {
        let html = Prose.html(fromMarkdown: "a\n\n---\n\nb")
        #expect(html.contains("<hr/>") && !html.contains("<hr>"))
    }

    @Test("placeholders are replaced in one pass; alone in a paragraph they replace the paragraph")
    func tokens() {
        let out = Tokens.replace(in: "<p>SOCKLABFIGUREaEND</p><p>x SOCKLABVALUE0END y SOCKLABVALUE9END</p>",
                                 ["SOCKLABFIGUREaEND": "<figure/>", "SOCKLABVALUE0END": "500"])
        #expect(out == "<figure/><p>x 500 y SOCKLABVALUE9END</p>")
    }
}
