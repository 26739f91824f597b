import CourseModel
import Mustache
import SourceFiles

/// The site's Mustache templates and static assets, from `templates/`.
struct Templates {
    var library: MustacheLibrary?
    /// Each template's text by name, to find the template line behind a malformed page.
    var sources: [String: String]
    var assets: [OutputFile]
    var diagnostics: [Diagnostic]

    /// Templates the layout renders by name; a missing one is a diagnostic, not a crash.
    static let required = ["page", "index", "print"]

    static func load(_ tree: SourceTree) -> Templates {
        var library = MustacheLibrary()
        var diagnostics: [Diagnostic] = []
        var names = Set<String>()
        var tagsByName: [String: [MustacheTags.Tag]] = [:]
        var sources: [String: String] = [:]
        for path in tree.paths(under: "templates", suffix: ".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            let tags = MustacheTags.tags(in: tree[path]!)
            let problems = MustacheTags.check(tags, file: path)
            tagsByName[name] = tags
            sources[name] = tree[path]!
            if !problems.isEmpty {
                diagnostics += problems
                names.insert(name)
                continue
            }
            do {
                library.register(try MustacheTemplate(string: tree[path]!), named: name)
                names.insert(name)
            } catch let e as MustacheTemplate.ParserError {
                diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: e.context.lineNumber, column: e.context.columnNumber),
                                              id: .templateSyntax, "Mustache syntax error: \(e.error) near '\(e.context.line.trimmingUnicodeWhitespace())'"))
            } catch {
                diagnostics.append(Diagnostic(at: SourceLocation(file: path), id: .templateSyntax, "Mustache error: \(error)"))
            }
        }
        for name in required where !names.contains(name) {
            diagnostics.append(Diagnostic(at: SourceLocation(file: "templates/\(name).mustache"), id: .templateMissing,
                                          "templates/\(name).mustache is missing (the layout renders every page with it)"))
        }
        // Partials a template refers to must exist: Mustache would silently render nothing.
        for path in tree.paths(under: "templates", suffix: ".mustache") {
            for ref in Prose.references(in: tree[path]!, firstLine: 1) where ref.name.hasPrefix(">") {
                let partial = String(ref.name.dropFirst()).trimmingUnicodeWhitespace()
                if !names.contains(partial) {
                    diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: ref.line), id: .templateMissingPartial,
                                                  "partial '\(partial)' has no templates/\(partial).mustache"))
                }
            }
        }
        // A partial that includes itself, directly or through others, would be rendered without end.
        diagnostics += MustacheTags.cycles(tagsByName) { "templates/\($0).mustache" }
        var assets: [OutputFile] = []
        for path in tree.files.keys.sorted() where path.hasPrefix("templates/assets/") {
            assets.append(OutputFile(path: String(path.dropFirst("templates/".count)), contents: tree[path]!))
        }
        let ok = diagnostics.isEmpty
        return Templates(library: ok ? library : nil, sources: sources, assets: assets, diagnostics: diagnostics)
    }
}
