import SourceFiles
import Foundation
import Testing

@Suite("YAML budget: nesting and alias expansion are bounded before Yams builds a tree")
struct YAMLBudgetTests {
    /// Nine levels of nine aliases each: 9^9 values once expanded, from a few hundred bytes.
    static let billionLaughs: String = {
        var lines = ["a: &a [\(Array(repeating: "\"lol\"", count: 9).joined(separator: ","))]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (prev, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [\(Array(repeating: "*\(prev)", count: 9).joined(separator: ","))]")
        }
        lines.append("? *i")
        lines.append(": x")
        return lines.joined(separator: "\n") + "\n"
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let id: String
        let line: Int
        let column: Int
        var testDescription: String { name }
    }

    static let refused: [Case] = [
        // Line 6 is the first where the expanded count passes 100,000 (9 + 81 + … + 9^6 > 10^5).
        Case(name: "billion laughs", text: billionLaughs, id: "yaml.too-many-nodes", line: 6, column: 8),
        // The top-level mapping is the first level, so the 64th bracket is the 65th level.
        Case(name: "64 nested flow lists in a mapping", text: "steps: " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "\n",
             id: "yaml.too-deep", line: 1, column: 8 + 63),
        Case(name: "an alias that makes a shallow place deep",
             text: "deep: &d " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
                 + "wrap: " + String(repeating: "[", count: 30) + "*d" + String(repeating: "]", count: 30) + "\n",
             id: "yaml.too-deep", line: 2, column: 7 + 30),
        Case(name: "100,001 list items", text: "- 1\n" + String(repeating: "- 1\n", count: 100_000),
             id: "yaml.too-many-nodes", line: 100_000, column: 3),
    ]

    @Test("refused with the place that passed the limit", arguments: refused)
    func refusedAtTheRightPlace(_ c: Case) throws {
        let error = try #require(throws: DiagnosticError.self) { try YAMLBudget.standard.check(c.text, file: "f.yaml") }
        let d = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(d.id.rawValue == c.id)
        #expect(d.location == SourceLocation(file: "f.yaml", line: c.line, column: c.column))
    }

    @Test("every loader goes through the budget: a billion laughs is a located error, not 18 s and 4 GB")
    func loadersUseTheBudget() throws {
        let error = try #require(throws: DiagnosticError.self) { try YAMLDocument(text: Self.billionLaughs, file: "s.yaml") }
        #expect(error.diagnostics.map(\.id.rawValue) == ["yaml.too-many-nodes"])
    }

    @Test("aliases within the budget, and a document exactly at the depth limit, are read as before")
    func withinBudget() throws {
        try YAMLBudget.standard.check("a: &x [1, 2]\nb: *x\nc: *x\n", file: "f.yaml")
        let atLimit = "k: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n"
        try YAMLBudget.standard.check(atLimit, file: "f.yaml")
        // The list and its 99,999 items: exactly 100,000 values.
        try YAMLBudget.standard.check("- 1\n" + String(repeating: "- 1\n", count: 99_998), file: "f.yaml")
        let doc = try YAMLDocument(text: "a: &x [1, 2]\nb: *x\n", file: "f.yaml")
        #expect(doc.root["b"]?.sequence?.count == 2)
    }

    @Test("syntax errors are left to Yams, which words them with its line and column")
    func syntaxErrorsStayYams() throws {
        try YAMLBudget.standard.check("a: [1, 2\n", file: "f.yaml")
        let error = try #require(throws: DiagnosticError.self) { try YAMLDocument(text: "a: [1, 2\n", file: "f.yaml") }
        #expect(error.diagnostics.map(\.id.rawValue) == ["yaml.malformed"])
    }

    @Test("every file of the chapter's content is well within the budget")
    func chapterContentFits() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("content")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String])
            .filter { $0.hasSuffix(".yaml") }
        #expect(files.count > 40)
        for f in files {
            let text = try String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)
            try YAMLBudget(maxDepth: 12, maxNodes: 5_000).check(text, file: f)
        }
    }
}
