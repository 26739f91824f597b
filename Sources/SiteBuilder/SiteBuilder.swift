import CourseModel
import Diagrams
import Foundation
import SocketSim
import SourceFiles
import TraceQueries
import XMLCheck

/// How to build: parameter overrides (`--set`) and whether this is the instructor's build.
public struct BuildOptions: Sendable, Hashable {
    public var overrides: [String: String]
    /// The instructor build: answer keys and explanations included.
    public var solutions: Bool

    public init(overrides: [String: String] = [:], solutions: Bool = false) {
        self.overrides = overrides
        self.solutions = solutions
    }
}

/// One file of the built site, as text, at a path relative to the output folder.
public struct OutputFile: Sendable, Hashable {
    public var path: String
    public var contents: String
}

public struct BuildResult: Sendable {
    public var files: [OutputFile]
    public var diagnostics: [Diagnostic]
    /// Milliseconds spent in each stage of the build, in order (for the benchmark).
    public var timings: [(stage: String, ms: Double)] = []
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// The build as a list of steps over values: load the chapter, run its scenarios, compute the quoted
/// values, draw the figures, render the pages, check every SVG and XHTML file with libxml2.
public enum SiteBuilder {
    /// Bumped whenever the output format changes, so a cached build is not reused across versions.
    public static let formatVersion = "1"

    /// `workers`: how many threads loading the exercises may use (the command's choice).
    /// `caches`: where the exercises' scenarios and hint checks are kept (the command's; a series
    /// of builds in one process passes the same one, so a rebuild reuses what has not changed).
    /// `timer`: how to read the time for `BuildResult.timings` (the bench's); without one, the
    /// build reads no clock and records no timings.
    public static func build(_ tree: SourceTree, options: BuildOptions = BuildOptions(), workers: Workers = .one,
                             caches: CourseCaches = CourseCaches(), timer: StageTimer? = nil) -> BuildResult {
        var clock = StageClock(timer)
        var (loaded, diagnostics) = ChapterLoader.load(tree)
        clock.lap("load")
        guard var chapter = loaded else { return BuildResult(files: [], diagnostics: diagnostics) }
        do { try chapter.course.apply(overrides: options.overrides) } catch {
            return BuildResult(files: [], diagnostics: diagnostics + error.diagnostics)
        }
        var context = BuildContext(chapter: chapter, options: options, caches: caches, timer: timer)
        var files: [OutputFile] = []

        let templates = Templates.load(tree)
        diagnostics += templates.diagnostics

        var rendered: [RenderedPage] = []
        var proseLocators: [String: () -> Diagnostic?] = [:]
        var figureSources: [String: SourceLocation] = [:]
        let all = chapter.sections + chapter.pages
        for (i, page) in all.enumerated() {
            let number = page.isSection ? (chapter.sections.firstIndex(of: page).map { $0 + 1 }) : nil
            let r = context.render(page, number: number)
            diagnostics += r.diagnostics
            proseLocators["\(page.id).html"] = r.locateProse
            files += r.figureFiles
            for f in r.figureFiles { figureSources[f.path] = page.figures.first { f.path.hasPrefix("figures/\(page.id)-\($0.id)-") }?.location }
            rendered.append(RenderedPage(source: page, number: number, html: r.html, index: i))
        }
        clock.lap("pages (scenarios, values, figures, prose)")
        clock.add(context.timings)

        var exerciseOutput = ExercisePages.build(chapter: chapter, context: &context, options: options, workers: workers)
        diagnostics += exerciseOutput.diagnostics
        if let library = templates.library, let catalog = exerciseOutput.catalog {
            CheckPage.add(to: &exerciseOutput, catalog: catalog, course: chapter.course, library: library, diagnostics: &diagnostics)
        }
        clock.lap("exercises")

        var renders: [String: (model: Any, template: String)] = [:]
        if let library = templates.library {
            files += Layout.pages(chapter: chapter, rendered: rendered, exercises: exerciseOutput, library: library,
                                  options: options, diagnostics: &diagnostics, renders: &renders)
        }
        files += exerciseOutput.extraFiles
        files += templates.assets
        clock.lap("layout")

        // Every SVG and XHTML file is checked by libxml2; a malformed one fails the build, reported
        // at the template line or figure that made it when that can be found, else at the file.
        // Only the first problem of a file: libxml2's later complaints follow from it.
        for file in files where file.path.hasSuffix(".html") || file.path.hasSuffix(".svg") {
            guard let p = XMLCheck.problems(in: file.contents).first else { continue }
            // The page's own prose first, then its exercises, then the templates around them.
            if let d = proseLocators[file.path]?() {
                diagnostics.append(d)
                continue
            }
            let exercises = checkExercises(exerciseOutput, path: file.path, chapter: chapter)
            if !exercises.isEmpty {
                diagnostics += exercises
                continue
            }
            if let r = renders[file.path],
               let at = SourceMap.templateLine(of: p, original: file.contents, model: r.model, template: r.template, sources: templates.sources) {
                diagnostics.append(Diagnostic(at: at, id: .templateMalformedXML,
                                              "this template line makes pages that are not well-formed XML (\(p.message))"))
            } else if let at = figureSources[file.path] {
                diagnostics.append(Diagnostic(at: at, id: .contentFigure, "this figure's \(file.path) is not well-formed XML: \(p.message)"))
            } else {
                diagnostics.append(Diagnostic(at: SourceLocation(file: file.path, line: p.line, column: p.column),
                                              id: .outputMalformedXML, "the generated file is not well-formed XML: \(p.message)"))
            }
        }
        diagnostics += duplicatePaths(files, chapter: chapter)
        clock.lap("libxml2 check")
        files.sort { $0.path < $1.path }
        return BuildResult(files: files, diagnostics: unique(diagnostics), timings: clock.laps)
    }

    /// The diagnostics without repeats (a scenario that fails is met by every figure and value
    /// using it; a template line by every page), in their first order.
    static func unique(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }
    }

    /// Two parts of the site that would be written to one path (a page with id `index`, say).
    static func duplicatePaths(_ files: [OutputFile], chapter: Chapter) -> [Diagnostic] {
        var count: [String: Int] = [:]
        for f in files { count[f.path, default: 0] += 1 }
        return count.filter { $0.value > 1 }.keys.sorted().map { path in
            let page = (chapter.sections + chapter.pages).first { "\($0.id).html" == path }
            return Diagnostic(at: page.map { SourceLocation(file: $0.file, line: 2) } ?? SourceLocation(file: path), id: .outputDuplicatePath,
                              "two parts of the site would be written to \(path)" + (page.map { ": page id '\($0.id)' is taken by the site itself" } ?? ""))
        }
    }

    /// The exercise blocks on page `path` whose HTML is malformed, at their exercise file's `id:` line.
    static func checkExercises(_ out: ExercisePages, path: String, chapter: Chapter) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let fragments = out.sectionHTML.filter { "\($0.key).html" == path }.map(\.value) + out.pages.filter { $0.path == path }.map(\.html)
        let marker = "<section class=\"exercise\" id=\"ex-"
        for html in fragments where !SourceMap.fragmentProblems(html).isEmpty {
            for block in html.components(separatedBy: marker).dropFirst() {
                guard let p = SourceMap.fragmentProblems(marker + block.replacingOccurrences(of: "</section>\n</section>", with: "</section>")).first,
                      let quote = block.firstIndex(of: "\"") else { continue }
                let id = String(block[..<quote])
                diagnostics.append(Diagnostic(at: exerciseLocation(id, chapter), id: .exerciseMalformedHTML,
                                              "exercise \(id): its text makes HTML that is not well-formed XML: \(p.message)"))
            }
        }
        return diagnostics
    }

    static func exerciseLocation(_ id: String, _ chapter: Chapter) -> SourceLocation {
        for (path, text) in chapter.exercises.sorted(by: { $0.key < $1.key }) {
            for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.trimmingCharacters()
                if t == "id: \(id)" || t == "id: \"\(id)\"" || t == "id: '\(id)'" { return SourceLocation(file: path, line: k + 1) }
            }
        }
        return SourceLocation(file: "content/exercises")
    }

    /// A key that changes whenever anything the build reads changes.
    public static func inputKey(_ tree: SourceTree, options: BuildOptions) -> String {
        var h = StableHash()
        h.combine(formatVersion)
        for path in tree.files.keys.sorted() {
            h.combine(path)
            h.combine(tree.files[path]!)
        }
        for (k, v) in options.overrides.sorted(by: { $0.key < $1.key }) { h.combine("\(k)=\(v)") }
        h.combine(options.solutions ? "solutions" : "student")
        return h.hex
    }
}

/// Reads the time for a build's stage timings: the command's choice (the bench passes
/// `.continuous`), so that the library itself never reads a clock.
public struct StageTimer: Sendable {
    public let now: @Sendable () -> ContinuousClock.Instant

    public init(now: @escaping @Sendable () -> ContinuousClock.Instant) { self.now = now }

    /// The standard library's monotonic clock.
    public static let continuous = StageTimer { ContinuousClock.now }
}

/// Times the build's stages with the command's timer (none: no laps).
struct StageClock {
    var laps: [(stage: String, ms: Double)] = []
    private let timer: StageTimer?
    private var last: ContinuousClock.Instant?

    init(_ timer: StageTimer?) {
        self.timer = timer
        last = timer?.now()
    }

    mutating func lap(_ stage: String) {
        guard let timer, let last else { return }
        let now = timer.now()
        laps.append((stage, Self.ms(now - last)))
        self.last = now
    }

    mutating func add(_ more: [String: Double]) {
        guard timer != nil else { return }
        for k in more.keys.sorted() { laps.append(("  of which \(k)", more[k]!)) }
    }

    static func ms(_ d: Swift.Duration) -> Double {
        let c = d.components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}

struct RenderedPage {
    var source: PageSource
    var number: Int?
    var html: String
    var index: Int
}

/// What rendering one page needs and remembers: scenario traces are run once and shared.
struct BuildContext {
    let chapter: Chapter
    let options: BuildOptions
    /// The exercises' caches (`SiteBuilder.build`'s `caches`), which the pages' scenarios share.
    let caches: CourseCaches
    /// The command's timer for `timings` (nil: none kept).
    let timer: StageTimer?
    /// Each chapter scenario's run, by name (`run(_:)`).
    var runs: [String: Result<(scenario: ScenarioRun, run: QueryRun), DiagnosticError>] = [:]
    /// Milliseconds per kind of work, summed over pages.
    var timings: [String: Double] = [:]

    mutating func timed<T>(_ what: String, _ body: (inout BuildContext) -> T) -> T {
        guard let timer else { return body(&self) }
        let start = timer.now()
        let r = body(&self)
        timings[what, default: 0] += StageClock.ms(timer.now() - start)
        return r
    }

    init(chapter: Chapter, options: BuildOptions, caches: CourseCaches = CourseCaches(), timer: StageTimer? = nil) {
        self.chapter = chapter
        self.options = options
        self.caches = caches
        self.timer = timer
    }

    /// The course parameters as `{expression}` variables and as prose names.
    var courseVariables: [String: Int] { chapter.course.parameters }

    /// The chapter scenario `name` loaded with the course's values and run, once per build. It is
    /// the `ScenarioRun` an exercise's scenario is, so a page loads, runs and searches a scenario
    /// exactly as an exercise does (a search over a name that is neither a parameter nor a `let`
    /// makes it a variable on a page too).
    mutating func run(_ name: String) -> Result<(scenario: ScenarioRun, run: QueryRun), DiagnosticError> {
        if let cached = runs[name] { return cached }
        let start = timer?.now()
        defer { if let timer, let start { timings["scenarios", default: 0] += StageClock.ms(timer.now() - start) } }
        let result: Result<(scenario: ScenarioRun, run: QueryRun), DiagnosticError>
        if let (path, text) = chapter.scenarios[name] {
            let scenario = ScenarioRun(text: text, file: path, variables: courseVariables, caches: caches.scenarios)
            do throws(DiagnosticError) { result = .success((scenario, try scenario.run())) } catch { result = .failure(error) }
        } else {
            result = .failure(DiagnosticError(Diagnostic(at: SourceLocation(file: "content/scenarios/\(name).yaml"), id: .contentUnknownScenario,
                                                         "no scenario '\(name)' in content/scenarios/")))
        }
        runs[name] = result
        return result
    }

    /// Prose names every page may use: the course parameters (durations written as durations).
    var parameterNames: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in chapter.course.parameters {
            out[k] = Parameters.durationNames.contains(k) ? DurationText.korean(v) : String(v)
        }
        if let msl = chapter.course.parameters["msl"] { out["twoMsl"] = DurationText.korean(2 * msl) }
        return out
    }

    struct PageOutput {
        var html: String
        var figureFiles: [OutputFile]
        var diagnostics: [Diagnostic]
        /// The diagnostic at the Markdown line behind malformed prose, or nil when the prose is well-formed.
        var locateProse: () -> Diagnostic?
    }

    mutating func render(_ page: PageSource, number: Int?) -> PageOutput {
        var diagnostics: [Diagnostic] = []
        let values = quotedValues(page, diagnostics: &diagnostics)
        let (figureHTML, figureFiles) = figures(page, number: number, diagnostics: &diagnostics)
        let params = parameterNames
        diagnostics += Self.checkNames(page, parameters: params)

        // Mustache over the Markdown source with placeholders, then Markdown, then the real values
        // and figures: a value such as FIN_WAIT_1 must not be read as Markdown emphasis.
        var tokens: [String: String] = [:]
        for id in figureHTML.keys { tokens[id] = "SOCKLABFIGURE\(id)END" }
        var valueTokens: [String: String] = [:]
        for (i, id) in values.keys.sorted().enumerated() { valueTokens[id] = "SOCKLABVALUE\(i)END" }
        var mustacheContext: [String: Any] = params
        mustacheContext["values"] = valueTokens
        mustacheContext["figures"] = tokens
        var html = ""
        do throws(DiagnosticError) {
            let markdown = try Prose.mustache(page.body, context: mustacheContext, file: page.file, firstLine: page.bodyLine)
            html = Prose.html(fromMarkdown: markdown)
        } catch {
            diagnostics += error.diagnostics
        }
        var replacements: [String: String] = [:]
        for (id, token) in valueTokens { replacements[token] = values[id]!.xmlEscaped }
        for (id, token) in tokens { replacements[token] = figureHTML[id]! }
        html = Tokens.replace(in: html, replacements)
        return PageOutput(html: html, figureFiles: figureFiles, diagnostics: diagnostics,
                          locateProse: Self.proseLocator(html, page: page, context: mustacheContext))
    }

    /// The values quoted in the page's prose, by id; a value that cannot be computed is left out
    /// and its diagnostics added.
    mutating func quotedValues(_ page: PageSource, diagnostics: inout [Diagnostic]) -> [String: String] {
        var values: [String: String] = [:]
        for v in page.values {
            let r: Result<String, DiagnosticError> = timed("values") { ctx in
                do throws(DiagnosticError) { return .success(try ctx.value(v)) } catch { return .failure(error) }
            }
            switch r {
            case .success(let text): values[v.id] = text
            case .failure(let e): diagnostics += e.diagnostics
            }
        }
        return values
    }

    /// The page's figures, drawn from their scenarios' traces: each figure's HTML by id, and the
    /// SVG files of its frames.
    mutating func figures(_ page: PageSource, number: Int?, diagnostics: inout [Diagnostic]) -> (html: [String: String], files: [OutputFile]) {
        var figureHTML: [String: String] = [:]
        var figureFiles: [OutputFile] = []
        for (k, spec) in page.figures.enumerated() {
            var traceValue: Trace?
            if let s = spec.scenario {
                switch run(s) {
                case .failure(let e):
                    diagnostics += e.diagnostics
                    continue
                case .success(let r): traceValue = r.run.trace
                }
            }
            let request = FigureRequest(id: "\(page.id)-\(spec.id)", kind: spec.kind, trace: traceValue, after: spec.after,
                                        host: spec.host, queue: spec.queue, caption: spec.caption, options: spec.options)
            do throws(DiagramError) {
                let start = timer?.now()
                defer { if let timer, let start { timings["figures", default: 0] += StageClock.ms(timer.now() - start) } }
                let figure = try Diagrams.render(request)
                let label = number.map { "그림 \($0).\(k + 1)" } ?? "그림 \(k + 1)"
                let printed = PrintBook.frames(kind: spec.kind, count: figure.frames.count, option: spec.options["print"],
                                               location: spec.location, diagnostics: &diagnostics)
                figureHTML[spec.id] = FigureHTML.html(figure, label: label, caption: spec.caption, fileStem: "figures/\(page.id)-\(spec.id)",
                                                      printed: printed)
                for (i, frame) in figure.frames.enumerated() {
                    figureFiles.append(OutputFile(path: "figures/\(page.id)-\(spec.id)-\(i + 1).svg", contents: frame.svg))
                }
            } catch {
                diagnostics.append(Diagnostic(at: spec.location, id: .contentFigure, "figure \(spec.id): \(error)"))
            }
        }
        return (figureHTML, figureFiles)
    }

    /// Every name the prose uses, checked before rendering (Mustache would render a typo as
    /// nothing), and every figure the prose never places.
    static func checkNames(_ page: PageSource, parameters params: [String: String]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var placed = Set<String>()
        for ref in Prose.references(in: page.body, firstLine: page.bodyLine) {
            let name = ref.name
            let loc = SourceLocation(file: page.file, line: ref.line)
            if name.hasPrefix("values.") {
                let id = String(name.dropFirst(7))
                if !page.values.contains(where: { $0.id == id }) {
                    diagnostics.append(Diagnostic(at: loc, id: .contentUnknownValue, "'{{\(name)}}' names no value in this page's front matter",
                                                  notes: ["values: \(page.values.map(\.id).joined(separator: ", "))"]))
                }
            } else if name.hasPrefix("figures.") {
                let id = String(name.dropFirst(8))
                if !page.figures.contains(where: { $0.id == id }) {
                    diagnostics.append(Diagnostic(at: loc, id: .contentUnknownFigure, "'{{{\(name)}}}' names no figure in this page's front matter"))
                }
                placed.insert(id)
            } else if params[name] == nil {
                diagnostics.append(Diagnostic(at: loc, id: .contentUnknownName, "'{{\(name)}}' is not a course parameter, value or figure",
                                              notes: ["parameters: \(params.keys.sorted().joined(separator: ", "))"]))
            }
        }
        for f in page.figures where !placed.contains(f.id) {
            diagnostics.append(Diagnostic(.warning, at: f.location, id: .contentUnplacedFigure,
                                          "figure \(f.id) is defined but the prose never places it with {{{figures.\(f.id)}}}"))
        }
        return diagnostics
    }

    /// Only called when its page turns out malformed: the prose checked on its own, so a problem
    /// is reported at its Markdown line, not at a line of the page. A build that succeeds pays nothing.
    static func proseLocator(_ prose: String, page: PageSource, context mustacheContext: [String: Any]) -> () -> Diagnostic? {
        {
            guard let p = SourceMap.fragmentProblems(prose).first else { return nil }
            let found = SourceMap.markdownLine(body: page.body, firstLine: page.bodyLine) { md in
                Prose.html(fromMarkdown: (try? Prose.mustache(md, context: mustacheContext, file: page.file, firstLine: page.bodyLine)) ?? md)
            }
            return Diagnostic(at: SourceLocation(file: page.file, line: found?.line ?? page.bodyLine), id: .contentMalformedHTML,
                              "this Markdown makes HTML that is not well-formed XML: \((found?.problem ?? p).message)")
        }
    }
}
