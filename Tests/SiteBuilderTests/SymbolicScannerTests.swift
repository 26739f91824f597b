import CourseModel
import CourseModelTestSupport
import Foundation
import SocketSim
import Testing
@testable import SiteBuilder

/// The student pages' symbolic placeholders (`<var>n</var>`) are read with `TemplateScanner`;
/// this holds `ExercisePages.symbolic` to the loop it had before, copied here, over many texts.
@Suite("exercise pages: symbolic placeholders as before the shared scanner")
struct SymbolicScannerTests {
    static let texts = TemplateTexts.all(names: ["{n}", "{answer}", "{q:deadlock}", "{sqs}", "{n - sqs}", "{ n }", "{nope}"])
    static let key = AnswerKey(exerciseID: "x", variant: Variant([:]), values: [:], variables: ["n": 3, "sqs": 100])
    static let samples: [[String: Int]] = [["n": 3, "sqs": 100], ["n": 4, "sqs": 100]]

    static func oldSymbolic(_ s: String, samples: [[String: Int]], key: AnswerKey) -> (String, [String: String]) {
        guard s.contains("{") else { return (s, [:]) }
        var out = ""
        var tokens: [String: String] = [:]
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let inner = String(rest[rest.index(after: open)..<close])
            let values = Set(samples.map { try? Arithmetic.evaluate(inner, variables: $0) })
            if inner == "answer" || inner.hasPrefix("q:") {
                out += ExerciseText.hiddenAnswer
            } else if values.count > 1 {
                let token = "SOCKLABVAR\(tokens.count)END"
                tokens[token] = "<var>\(inner.trimmingUnicodeWhitespace().xmlEscaped)</var>"
                out += token
            } else {
                out += ExerciseText.render("{\(inner)}", key: key)
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return (out, tokens)
    }

    @Test("symbolic gives the old text and tokens")
    func symbolicAsBefore() {
        let generated = Set(Self.texts)
        for s in ["{", "}}", "{}", "{n}{", "{\u{301}{n}", "}{answer}", "{q:deadlock}{n}"] { #expect(generated.contains(s), "\(s.debugDescription)") }
        for text in Self.texts {
            let (newText, newTokens) = ExercisePages.symbolic(text, samples: Self.samples, key: Self.key)
            let (oldText, oldTokens) = Self.oldSymbolic(text, samples: Self.samples, key: Self.key)
            #expect(Array(newText.unicodeScalars) == Array(oldText.unicodeScalars), "\(text.debugDescription)")
            #expect(newTokens == oldTokens, "\(text.debugDescription)")
        }
    }
}
