import SourceFiles
import Testing
import Yams

/// `YAMLFailure` is the one reading of Yams's errors that content files and answer files share:
/// these pin which case each kind of error becomes and where it points (the grader's Korean
/// table is keyed by libyaml's problem strings, so a Yams upgrade that rewords them shows here).
@Suite("YAMLFailure: Yams's errors as plain values, at libyaml's line and column")
struct YAMLFailureTests {
    static func failure(_ text: String) throws -> YAMLFailure {
        let error = try #require(throws: (any Error).self) { _ = try Yams.compose(yaml: text) }
        return YAMLFailure(error)
    }

    @Test("a flow list left open is malformed, with libyaml's problem and context, where it stopped")
    func unclosedFlowList() throws {
        #expect(try Self.failure("a: [1, 2\n")
                == .malformed(problem: "did not find expected ',' or ']'", context: "while parsing a flow sequence", line: 2, column: 1))
    }

    @Test("a tab where indentation is expected is a scanner problem at the tab's line")
    func tabIndentation() throws {
        #expect(try Self.failure("a:\n\tb: 1\n")
                == .malformed(problem: "found character that cannot start any token", context: "while scanning for the next token", line: 2, column: 1))
    }

    @Test("a key written twice is a duplicate key, at its mapping; content files word it as yaml.duplicate-key there")
    func duplicateKey() throws {
        let text = "x: 0\nm:\n  a: 1\n  a: 2\n"
        #expect(try Self.failure(text) == .duplicateKeys(["a"], line: 3, column: 3))
        let error = try #require(throws: DiagnosticError.self) { try YAMLDocument(text: text, file: "f.yaml") }
        #expect(error.diagnostics.map(\.description) == ["f.yaml:3:3: error: duplicate key a"])
        #expect(error.diagnostics.map(\.id) == [.yamlDuplicateKey])
    }

    struct Other: Error, CustomStringConvertible { var description: String { "not from Yams" } }

    @Test("an error Yams did not throw keeps its own description and no place")
    func other() {
        #expect(YAMLFailure(Other()) == .other("not from Yams"))
    }
}
