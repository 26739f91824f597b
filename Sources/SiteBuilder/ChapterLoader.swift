import CourseModel
import Diagrams
import SourceFiles
import Yams

/// Reads `content/` into a `Chapter`, reporting every problem it finds with file, line and field.
public enum ChapterLoader {
    static let pageKeys = ["id", "title", "summary", "figures", "values"]
    static let figureKeys = ["scenario", "kind", "after", "host", "queue", "caption", "options"]
    static let valueKeys = ["scenario", "query"]

    public static func load(_ tree: SourceTree) -> (Chapter?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard let courseText = tree["content/course.yaml"] else {
            return (nil, [Diagnostic(at: SourceLocation(file: "content/course.yaml"), id: .contentMissing,
                                     "content/course.yaml is missing: it names the course, its parameters and its sections")])
        }
        var course: CourseConfig
        do { course = try CourseConfig.load(text: courseText, file: "content/course.yaml") } catch {
            return (nil, error.diagnostics)
        }

        var scenarios: [String: (path: String, text: String)] = [:]
        for path in tree.paths(under: "content/scenarios", suffix: ".yaml") {
            scenarios[Course.scenarioName(path)] = (path, tree[path]!)
        }

        var byID: [String: PageSource] = [:]
        var failed = Set<String>()
        for path in tree.paths(under: "content/sections", suffix: ".md") + tree.paths(under: "content/pages", suffix: ".md") {
            do {
                let page = try loadPage(tree[path]!, file: path, isSection: path.hasPrefix("content/sections/"), scenarios: scenarios)
                if let other = byID[page.id] {
                    diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: 2), id: .contentDuplicateID,
                                                  "page id '\(page.id)' is already used by \(other.file)"))
                } else {
                    byID[page.id] = page
                }
            } catch {
                diagnostics += error.diagnostics
                failed.insert(probableID(tree[path]!, file: path))
            }
        }
        var sections: [PageSource] = []
        var pages: [PageSource] = []
        for (list, ids, what) in [(0, course.sections, "sections"), (1, course.pages, "pages")] {
            for id in ids {
                guard let page = byID[id] else {
                    if failed.contains(id) { continue }
                    diagnostics.append(Diagnostic(at: SourceLocation(file: "content/course.yaml"), id: .contentUnknownPage,
                                                  "course.yaml lists '\(id)' under \(what), but no content/\(what)/*.md has 'id: \(id)'"))
                    continue
                }
                if list == 0 { sections.append(page) } else { pages.append(page) }
            }
        }
        let listed = Set(course.sections + course.pages)
        for page in byID.values.sorted(by: { $0.file < $1.file }) where !listed.contains(page.id) {
            diagnostics.append(Diagnostic(.warning, at: SourceLocation(file: page.file, line: 2), id: .contentUnlistedPage,
                                          "page '\(page.id)' is not listed in course.yaml, so it is not built"))
        }
        var exercises: [String: String] = [:]
        for path in tree.paths(under: "content/exercises", suffix: ".yaml") { exercises[path] = tree[path]! }
        return (Chapter(course: course, sections: sections, pages: pages, scenarios: scenarios, exercises: exercises,
                        failedIDs: failed), diagnostics)
    }

    /// The id a page that failed to load most likely has: its front matter's `id:` line, else its
    /// file name without the `NN-` prefix.
    static func probableID(_ text: String, file: String) -> String {
        for line in text.split(separator: "\n", maxSplits: 200, omittingEmptySubsequences: false).dropFirst().prefix(200) {
            if line.hasPrefix("---") { break }
            if line.hasPrefix("id:") {
                let v = line.dropFirst(3).trimmingCharacters()
                return v.count >= 2 && (v.hasPrefix("\"") || v.hasPrefix("'")) ? String(v.dropFirst().dropLast()) : v
            }
        }
        var stem = Substring(file.split(separator: "/").last ?? "")
        if stem.hasSuffix(".md") { stem = stem.dropLast(3) }
        if let dash = stem.firstIndex(of: "-"), stem[..<dash].allSatisfy(\.isNumber), !stem[..<dash].isEmpty { stem = stem[stem.index(after: dash)...] }
        return String(stem)
    }

    /// Ids name output files (`ID.html`, `figures/PAGE-ID-1.svg`) and HTML ids: letters, digits, `-`, `_`.
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 100 && id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    static func loadPage(_ text: String, file: String, isSection: Bool,
                         scenarios: [String: (path: String, text: String)]) throws(DiagnosticError) -> PageSource {
        let split = try FrontMatterFile.split(text, file: file)
        let doc = try YAMLDocument(text: split.yaml, file: file)
        var r = YAMLReader(doc)
        var page = PageSource(id: "", title: "", summary: "", file: file, body: split.body, bodyLine: split.bodyLine,
                              figures: [], values: [], isSection: isSection)
        guard let entries = r.mapping(doc.root, "the front matter") else { throw DiagnosticError(r.diagnostics) }
        for e in entries {
            switch e.key {
            case "id":
                page.id = r.string(e.value, "id") ?? ""
                if !page.id.isEmpty && !isValidID(page.id) {
                    r.add(doc.error(e.value, .contentBadID, "id '\(page.id)' names the page's file: use only letters, digits, '-' and '_'"))
                }
            case "title": page.title = r.string(e.value, "title") ?? ""
            case "summary": page.summary = r.string(e.value, "summary") ?? ""
            case "figures":
                for f in r.mapping(e.value, "figures") ?? [] {
                    if let spec = figure(f.key, f.value, &r, doc: doc, scenarios: scenarios) { page.figures.append(spec) }
                }
            case "values":
                for v in r.mapping(e.value, "values") ?? [] {
                    guard let fields = r.mapping(v.value, "value \(v.key)") else { continue }
                    var scenario: String?, query: String?
                    for f in fields {
                        switch f.key {
                        case "scenario": scenario = r.string(f.value, "scenario")
                        case "query": query = r.string(f.value, "query")
                        default: r.unknownKey(f.key, f.keyNode, in: "value \(v.key)", known: valueKeys)
                        }
                    }
                    guard let scenario, let query else {
                        r.add(doc.error(v.value, .contentValue, "value \(v.key) needs both 'scenario' and 'query'"))
                        continue
                    }
                    if scenarios[scenario] == nil {
                        r.add(doc.error(v.value, .contentUnknownScenario, "value \(v.key): no scenario '\(scenario)' in content/scenarios/"))
                        continue
                    }
                    page.values.append(ValueSpec(id: v.key, scenario: scenario, query: query, location: doc.location(v.keyNode)))
                }
            default:
                r.unknownKey(e.key, e.keyNode, in: "the front matter", known: pageKeys)
            }
        }
        if page.id.isEmpty { r.add(doc.error(doc.root, .contentNoID, "the front matter needs 'id:'")) }
        if page.title.isEmpty { r.add(doc.error(doc.root, .contentNoTitle, "the front matter needs 'title:'")) }
        if !r.diagnostics.isEmpty { throw DiagnosticError(r.diagnostics) }
        return page
    }

    static func figure(_ id: String, _ node: Node, _ r: inout YAMLReader, doc: YAMLDocument,
                       scenarios: [String: (path: String, text: String)]) -> FigureSpec? {
        guard let fields = r.mapping(node, "figure \(id)") else { return nil }
        if !isValidID(id) {
            r.add(doc.error(node, .contentBadID, "figure id '\(id)' names the figure's files: use only letters, digits, '-' and '_'"))
            return nil
        }
        var kind: FigureKind?
        var spec = FigureSpec(id: id, scenario: nil, kind: .queues, after: [], host: nil, queue: nil, caption: "",
                              options: [:], location: doc.location(node))
        for f in fields {
            switch f.key {
            case "scenario":
                spec.scenario = r.string(f.value, "scenario")
                if let s = spec.scenario, scenarios[s] == nil {
                    r.add(doc.error(f.value, .contentUnknownScenario, "figure \(id): no scenario '\(s)' in content/scenarios/"))
                }
            case "kind":
                if let k = r.string(f.value, "kind") {
                    kind = FigureKind(rawValue: k)
                    if kind == nil {
                        r.add(doc.error(f.value, .contentFigureKind, "figure \(id): unknown kind '\(k)'",
                                        notes: ["kinds: \(FigureKind.allCases.map(\.rawValue).joined(separator: ", "))"]))
                    }
                }
            case "after":
                if case .scalar = f.value {
                    if let n = r.integer(f.value, "after", range: 1...100_000) { spec.after = [n] }
                } else {
                    spec.after = (r.sequence(f.value, "after") ?? []).compactMap { r.integer($0, "a step number in after", range: 1...100_000) }
                }
            case "host": spec.host = r.string(f.value, "host")
            case "queue": spec.queue = r.string(f.value, "queue")
            case "caption": spec.caption = r.string(f.value, "caption") ?? ""
            case "options":
                for o in r.mapping(f.value, "options") ?? [] {
                    if case .sequence(let items) = o.value {
                        spec.options[o.key] = items.compactMap { $0.string }.joined(separator: ",")
                    } else if let v = r.string(o.value, "option \(o.key)") {
                        spec.options[o.key] = v
                    }
                }
            default:
                // Kind-specific settings may sit directly on the figure (sizes:, bytes:): keep them as options.
                if case .sequence(let items) = f.value {
                    spec.options[f.key] = items.compactMap { $0.string }.joined(separator: ",")
                } else if case .scalar(let s) = f.value {
                    spec.options[f.key] = s.string
                } else {
                    r.unknownKey(f.key, f.keyNode, in: "figure \(id)", known: figureKeys)
                }
            }
        }
        guard let kind else {
            if !fields.contains(where: { $0.key == "kind" }) { r.add(doc.error(node, .contentFigureKind, "figure \(id) needs 'kind:'")) }
            return nil
        }
        spec.kind = kind
        let needsScenario: Set<FigureKind> = [.socketStructure, .listener, .queues, .ring, .deadlock, .sequence, .stateDiagram]
        if needsScenario.contains(kind) && spec.scenario == nil {
            r.add(doc.error(node, .contentFigureScenario, "figure \(id) (\(kind.rawValue)) needs 'scenario:'"))
            return nil
        }
        if spec.caption.isEmpty { r.add(doc.error(node, .contentFigureCaption, "figure \(id) needs a 'caption:' (it is also the figure's title for screen readers)")) }
        return spec
    }
}
