import CourseModel
import Foundation
import SiteBuilder
import Testing

/// One malformed input of the corpus in `Malformed/KIND/`, with the diagnostics it must earn.
///
/// Each file says what it expects in a comment line `# expect: ID LOCATION` (several lines for
/// several diagnostics), LOCATION being `LINE:COLUMN`, `LINE`, `-` (no line: the whole file) or
/// `FILE:LINE[:COLUMN]` when the diagnostic names another file. Lines count from the file's first line.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    struct Expectation: Sendable, CustomStringConvertible {
        var id: String
        var location: CourseModel.SourceLocation
        var description: String { "\(id) at \(location)" }
    }

    var name: String
    var bytes: [UInt8]
    var expectations: [Expectation]
    var testDescription: String { name }

    /// Every input is small: the corpus checks refusals, so no case may need much memory to refuse.
    static let maxBytes = 128 * 1024

    static func load(kind: String, file: String = #filePath) -> [MalformedCase] {
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Malformed").appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".expect") }.sorted().map { name in
            let bytes = (try? [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))) ?? []
            var header = String(decoding: bytes.prefix(4096), as: UTF8.self)
            // A file that cannot hold a comment (JSON) has its expectations in NAME.expect.
            if let side = try? String(contentsOf: dir.appendingPathComponent(name + ".expect"), encoding: .utf8) { header = side }
            return MalformedCase(name: name, bytes: bytes, expectations: expectations(in: header, file: name))
        }
    }

    static func expectations(in text: String, file: String) -> [Expectation] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap { line in
            guard let r = line.range(of: "expect:") else { return nil }
            let parts = line[r.upperBound...].split(separator: " ").map(String.init).filter { $0 != "-->" }
            guard parts.count == 2 else { return nil }
            return Expectation(id: parts[0], location: location(parts[1], file: file))
        }
    }

    static func location(_ text: String, file: String) -> CourseModel.SourceLocation {
        if text == "-" { return CourseModel.SourceLocation(file: file) }
        var fields = text.split(separator: ":").map(String.init)
        var path = file
        if let first = fields.first, Int(first) == nil { path = first; fields.removeFirst() }
        return CourseModel.SourceLocation(file: path, line: fields.first.flatMap { Int($0) }, column: fields.count > 1 ? Int(fields[1]) : nil)
    }

    /// Checks `diagnostics` against the expectations: each expected one is there, exactly.
    func verify(_ diagnostics: [Diagnostic], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(!expectations.isEmpty, "\(name) has no '# expect: ID LOCATION' line", sourceLocation: sourceLocation)
        #expect(bytes.count <= Self.maxBytes, "\(name) is \(bytes.count) bytes; corpus inputs stay under \(Self.maxBytes)", sourceLocation: sourceLocation)
        let got = diagnostics.map { "\($0.id) at \($0.location)" }.joined(separator: "; ")
        for e in expectations {
            #expect(diagnostics.contains { $0.id == e.id && $0.location == e.location },
                    "\(name): expected \(e), got: \(got.isEmpty ? "no diagnostic" : got)", sourceLocation: sourceLocation)
        }
    }
}


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
    return SiteBuilder.build(tree)
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
