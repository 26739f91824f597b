import SourceFiles
import Foundation
import Testing

/// The ids are a wire format (check output, `grade --format json`, results.json, feedback): these
/// tests hold their strings to one shape, one declaration each, and no id declared but never raised.
@Suite("Diagnostic ids: one declaration each, distinct strings of the form area.kebab-name, all raised")
struct DiagnosticIDTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let declarationFile = root.appendingPathComponent("Sources/SourceFiles/DiagnosticID.swift")

    /// `case name = "raw"` lines of DiagnosticID.swift, with whether the line before is a doc comment.
    static func declarations() throws -> [(name: String, raw: String, documented: Bool)] {
        let lines = try String(contentsOf: declarationFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let pattern = /^\s*case (\w+) = "([^"]*)"\s*$/
        return lines.indices.compactMap { i in
            guard let m = lines[i].wholeMatch(of: pattern) else { return nil }
            let documented = i > 0 && lines[i - 1].trimmingCharacters(in: .whitespaces).hasPrefix("/// ")
            return (String(m.1), String(m.2), documented)
        }
    }

    @Test("every id's string is area.kebab-name, and no two ids share one")
    func shapeAndDistinct() {
        let raws = DiagnosticID.allCases.map(\.rawValue)
        #expect(raws.count > 100)
        #expect(Set(raws).count == raws.count)
        for raw in raws {
            #expect(raw.wholeMatch(of: /[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*/) != nil, "'\(raw)' is not area.kebab-name")
        }
    }

    @Test("an id prints, encodes and decodes as its string, never as its Swift name")
    func wireForm() throws {
        #expect("\(DiagnosticID.answerNotUTF8)" == "answer.not-utf8")
        #expect(String(describing: DiagnosticID.exerciseHintRevealsAnswer) == "exercise.hint-reveals-answer")
        let json = try JSONEncoder().encode([DiagnosticID.yamlTooManyNodes])
        #expect(String(decoding: json, as: UTF8.self) == #"["yaml.too-many-nodes"]"#)
        #expect(try JSONDecoder().decode([DiagnosticID].self, from: json) == [.yamlTooManyNodes])
        #expect(DiagnosticID(rawValue: "answer.nope") == nil)
    }

    @Test("each id is declared once, on its own line, with a one-line doc comment saying when it is raised")
    func declaredWithDocComment() throws {
        let declared = try Self.declarations()
        #expect(declared.map(\.raw).sorted() == DiagnosticID.allCases.map(\.rawValue).sorted(), "the declarations read are all the cases")
        for d in declared {
            #expect(d.documented, "DiagnosticID.\(d.name) has no doc comment")
        }
    }

    /// Reads Sources/: an id nothing raises is a stale declaration (or a check that lost its id).
    @Test("every declared id is raised somewhere in Sources/")
    func everyIDIsUsed() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String])
            .filter { $0.hasSuffix(".swift") && $0 != "SourceFiles/DiagnosticID.swift" }
        #expect(files.count > 50)
        let text = try files.map { try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
        // An implicit member (`id: .answerMissing`, `[.yamlType]`) or `DiagnosticID.name`; not `x.name`,
        // which is some other property that happens to share the name (`question.exerciseID`).
        let used = Set(text.matches(of: /(?:^|[^A-Za-z0-9_)\]]|DiagnosticID)\.([a-z][A-Za-z0-9]*)\b/).map { String($0.1) })
        for d in try Self.declarations() {
            let raised = used.contains(d.name)
            #expect(raised, "DiagnosticID.\(d.name) ('\(d.raw)') is declared but nothing in Sources/ raises it")
        }
    }
}
