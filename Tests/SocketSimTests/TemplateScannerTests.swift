@testable import SocketSim
import SocklabTestSupport
import Testing

/// The one `{…}` scanner reads every text as the scanners it replaced did: the pieces put back
/// together are the text, and `Arithmetic.Template` substitutes (or fails) exactly as its own loop
/// did, over every short string of braces, names, Korean, combining marks and newlines and many
/// longer ones.
@Suite("template scanner: the pieces of a {…} text")
struct TemplateScannerTests {
    /// Every concatenation of up to four of a few tokens, then pseudo-random longer ones (a fixed
    /// linear congruential sequence, so a failure is the same on every run).
    static let texts: [String] = {
        let short = ["{", "}", "a", "n + 1", "한국", "\u{301}", "q:", "\n", "{}"]
        let long = short + ["{{", "}}", "sqs", " ", "(", ")", "-", "é", "e\u{301}", "answer", "{n}", "{ n }", "1/0", "9999999999999999999999"]
        return TokenTexts.make(short: short, long: long, seed: 0x5eed)
    }()

    /// The loop `Arithmetic.Template` had before the scanner, as it was.
    enum OldPart: Equatable {
        case text(String)
        case expression(String)
        case fail(String)
    }

    static func oldTemplateParts(_ text: String) -> [OldPart] {
        guard text.contains("{") else { return [.text(text)] }
        var parts: [OldPart] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            parts.append(.text(String(rest[..<open])))
            guard let close = rest[open...].firstIndex(of: "}") else {
                parts.append(.fail("'{' without a closing '}' in '\(text)'"))
                return parts
            }
            parts.append(.expression(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        parts.append(.text(String(rest)))
        return parts
    }

    static func oldSubstitute(_ text: String, variables: [String: Int]) -> Result<String, Arithmetic.Failure> {
        var out = ""
        for p in oldTemplateParts(text) {
            switch p {
            case .text(let t): out += t
            case .expression(let e):
                do throws(Arithmetic.Failure) { out += String(try Arithmetic.Compiled(e).evaluate(variables: variables)) } catch {
                    return .failure(error)
                }
            case .fail(let message): return .failure(Arithmetic.Failure(message: message))
            }
        }
        return .success(out)
    }

    /// The loop `ExerciseText.placeholders` had: the insides of closed placeholders, in order.
    static func oldPlaceholders(_ text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    @Test("the generated texts include the hard cases")
    func generatedCases() {
        let texts = Set(Self.texts)
        for s in ["{", "}}", "{{}", "{a{}", "{}", "한국{n + 1}", "{\u{301}}", "{\n}", "}{"] {
            #expect(texts.contains(s), "\(s.debugDescription)")
        }
        #expect(Self.texts.count > 7_000)
    }

    @Test("pieces, braces put back, are the text; positions are where the pieces are")
    func piecesRebuildText() {
        for text in Self.texts {
            var rebuilt = ""
            var next = text.startIndex
            var previousWasLiteral = false
            for piece in TemplateScanner(text) {
                #expect(piece.range.lowerBound == next, "\(text.debugDescription)")
                next = piece.range.upperBound
                let written: String
                switch piece {
                case .literal(let s):
                    #expect(!s.isEmpty && !previousWasLiteral, "\(text.debugDescription)")
                    written = String(s)
                case .placeholder(let s):
                    #expect(!s.contains("}"), "\(text.debugDescription)")
                    written = "{" + s + "}"
                case .unclosed(let s):
                    #expect(s.first == "{" && !s.contains("}"), "\(text.debugDescription)")
                    written = String(s)
                }
                #expect(text[piece.range].unicodeScalars.elementsEqual(written.unicodeScalars), "\(text.debugDescription)")
                rebuilt += written
                previousWasLiteral = if case .literal = piece { true } else { false }
            }
            #expect(next == text.endIndex, "\(text.debugDescription)")
            // Equal as unicode scalars, not only as canonically equivalent strings.
            #expect(Array(rebuilt.unicodeScalars) == Array(text.unicodeScalars), "\(text.debugDescription)")
        }
    }

    @Test("placeholders are the insides the old scanner found")
    func placeholdersAsBefore() {
        for text in Self.texts {
            #expect(TemplateScanner(text).placeholders.map(String.init) == Self.oldPlaceholders(text), "\(text.debugDescription)")
        }
    }

    @Test("Arithmetic.Template substitutes and fails as its own loop did")
    func templateAsBefore() {
        let variableSets: [[String: Int]] = [[:], ["n": 3, "a": -1, "sqs": Int.max]]
        for text in Self.texts {
            let template = Arithmetic.Template(text)
            #expect(template.isConstant == !text.contains("{"), "\(text.debugDescription)")
            for variables in variableSets {
                let new = Result { () throws(Arithmetic.Failure) in try template.substitute(variables: variables) }
                #expect(new == Self.oldSubstitute(text, variables: variables), "\(text.debugDescription)")
                let viaStatic = Result { () throws(Arithmetic.Failure) in try Arithmetic.substitute(in: text, variables: variables) }
                #expect(viaStatic == new, "\(text.debugDescription)")
            }
        }
    }

    @Test("examples: nesting, stray braces, empty, Korean, a brace with a combining mark", arguments: [
        ("{a{b}c}", ["P:a{b", "L:c}"]),
        ("}}{x}}", ["L:}}", "P:x", "L:}"]),
        ("앞 {n} 뒤 {", ["L:앞 ", "P:n", "L: 뒤 ", "U:{"]),
        ("{}", ["P:"]),
        ("{ab", ["U:{ab"]),
        ("{\u{301}n}", ["L:{\u{301}n}"]),
        ("", []),
    ])
    func examples(text: String, expected: [String]) {
        let pieces = TemplateScanner(text).map { piece -> String in
            switch piece {
            case .literal(let s): "L:" + s
            case .placeholder(let s): "P:" + s
            case .unclosed(let s): "U:" + s
            }
        }
        #expect(pieces == expected)
    }

    @Test("braced: a value written whole as {expr}, its two ends only", arguments: [
        ("{mss}", "mss" as String?), ("{}", ""), ("{a}+{b}", "a}+{b"), ("{mss", nil), ("mss}", nil), (" {mss}", nil), ("12", nil),
    ])
    func braced(text: String, inner: String?) {
        #expect(TemplateScanner.braced(text).map(String.init) == inner)
    }
}
