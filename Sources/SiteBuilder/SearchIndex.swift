/// The site's search index, built with the site and written as a script (`assets/search-index.js`)
/// so search works from `file://`, where a page may not fetch a JSON file.
///
/// Korean writes particles and endings onto nouns without a space ("송신큐가", "TIME_WAIT에서"), so
/// whole words would not match. Hangul is indexed as syllable bigrams (and single syllables, for
/// one-syllable queries); Latin letters, digits and `_` as lowercased words, which the page matches
/// by prefix. A document is a page, a heading with the text under it, or a glossary entry.
struct SearchIndex {
    struct Document: Sendable, Hashable {
        var href: String
        var title: String
        var page: String
        var text: String
    }

    private(set) var documents: [Document] = []

    mutating func add(_ d: Document) { documents.append(d) }

    /// Every heading of a rendered page as a document with the text up to the next heading.
    mutating func addPage(html: String, href: String, title: String, headings: [Reading.Heading], entries: [Reading.Heading]) {
        let starts = headings.compactMap { h -> (Reading.Heading, String.Index)? in
            Reading.find("id=\"\(h.id.xmlEscaped)\"", in: html[...]).map { (h, $0.lowerBound) }
        }
        add(Document(href: href, title: title, page: title, text: Self.snippet(html: html[..<(starts.first?.1 ?? html.endIndex)])))
        for (i, (h, start)) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1].1 : html.endIndex
            add(Document(href: "\(href)#\(h.id)", title: h.text, page: title, text: Self.snippet(html: html[start..<end])))
        }
        for e in entries {
            guard let r = Reading.find("id=\"\(e.id.xmlEscaped)\"", in: html[...]) else { continue }
            let rowEnd = Reading.find("</tr>", in: html[r.upperBound...])?.lowerBound ?? html.endIndex
            let row = Reading.plainText(String(html[r.upperBound..<rowEnd]).replacing("</td>", with: " · </td>"))
            add(Document(href: "\(href)#\(e.id)", title: e.text, page: title, text: Self.snippet(row)))
        }
    }

    /// Plenty for matching and showing a line under the result; a section's text can run long.
    static let snippetLength = 600

    static func snippet(_ s: String) -> String {
        let cleaned = s.replacing(" #", with: "")
        return cleaned.count > snippetLength ? String(cleaned.prefix(snippetLength)) : cleaned
    }

    /// `snippet(Reading.plainText(html))`, reading only the start of `html` while that gives
    /// enough text: a section's HTML holds its figures, every frame's text included, and the whole
    /// of it was read for the 600 characters kept (a third of the search index's build time).
    /// Text read only in part is used when it has well over 600 characters, so the few at the
    /// cut cannot reach the snippet; else more is read.
    static func snippet(html: Substring) -> String {
        var limit = 4 * snippetLength
        while true {
            let (text, complete) = Reading.plainText(html, maxScalars: limit)
            if complete { return snippet(text) }
            let cleaned = text.replacing(" #", with: "")
            if cleaned.count > snippetLength + 100 { return String(cleaned.prefix(snippetLength)) }
            limit *= 4
        }
    }

    /// The index terms of `text`: Hangul syllables and their bigrams, Latin/digit words.
    static func terms(_ text: String) -> Set<String> {
        var out = Set<String>()
        var word = ""
        var hangul: [Unicode.Scalar] = []
        func flushWord() {
            if !word.isEmpty { out.insert(word) }
            word = ""
        }
        func flushHangul() {
            for (i, s) in hangul.enumerated() {
                out.insert(String(s))
                if i + 1 < hangul.count { out.insert(String(s) + String(hangul[i + 1])) }
            }
            hangul = []
        }
        for u in text.unicodeScalars {
            if (0xAC00...0xD7A3).contains(u.value) {
                flushWord()
                hangul.append(u)
            } else if ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u) || u == "_" {
                flushHangul()
                word.unicodeScalars.append(Unicode.Scalar(u.value | (("A"..."Z").contains(u) ? 0x20 : 0))!)
            } else {
                flushWord()
                flushHangul()
            }
        }
        flushWord()
        flushHangul()
        return out
    }

    /// `window.SOCKLAB_SEARCH = {docs: [[href, title, page, text]…], title: {term: [doc…]}, body: {…}}`.
    func script() -> String {
        var titlePostings: [String: [Int]] = [:]
        var bodyPostings: [String: [Int]] = [:]
        for (i, d) in documents.enumerated() {
            for t in Self.terms(d.title) { titlePostings[t, default: []].append(i) }
            for t in Self.terms(d.text) { bodyPostings[t, default: []].append(i) }
        }
        var s = "// Built with the site by socklab build: the search index (see SearchIndex.swift).\n"
        s += "window.SOCKLAB_SEARCH = {\"docs\":["
        s += documents.map { "[\(js($0.href)),\(js($0.title)),\(js($0.page)),\(js($0.text))]" }.joined(separator: ",\n")
        s += "],\n\"title\":" + postings(titlePostings) + ",\n\"body\":" + postings(bodyPostings) + "};\n"
        return s
    }

    private func postings(_ p: [String: [Int]]) -> String {
        "{" + p.keys.sorted().map { "\(js($0)):[\(p[$0]!.map(String.init).joined(separator: ","))]" }.joined(separator: ",") + "}"
    }

    /// A JavaScript string literal; `<` escaped so no `</script>` can appear.
    private func js(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "<": out += "\\u003c"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 { out += " " } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
