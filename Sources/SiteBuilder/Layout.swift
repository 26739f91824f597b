import CourseModel
import Mustache
import SourceFiles

/// What a page template sees: a small model made for it, never the domain types.
struct PageModel {
    struct Link { let href: String; let title: String }
    /// `numbered` is always there: a Mustache section on a missing (nil) `number` would find the
    /// page's own number further up the context and print it for the glossary, say.
    struct TocEntry {
        let href: String; let title: String; let number: String; let numbered: Bool; let current: Bool
    }

    let lang: String
    let courseTitle: String
    let title: String
    let heading: String
    let number: String?
    let summary: String
    let content: String
    let toc: [TocEntry]
    let prev: Link?
    let next: Link?
    let solutions: Bool
    let pageID: String
    /// The page's own headings (level 2), for its in-page table of contents.
    var outline: [Reading.Heading] = []
    /// Stored, not computed: Mustache reads a model's stored properties only.
    var hasOutline = false
}

struct IndexModel {
    struct Entry { let href: String; let number: String; let title: String; let summary: String }
    let lang: String
    let courseTitle: String
    let title: String
    let subtitle: String
    let sections: [Entry]
    let pages: [Entry]
    let exercises: [Entry]
    let hasExercises: Bool
    let templateHref: String?
    let toc: [PageModel.TocEntry]
    let solutions: Bool
    let pageID: String
    let parameters: String
    let printHref: String?
}

/// The printable book: every section in order with its exercises, then the extra pages.
struct PrintModel {
    struct Part { let id: String; let number: String?; let title: String; let summary: String; let content: String }
    let lang: String
    let courseTitle: String
    let title: String
    let subtitle: String
    let parameters: String
    let parts: [Part]
    let solutions: Bool
}

enum Layout {
    static func pages(chapter: Chapter, rendered: [RenderedPage], exercises: ExercisePages, library: MustacheLibrary,
                      options: BuildOptions, diagnostics: inout [Diagnostic],
                      renders: inout [String: (model: Any, template: String)]) -> [OutputFile] {
        struct Entry { let href: String; let title: String; let number: String; let summary: String; let content: String; let id: String }
        var entries: [Entry] = []
        entries.reserveCapacity(rendered.count + exercises.pages.count)
        for r in rendered {
            var content = r.html
            if let extra = exercises.sectionHTML[r.source.id] { content += extra }
            entries.append(Entry(href: "\(r.source.id).html", title: r.source.title, number: r.number.map(String.init) ?? "",
                                 summary: r.source.summary, content: content, id: r.source.id))
        }
        for p in exercises.pages {
            entries.append(Entry(href: p.path, title: p.title, number: "", summary: p.summary, content: p.html, id: p.id))
        }
        // Ids and permalinks on every heading (and glossary entry), links for bold page titles,
        // and the search index over the result.
        var titles: [String: String] = [:]
        for e in entries where !e.title.isEmpty { titles[e.title] = e.href }
        var outlines: [String: [Reading.Heading]] = [:]
        var search = SearchIndex()
        for i in entries.indices {
            let e = entries[i]
            let linked = Reading.linkingPageTitles(e.content, titles: titles, current: e.href)
            let anchored = Reading.anchor(linked, glossary: e.id == "glossary")
            outlines[e.href] = anchored.headings.filter { $0.level == 2 }
            search.addPage(html: anchored.html, href: e.href, title: e.number.isEmpty ? e.title : "\(e.number). \(e.title)",
                           headings: anchored.headings, entries: anchored.entries)
            entries[i] = Entry(href: e.href, title: e.title, number: e.number, summary: e.summary, content: anchored.html, id: e.id)
        }
        // Figure captions link to the heading that explains the step notation, wherever it is.
        var notation: String?
        for e in entries where notation == nil {
            if let h = outlines[e.href]?.first(where: { $0.text == Reading.notationHeading }) { notation = "\(e.href)#\(h.id)" }
        }
        for i in entries.indices where entries[i].content.contains(FigureHTML.notationMarker) {
            let e = entries[i]
            let content = notation.map { e.content.replacing("href=\"\(FigureHTML.notationMarker)\"", with: "href=\"\($0.xmlEscaped)\"") }
                ?? e.content.replacing(" <a class=\"notation\" href=\"\(FigureHTML.notationMarker)\">(그림 읽는 법)</a>", with: "")
            entries[i] = Entry(href: e.href, title: e.title, number: e.number, summary: e.summary, content: content, id: e.id)
        }
        let course = chapter.course
        func toc(current: String) -> [PageModel.TocEntry] {
            entries.map { PageModel.TocEntry(href: $0.href, title: $0.title, number: $0.number, numbered: !$0.number.isEmpty, current: $0.href == current) }
        }
        var files: [OutputFile] = []
        func render(_ model: Any, template: String, path: String) {
            guard let html = library.render(model, withTemplate: template) else {
                diagnostics.append(Diagnostic(at: SourceLocation(file: "templates/\(template).mustache"), id: .templateMissing,
                                              "template '\(template)' could not be rendered for \(path)"))
                return
            }
            files.append(OutputFile(path: path, contents: html))
            renders[path] = (model, template)
        }
        for (i, e) in entries.enumerated() {
            let prev = i > 0 ? PageModel.Link(href: entries[i - 1].href, title: entries[i - 1].title) : PageModel.Link(href: "index.html", title: course.title)
            let next = i + 1 < entries.count ? PageModel.Link(href: entries[i + 1].href, title: entries[i + 1].title) : nil
            let model = PageModel(lang: course.language, courseTitle: course.title,
                                  title: e.number.isEmpty ? e.title : "\(e.number). \(e.title)", heading: e.title,
                                  number: e.number.isEmpty ? nil : e.number, summary: e.summary, content: e.content,
                                  toc: toc(current: e.href), prev: prev, next: next, solutions: options.solutions, pageID: e.id,
                                  outline: outlines[e.href] ?? [], hasOutline: !(outlines[e.href] ?? []).isEmpty)
            render(model, template: "page", path: e.href)
        }
        let sections = rendered.filter { $0.source.isSection }.map {
            IndexModel.Entry(href: "\($0.source.id).html", number: $0.number.map(String.init) ?? "", title: $0.source.title, summary: $0.source.summary)
        }
        let pages = rendered.filter { !$0.source.isSection }.map {
            IndexModel.Entry(href: "\($0.source.id).html", number: "", title: $0.source.title, summary: $0.source.summary)
        }
        let exerciseEntries = exercises.pages.map { IndexModel.Entry(href: $0.path, number: "", title: $0.title, summary: $0.summary) }
        let params = ["sqs", "rqs", "mss"].compactMap { k in course.parameters[k].map { "\(k.uppercased()) = \($0)" } }.joined(separator: ", ")
        let index = IndexModel(lang: course.language, courseTitle: course.title, title: course.title, subtitle: course.subtitle,
                               sections: sections, pages: pages, exercises: exerciseEntries, hasExercises: !exerciseEntries.isEmpty, templateHref: exercises.templatePath,
                               toc: toc(current: "index.html"), solutions: options.solutions, pageID: "index", parameters: params,
                               printHref: PrintBook.path)
        render(index, template: "index", path: "index.html")
        search.add(SearchIndex.Document(href: "index.html", title: course.title, page: course.title, text: course.subtitle))
        files.append(OutputFile(path: "assets/search-index.js", contents: search.script()))
        let book = PrintBook.model(chapter: chapter, parts: entries.filter { e in rendered.contains { $0.source.id == e.id } }
                                    .map { (id: $0.id, number: $0.number, title: $0.title, summary: $0.summary, content: $0.content) },
                                   parameters: params, solutions: options.solutions)
        render(book, template: "print", path: PrintBook.path)
        return files
    }
}
