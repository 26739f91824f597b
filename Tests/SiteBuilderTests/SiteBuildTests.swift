import CourseModel
import Foundation
@testable import SiteBuilder
import SourceFiles
import Synchronization
import Testing
import TraceQueries
import XMLCheck

@Suite("Building the site")
struct SiteBuildTests {
    @Test("the real chapter builds with no errors and no warnings")
    func realChapter() throws {
        let result = SiteBuilder.build(try realTree(), caches: sharedCaches)
        #expect(result.diagnostics.map(\.description) == [])
        let paths = Set(result.files.map(\.path))
        for page in ["index.html", "structures.html", "buffering.html", "deadlock.html", "performance.html",
                     "lifecycle.html", "closing.html", "glossary.html", "linux.html", "assets/style.css", "assets/stepper.js"] {
            #expect(paths.contains(page), "missing \(page)")
        }
        #expect(result.files.filter { $0.path.hasSuffix(".svg") }.count > 20)
        for file in result.files where file.path.hasSuffix(".html") || file.path.hasSuffix(".svg") {
            #expect(XMLCheck.problems(in: file.contents) == [], "\(file.path)")
        }
        // The table of contents numbers the six sections only, on every page (a page's own number
        // once leaked into the glossary's and the Linux page's entries).
        let deadlock = try #require(result.files.first { $0.path == "deadlock.html" }?.contents).split(separator: "\n")
        for page in ["glossary.html", "linux.html"] {
            let entry = try #require(deadlock.first { $0.contains("<a href=\"\(page)\"") }, "\(page) in the contents")
            #expect(!entry.contains("class=\"num\""), "\(entry)")
        }
        #expect(deadlock.contains { $0.contains("<a href=\"structures.html\"><span class=\"num\">1.</span>") })
    }

    @Test("the same inputs give byte-identical output, with the caches warm or fresh")
    func deterministic() throws {
        let tree = try miniTree()
        let a = SiteBuilder.build(tree, caches: sharedCaches), b = SiteBuilder.build(tree, caches: sharedCaches)
        let fresh = SiteBuilder.build(tree, caches: CourseCaches())
        #expect(a.errors == [])
        #expect(a.files == b.files)
        #expect(fresh.files == a.files)
    }

    @Test("the build reads a clock only through the command's timer, and timing changes nothing")
    func timerIsTheCommands() throws {
        let tree = try miniTree()
        let untimed = SiteBuilder.build(tree, caches: sharedCaches)
        #expect(untimed.timings.isEmpty)
        let reads = Atomic<Int>(0)
        let origin = ContinuousClock.now
        // A clock that moves one millisecond per reading.
        let timer = StageTimer { origin + .milliseconds(reads.add(1, ordering: .relaxed).newValue) }
        let timed = SiteBuilder.build(tree, caches: sharedCaches, timer: timer)
        #expect(Array(timed.timings.map(\.stage).prefix(2)) == ["load", "pages (scenarios, values, figures, prose)"])
        #expect(timed.timings.map(\.stage).last == "libxml2 check")
        #expect(timed.timings.allSatisfy { $0.ms >= 1 })
        #expect(reads.load(ordering: .relaxed) >= timed.timings.count)
        #expect(timed.files == untimed.files)
    }

    @Test("values and figures follow SQS and RQS; files that do not depend on them stay the same")
    func followsParameters() throws {
        let tree = try miniTree()
        let base = SiteBuilder.build(tree, caches: sharedCaches)
        let bigger = SiteBuilder.build(tree, options: BuildOptions(overrides: ["sqs": "1000", "rqs": "700"]), caches: sharedCaches)
        #expect(base.errors == [] && bigger.errors == [])
        // n = SQS + RQS + 1, computed by the scenario, not typed in.
        #expect(base.file("buf.html")?.contains("양쪽이 1001바이트를") == true)
        #expect(bigger.file("buf.html")?.contains("양쪽이 1701바이트를") == true)
        #expect(bigger.file("buf.html")?.contains("SQS는 1000, RQS는 700바이트다") == true)
        let changed = Set(base.files.filter { bigger.file($0.path) != $0.contents }.map(\.path))
        #expect(changed.contains("buf.html"))
        #expect(changed.contains { $0.hasPrefix("figures/buf-dead-") })
        #expect(!changed.contains("extra.html"))
        #expect(!changed.contains("assets/style.css"))
    }

    /// A page's values and an exercise's answers are one query language over one kind of run: the
    /// same search gives the same answer on a page as `ScenarioRun.evaluate`, which exercises use,
    /// whether it searches a `let` name, a parameter, or a name the scenario does not have.
    @Test("a search in a page's value answers as the same search in an exercise")
    func pageSearchesAsExercises() throws {
        let queries = ["min n in 1..3000 monotone where deadlock", "max sqs in 1..2000 monotone where deadlock",
                       "min zz in 1..5 where deadlock", "min rqs in 1..600 where returned 2 == 0", "outcome"]
        var tree = try miniTree(sectionBody: queries.indices.map { "검색\($0)=[{{values.s\($0)}}]" }.joined(separator: "\n\n"))
        let section = "content/sections/01-buf.md"
        let values = queries.enumerated().map { "  s\($0.offset): { scenario: dl, query: \"\($0.element)\" }" }.joined(separator: "\n")
        tree.files[section] = try #require(tree.files[section]).replacing("\nvalues:\n", with: "\nvalues:\n" + values + "\n")
        let result = SiteBuilder.build(tree)
        #expect(result.errors.filter { !$0.contains("unplaced") }.isEmpty, "\(result.errors)")
        let page = try #require(result.file("buf.html"))
        let course = try CourseConfig.load(text: try #require(tree.files["content/course.yaml"]), file: "content/course.yaml")
        let run = ScenarioRun(text: try #require(tree.files["content/scenarios/dl.yaml"]), file: "content/scenarios/dl.yaml",
                              variables: course.parameters)
        for (i, q) in queries.enumerated() {
            let expected = try run.evaluate([try Query.parse(q)])[0].get().korean
            #expect(page.contains("검색\(i)=[\(expected)]"), "'\(q)': the exercise path answers \(expected)")
        }
    }

    @Test("an unknown name in the prose is an error with file and line, and every error is reported")
    func proseErrors() throws {
        let tree = try miniTree(sectionBody: """
        첫 줄

        값: {{values.nope}} 그리고 {{sqz}}

        {{{figures.dead}}}
        """)
        let result = SiteBuilder.build(tree, caches: sharedCaches)
        let errors = result.diagnostics.filter { $0.severity == .error }
        let byID = Dictionary(grouping: errors, by: \.id)
        let unknownValue = try #require(byID[.contentUnknownValue]?.first)
        #expect(unknownValue.location == SourceLocation(file: "content/sections/01-buf.md", line: 21))
        #expect(byID[.contentUnknownName]?.first?.location.line == 21)
        // The sequence figure is defined but never placed: a warning.
        #expect(result.diagnostics.contains { $0.id.rawValue == "content.unplaced-figure" && $0.severity == .warning })
    }

    @Test("bad front matter, bad figure kinds and broken templates are reported together")
    func manyErrors() throws {
        let tree = try miniTree(extra: [
            "content/pages/extra.md": "---\nid: extra\ntitle: [broken\n---\n",
            "templates/footer.mustache": "{{#solutions}} unclosed",
            "content/sections/01-buf.md": """
            ---
            id: buf
            title: "버퍼"
            figures:
              a: { scenario: dl, kind: pie-chart, caption: x }
              b: { scenario: nowhere, kind: queues, caption: y }
            ---
            본문
            """,
        ])
        let result = SiteBuilder.build(tree, caches: sharedCaches)
        let ids = Set(result.diagnostics.map(\.id))
        #expect(ids.isSuperset(of: [.yamlMalformed, .templateSyntax, .contentFigureKind, .contentUnknownScenario]))
        #expect(result.files.isEmpty || result.hasErrors)
        let kind = try #require(result.diagnostics.first { $0.id.rawValue == "content.figure-kind" })
        #expect(kind.location.file == "content/sections/01-buf.md" && kind.location.line == 5)
    }

    @Test("a missing page template is a diagnostic, not a crash")
    func missingTemplate() throws {
        var tree = try miniTree()
        tree.files["templates/page.mustache"] = nil
        let result = SiteBuilder.build(tree, caches: sharedCaches)
        #expect(result.diagnostics.contains { $0.id.rawValue == "template.missing" && $0.location.file == "templates/page.mustache" })
    }

    @Test("a template that produces malformed XHTML fails the build at the template's line, once")
    func malformedOutput() throws {
        var tree = try miniTree()
        tree.files["templates/footer.mustache"] = "<footer>\n<p>unclosed & broken</footer>"
        let result = SiteBuilder.build(tree, caches: sharedCaches)
        let bad = result.diagnostics.filter { $0.severity == .error }
        #expect(bad.map(\.id.rawValue) == ["template.malformed-xml"], "\(bad.map(\.description))")
        #expect(bad.first?.location == SourceLocation(file: "templates/footer.mustache", line: 2))
        #expect(bad.first?.message.contains("xmlParseEntityRef") == true, "\(bad.map(\.description))")
    }

    @Test("a malformed SVG no template made is reported at the generated file")
    func sourceMapFallsBackToTheFile() throws {
        let problem = XMLProblem(line: 1, column: 5, message: "x")
        #expect(SourceMap.templateLine(of: problem, original: "not what the template renders", model: [String: String](),
                                       template: "page", sources: ["page": "<p>{{x}}</p>"]) == nil)
        #expect(SourceMap.templateLine(of: XMLProblem(line: 2, column: 3, message: "x"), original: "<p>\n<b></p>", model: [String: String](),
                                       template: "page", sources: ["page": "<p>\n{{! a line Mustache drops }}\n<b></p>"])
                == SourceLocation(file: "templates/page.mustache", line: 3))
    }

    @Test("figures can be stepped: one frame per step, a stepper, and every frame also as an SVG file")
    func steppableFigures() throws {
        let result = SiteBuilder.build(try miniTree(), caches: sharedCaches)
        let page = try #require(result.file("buf.html"))
        #expect(page.contains("<figure class=\"sim-figure\" id=\"fig-buf-hand\" data-frames=\"5\">"))
        #expect(page.contains("class=\"stepper\" hidden=\"hidden\""))
        #expect(result.file("figures/buf-hand-5.svg") != nil)
        #expect(page.contains("그림 1.2"))
    }
}
