import Foundation

/// What a reader needs around the prose: every heading and glossary entry with an id and a visible
/// permalink, the page's outline (its in-page table of contents), and references to other pages
/// (a bold page title in the text) turned into links.
///
/// It works on the HTML that Ink and the figure and exercise writers produce, whose headings are
/// plain `<h2>`/`<h3>` start tags without attributes, so a heading written by hand with its own
/// attributes is left as it is.
enum Reading {
    /// The heading that explains the figures' step notation; every caption links to it.
    static let notationHeading = "그림 읽는 법"

    struct Heading: Sendable, Hashable {
        var id: String
        var level: Int
        /// The heading's text without markup.
        var text: String
    }

    struct Result {
        var html: String
        var headings: [Heading]
        /// Glossary rows: the term (first cell's text) and the row's id.
        var entries: [Heading]
    }

    /// Adds ids and permalinks to the `<h2>`/`<h3>` headings and, when `glossary`, to every table
    /// row of the body; ids already in `html` are never reused.
    static func anchor(_ html: String, glossary: Bool) -> Result {
        var used = ids(in: html)
        var headings: [Heading] = []
        var entries: [Heading] = []
        var out = ""
        out.reserveCapacity(html.utf8.count + 4096)
        var rest = Substring(html)
        func unique(_ base: String) -> String {
            var id = base, n = 2
            while used.contains(id) { id = "\(base)-\(n)"; n += 1 }
            used.insert(id)
            return id
        }
        while let open = nextOpening(in: rest, glossary: glossary) {
            out += rest[..<open.range.lowerBound]
            let afterTag = rest[open.range.upperBound...]
            let closeTag = open.tag == "tr" ? "</td>" : "</\(open.tag)>"
            guard let close = find(closeTag, in: afterTag) else {
                out += rest[open.range]
                rest = afterTag
                continue
            }
            let inner = afterTag[..<close.lowerBound]
            if open.tag == "tr" {
                // `<tr><td>TERM</td>…`: the row gets the id, the first cell the permalink.
                let cellStart = find("<td>", in: inner).map { inner[$0.upperBound...] } ?? inner
                let term = plainText(String(cellStart))
                guard !term.isEmpty else {
                    out += rest[open.range]
                    rest = afterTag
                    continue
                }
                let id = unique("용어-" + slug(term))
                entries.append(Heading(id: id, level: 3, text: term))
                out += "<tr id=\"\(id.xmlEscaped)\">" + inner + " " + permalink(id, what: "용어") + "</td>"
            } else {
                let text = plainText(String(inner))
                let id = unique(slug(text))
                headings.append(Heading(id: id, level: open.tag == "h2" ? 2 : 3, text: text))
                out += "<\(open.tag) id=\"\(id.xmlEscaped)\">" + inner + " " + permalink(id, what: "제목") + "</\(open.tag)>"
            }
            rest = afterTag[close.upperBound...]
        }
        out += rest
        return Result(html: out, headings: headings, entries: entries)
    }

    /// A forward search on UTF-8 bytes with the C library's `memchr` and `memcmp`. Foundation's `range(of:)`
    /// bridges the whole string to UTF-16 on every call, and the standard library's generic
    /// `firstRange(of:)` looks up type metadata on every comparison: with either, anchoring and
    /// indexing the pages (300 KB of inline SVG each) took the release build from 0.4 s to 10 s
    /// of CPU time (`socklab-bench build`); with the C calls it is back to about 0.4 s.
    static func find(_ needle: String, in s: Substring) -> Range<String.Index>? {
        var needle = needle
        let found: Range<String.Index>?? = s.utf8.withContiguousStorageIfAvailable { hay in
            needle.withUTF8 { n -> Range<String.Index>? in
                guard let h = hay.baseAddress, let nb = n.baseAddress, n.count > 0, hay.count >= n.count else { return nil }
                let first = Int32(n[0]), last = hay.count - n.count
                var i = 0
                while i <= last {
                    // memchr jumps to the next candidate first byte; memcmp checks the rest.
                    guard let p = memchr(h + i, first, last - i + 1) else { return nil }
                    i = UnsafeRawPointer(p) - UnsafeRawPointer(h)
                    if memcmp(h + i, nb, n.count) == 0 {
                        let lower = s.utf8.index(s.utf8.startIndex, offsetBy: i)
                        return lower..<s.utf8.index(lower, offsetBy: n.count)
                    }
                    i += 1
                }
                return nil
            }
        }
        if let found { return found }
        return s.utf8.firstRange(of: needle.utf8)
    }

    static func permalink(_ id: String, what: String) -> String {
        "<a class=\"permalink\" href=\"#\(id.xmlEscaped)\" aria-label=\"이 \(what == "제목" ? "제목으로" : "용어로") 바로 가는 링크\">#</a>"
    }

    /// The next `<h2>`, `<h3>` or (in the glossary) `<tr>` followed by `<td>`, whichever is first.
    static func nextOpening(in s: Substring, glossary: Bool) -> (tag: String, range: Range<Substring.Index>)? {
        var best: (String, Range<Substring.Index>)?
        for tag in glossary ? ["h2", "h3", "tr"] : ["h2", "h3"] {
            var from = s.startIndex
            while let r = find("<\(tag)>", in: s[from...]) {
                if tag == "tr", !s[r.upperBound...].hasPrefix("<td>") { from = r.upperBound; continue }
                if best == nil || r.lowerBound < best!.1.lowerBound { best = (tag, r) }
                break
            }
        }
        return best
    }

    /// `id="…"` values already in the page.
    static func ids(in html: String) -> Set<String> {
        var out = Set<String>()
        var rest = Substring(html)
        while let r = find(" id=\"", in: rest) {
            let after = rest[r.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            out.insert(String(after[..<end]))
            rest = after[end...]
        }
        return out
    }

    /// Text without tags, entities decoded (the few the writers emit), whitespace collapsed.
    static func plainText(_ html: String) -> String { plainText(html[...], maxScalars: .max).text }

    /// The same, stopping once the text (before entities are decoded) has `maxScalars` scalars;
    /// `complete` says whether all of `html` was read. The text is then the start of the whole
    /// text, but for its last few characters (an entity or a `" #"` the cut went through).
    static func plainText(_ html: Substring, maxScalars: Int) -> (text: String, complete: Bool) {
        // One pass over Unicode scalars that drops the tags and makes each run of white space one
        // space: a pass over Characters and a split on white space were 6 % of the release
        // build's CPU time (the search index reads every page), this is about a quarter of that.
        var scalars = String.UnicodeScalarView()
        var count = 0
        var inTag = false, space = false, complete = true
        for u in html.unicodeScalars {
            if u == "<" { inTag = true; continue }
            if u == ">" { inTag = false; continue }
            if inTag { continue }
            if u.properties.isWhitespace { space = count > 0; continue }
            if count >= maxScalars - 1 { complete = false; break }
            if space { scalars.append(" "); space = false; count += 1 }
            scalars.append(u)
            count += 1
        }
        return (decodingEntities(String(scalars)), complete)
    }

    /// `&lt;` and the other entities the writers emit, decoded.
    static func decodingEntities(_ out: String) -> String {
        guard out.utf8.contains(UInt8(ascii: "&")) else { return out }
        // One pass over the text (Foundation's replacingOccurrences, six times per heading, was a
        // tenth of the release build's CPU time).
        var decoded = ""
        var rest = Substring(out)
        let entities: [(String, String)] = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&#39;", "'"), ("&amp;", "&")]
        while let amp = rest.firstIndex(of: "&") {
            decoded += rest[..<amp]
            let tail = rest[amp...]
            if let (e, c) = entities.first(where: { tail.hasPrefix($0.0) }) {
                decoded += c
                rest = tail.dropFirst(e.count)
            } else {
                decoded += "&"
                rest = tail.dropFirst()
            }
        }
        decoded += rest
        return decoded
    }

    /// An id from heading text: letters (Hangul included) and digits kept, lowercased, the rest
    /// one `-`; a leading digit gets `h-` (an XML name cannot start with one).
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for u in text.lowercased().unicodeScalars {
            if u.properties.isAlphabetic || ("0"..."9").contains(u) || u == "_" {
                if dash && !out.isEmpty { out += "-" }
                out.unicodeScalars.append(u)
                dash = false
            } else {
                dash = true
            }
        }
        if out.isEmpty { return "h" }
        if let f = out.unicodeScalars.first, ("0"..."9").contains(f) { return "h-" + out }
        return out
    }

    /// `<strong>TITLE</strong>` where TITLE is another page's title becomes a link to that page
    /// ("부록 페이지 **리눅스에서는** 참고" links to the appendix). A bold title already inside a link
    /// stays as it is.
    static func linkingPageTitles(_ html: String, titles: [String: String], current: String) -> String {
        var out = html
        for (title, href) in titles.sorted(by: { $0.key < $1.key }) where href != current {
            let bold = "<strong>\(title.xmlEscaped)</strong>"
            guard find(bold, in: out[...]) != nil else { continue }
            var result = ""
            var rest = Substring(out)
            while let r = find(bold, in: rest) {
                let before = rest[..<r.lowerBound]
                result += before
                let lastOpen = result.range(of: "<a ", options: .backwards)?.lowerBound
                let lastClose = result.range(of: "</a>", options: .backwards)?.lowerBound
                let insideLink = lastOpen.map { open in lastClose.map { $0 < open } ?? true } ?? false
                if insideLink {
                    result += bold
                } else {
                    result += "<a class=\"xref\" href=\"\(href.xmlEscaped)\">\(bold)</a>"
                }
                rest = rest[r.upperBound...]
            }
            result += rest
            out = result
        }
        return out
    }
}
