@testable import CourseModel
import CourseModelTestSupport
import SocketSim
import Testing
@testable import TraceQueries

/// `ExerciseText` reads placeholders with `TemplateScanner`; these tests hold it to the loops it
/// had before, copied here as they were, over many generated texts.
@Suite("exercise texts: placeholders and rendering as before the shared scanner")
struct ExerciseTextScannerTests {
    static let query = "queue server.recvq after 1"
    static let texts = TemplateTexts.all(names: ["{n}", "{answer}", "{q: \(query)}", "{mode}", "{n - sqs}", "{nope}", "{x y}"])
    static let key = AnswerKey(exerciseID: "x", variant: Variant([:]), values: [:], queryValues: [query: .integer(5)],
                               variables: ["n": 3, "sqs": 100], textVariables: ["mode": "manual"])

    static func oldPlaceholders(_ text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    static func oldRender(_ text: String, key: AnswerKey, answer: AnswerValue?, showQueries: Bool) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let inner = String(rest[rest.index(after: open)..<close])
            out += ExerciseText.fill(inner, key: key, answer: answer, showQueries: showQueries) ?? "{\(inner)}"
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    @Test("the generated texts include the hard cases")
    func generatedCases() {
        let texts = Set(Self.texts)
        for s in ["{", "}}", "{{}", "{}", "{n}{", "한국 {n}", "{\u{301}{n}", "}{answer}"] { #expect(texts.contains(s), "\(s.debugDescription)") }
    }

    @Test("placeholders are the insides the old loop found")
    func placeholders() {
        for text in Self.texts {
            #expect(ExerciseText.placeholders(in: text) == Self.oldPlaceholders(text), "\(text.debugDescription)")
        }
    }

    @Test("render fills as the old loop did, with and without the answer and the queries")
    func render() {
        for text in Self.texts {
            for (answer, showQueries) in [(nil, true), (AnswerValue.integer(7), true), (nil, false)] {
                let new = ExerciseText.render(text, key: Self.key, answer: answer, showQueries: showQueries)
                let old = Self.oldRender(text, key: Self.key, answer: answer, showQueries: showQueries)
                #expect(Array(new.unicodeScalars) == Array(old.unicodeScalars), "\(text.debugDescription)")
            }
        }
    }

    @Test("the hint check's traced rendering is the rendering students read, mentions inside it")
    func tracedRenderingAsRendered() {
        for text in Self.texts {
            let traced = ExerciseText.renderTraced(text, key: Self.key, givens: ["n", "mode"])
            #expect(traced.string == DurationText.koreanMilliseconds(in: ExerciseText.render(text, key: Self.key)), "\(text.debugDescription)")
            #expect(traced.mentions.allSatisfy { $0.upperBound <= traced.scalars.count }, "\(text.debugDescription)")
        }
    }
}
