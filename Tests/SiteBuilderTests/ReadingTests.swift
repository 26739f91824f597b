import CourseModel
import Foundation
import SourceFiles
import Testing
@testable import SiteBuilder

/// What the reader gets around the prose, checked on the built site: identifiers are never
/// emphasis, every heading and glossary entry has an id and a permalink, page titles in bold link
/// to their pages, the search index covers the headings, and print marks a few frames per figure.
@Suite("Reading aids in the built site")
struct ReadingTests {
    static func pages(_ result: BuildResult) -> [(path: String, html: String)] {
        result.files.filter { $0.path.hasSuffix(".html") }.map { ($0.path, $0.contents) }
    }

    @Test("identifiers with underscores are never emphasis, in the student and the instructor build",
          arguments: [false, true])
    func underscores(solutions: Bool) throws {
        let result = SiteBuilder.build(try realTree(), options: BuildOptions(solutions: solutions), caches: sharedCaches)
        #expect(result.errors == [])
        var identifiers = 0
        for (path, html) in Self.pages(result) {
            // Ink's reading of FIN_WAIT_2 as FIN<em>WAIT</em>2: an <em> between two word characters.
            for pattern in ["[A-Za-z0-9]<em>[A-Za-z0-9]", "[A-Za-z0-9]</em>[A-Za-z0-9]", "[A-Za-z0-9]<strong>[A-Za-z0-9]"] {
                let hits = html.ranges(of: try Regex(pattern)).map { String(html[$0]) }
                #expect(hits.isEmpty, "\(path) (\(solutions ? "instructor" : "student")): \(hits.prefix(5))")
            }
            identifiers += html.ranges(of: try Regex("[A-Z]+_[A-Z0-9_]+")).count
        }
        #expect(identifiers > 50, "the chapter writes identifiers such as FIN_WAIT_2")
        // The exercises use them too: an explanation or question naming a state keeps its underscores.
        let exercises = try #require(result.files.first { $0.path == "exercises.html" }?.contents)
        #expect(exercises.contains("TIME_WAIT"))
    }

    @Test("the Markdown renderer keeps identifiers and still renders emphasis")
    func markdownUnit() {
        #expect(Prose.html(fromMarkdown: "상태는 FIN_WAIT_2이다") == "<p>상태는 FIN_WAIT_2이다</p>")
        #expect(Prose.html(fromMarkdown: "SO_REUSEADDR와 SHUT_WR, `TIME_WAIT`") == "<p>SO_REUSEADDR와 SHUT_WR, <code>TIME_WAIT</code></p>")
        #expect(Prose.html(fromMarkdown: "_강조_와 **굵게**") == "<p><em>강조</em>와 <strong>굵게</strong></p>")
    }

    @Test("every heading and glossary entry has a unique id and a permalink; bold page titles are links")
    func anchors() throws {
        let result = SiteBuilder.build(try realTree(), caches: sharedCaches)
        for (path, html) in Self.pages(result) where path != "print.html" {
            for heading in html.ranges(of: try Regex("<h[23][ >]")) {
                let tag = html[heading.lowerBound...].prefix(while: { $0 != ">" })
                #expect(tag.contains(" id=\""), "\(path): \(tag)")
            }
            let ids = html.ranges(of: try Regex(" id=\"[^\"]*\"")).map { String(html[$0]) }
            #expect(Set(ids).count == ids.count, "\(path): duplicate ids \(Dictionary(grouping: ids, by: { $0 }).filter { $1.count > 1 }.keys.sorted())")
        }
        let glossary = try #require(result.files.first { $0.path == "glossary.html" }?.contents)
        let rows = glossary.components(separatedBy: "<tr id=\"용어-").count - 1
        #expect(rows >= 30, "glossary entries with ids: \(rows)")
        #expect(glossary.contains("<tr id=\"용어-교착상태\"><td>교착상태 <a class=\"permalink\" href=\"#용어-교착상태\""))
        let deadlock = try #require(result.files.first { $0.path == "deadlock.html" }?.contents)
        #expect(deadlock.contains("<a class=\"xref\" href=\"linux.html\"><strong>리눅스에서는</strong></a>"))
        #expect(!deadlock.contains("<a class=\"xref\" href=\"deadlock.html\""), "a page does not link to itself")
    }

    /// The index reads only the start of a long section; its snippet must be the one reading the
    /// whole section gives, wherever the cut falls (in an entity, a `" #"`, a combining mark, a tag).
    @Test("a snippet read from the start of the HTML is the snippet of the whole HTML")
    func snippetFromTheStart() {
        let pieces = ["<p>", "</p>", "<svg><desc>", "</desc></svg>", "&amp;", "&lt;", "&quot;", "&#39;", "&", " #", "#", " ", "\n\t", "\r\u{0B}\u{0C}", "\u{A0}\u{3000}",
                      "송신큐가", "TIME_WAIT", "e\u{301}", "\u{1F1F0}\u{1F1F7}", "<a class=\"permalink\" href=\"#x\">#</a>", "글자 ", "<b", ">"]
        var state: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var cutShort = 0
        for round in 0..<300 {
            let count = round < 20 ? round : next(round % 3 == 0 ? 3000 : 400)
            let html = (0..<count).map { _ in pieces[next(pieces.count)] }.joined()
            let whole = SearchIndex.snippet(Reading.plainText(html))
            #expect(SearchIndex.snippet(html: html[...]) == whole, "round \(round): \(html.prefix(80))")
            if !Reading.plainText(html[...], maxScalars: 4 * SearchIndex.snippetLength).complete { cutShort += 1 }
        }
        #expect(cutShort > 20, "only \(cutShort) inputs were long enough to be read in part")
    }

    @Test("the search index is a script listing every heading, with Hangul bigrams")
    func searchIndex() throws {
        let result = SiteBuilder.build(try realTree(), caches: sharedCaches)
        let script = try #require(result.files.first { $0.path == "assets/search-index.js" }?.contents)
        #expect(script.hasPrefix("// Built with the site"))
        #expect(script.contains("window.SOCKLAB_SEARCH = {\"docs\":["))
        #expect(!script.contains("</"), "no closing tag can end a script element")
        for (path, html) in Self.pages(result) where path != "print.html" && path != "index.html" {
            for m in html.matches(of: try Regex("<h2 id=\"([^\"]*)\"")) {
                let id = String(m.output[1].substring ?? "")
                #expect(script.contains("\"\(path)#\(id)\""), "\(path)#\(id) is not in the index")
            }
        }
        #expect(SearchIndex.terms("송신 큐가 TIME_WAIT에서") == ["송", "신", "송신", "큐", "가", "큐가", "time_wait", "에", "서", "에서"])
        #expect(script.contains("\"교착\":["))
    }

    @Test("print.html holds every section once with its exercises, and a few frames per figure")
    func printBook() throws {
        let result = SiteBuilder.build(try realTree(), caches: sharedCaches)
        let book = try #require(result.files.first { $0.path == "print.html" }?.contents)
        for id in ["structures", "buffering", "deadlock", "performance", "lifecycle", "closing", "glossary", "linux"] {
            #expect(book.components(separatedBy: "<section class=\"book-part\" id=\"part-\(id)\">").count == 2, "\(id) once")
        }
        #expect(!book.contains("id=\"part-exercises\""), "the collected exercises are not printed again")
        let exercises = book.components(separatedBy: "<section class=\"exercise\" ").count - 1
        let onPages = result.files.filter { $0.path == "exercises.html" }.first.map { $0.contents.components(separatedBy: "<section class=\"exercise\" ").count - 1 } ?? 0
        #expect(exercises == onPages && exercises > 10, "every exercise once: \(exercises) of \(onPages)")
        // Every figure prints at least one frame and at most two unless the content asks.
        for figure in book.components(separatedBy: "<figure class=\"sim-figure\"").dropFirst() {
            let printed = figure.components(separatedBy: "<div class=\"frame\" ").count - 1
            let skipped = figure.components(separatedBy: "<div class=\"frame no-print\" ").count - 1
            #expect(printed >= 1 && printed <= 2, "\(figure.prefix(80)): \(printed) of \(printed + skipped) frames printed")
        }
        #expect(!book.contains("stepper.js"), "the book has no step-through controls")
    }

    @Test("print frames: the kind's default, or the frames the front matter names")
    func printFrames() {
        var d: [Diagnostic] = []
        let here = SourceLocation(file: "content/sections/x.md", line: 3)
        #expect(PrintBook.frames(kind: .sequence, count: 9, option: nil, location: here, diagnostics: &d) == [9])
        #expect(PrintBook.frames(kind: .queues, count: 7, option: nil, location: here, diagnostics: &d) == [4, 7])
        #expect(PrintBook.frames(kind: .queues, count: 3, option: nil, location: here, diagnostics: &d) == [2, 3])
        #expect(PrintBook.frames(kind: .queues, count: 2, option: nil, location: here, diagnostics: &d) == [1, 2])
        #expect(PrintBook.frames(kind: .ring, count: 7, option: "2, 5", location: here, diagnostics: &d) == [2, 5])
        #expect(d.isEmpty)
        #expect(PrintBook.frames(kind: .ring, count: 3, option: "4", location: here, diagnostics: &d) == [2, 3])
        #expect(d.map(\.id.rawValue) == ["content.print-frame"])
    }
}
