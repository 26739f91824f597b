import CourseModel
import CourseModelTestSupport
import Foundation
import SiteBuilder
import SourceFiles
import Testing

/// A chapter of one section, built with the real templates and scenarios, as `socklab build` would.
func buildAlone(section: String, path: String, course: String? = nil) throws -> BuildResult {
    var tree = try realTree()
    tree.files = tree.files.filter { $0.key.hasPrefix("templates/") || $0.key.hasPrefix("content/scenarios/") }
    tree.files[path] = section
    tree.files["content/course.yaml"] = course ?? """
    title: "t"
    subtitle: "s"
    parameters: {sqs: 500, rqs: 500, mss: 536, msl: 30s}
    sections: [bad]
    pages: []
    """
    return SiteBuilder.build(tree, caches: sharedCaches)
}

/// Diagnostics with the tree's path of the case's file replaced by the case's own name.
func renamed(_ diagnostics: [Diagnostic], from path: String, to name: String) -> [Diagnostic] {
    diagnostics.map { d in
        var d = d
        if d.location.file == path { d.location.file = name }
        return d
    }
}

@Suite("Malformed content: each section and course.yaml refused with its exact diagnostic, none traps")
struct MalformedContentCorpusTests {
    /// A section file in a chapter of its own.
    @Test(arguments: MalformedCase.load(kind: "sections"))
    func section(_ c: MalformedCase) throws {
        let path = "content/sections/01-bad.md"
        let text = try #require(String(validating: c.bytes, as: UTF8.self))
        c.verify(renamed(try buildAlone(section: text, path: path).diagnostics, from: path, to: c.name))
    }

    /// A course.yaml with one good section.
    @Test(arguments: MalformedCase.load(kind: "course"))
    func course(_ c: MalformedCase) throws {
        let text = try #require(String(validating: c.bytes, as: UTF8.self))
        let section = "---\nid: solo\ntitle: \"절\"\nsummary: \"요약\"\n---\n\nSQS는 {{sqs}}바이트.\n"
        let result = try buildAlone(section: section, path: "content/sections/01-solo.md", course: text)
        c.verify(renamed(result.diagnostics, from: "content/course.yaml", to: c.name))
    }
}
