@testable import CourseModel
import Crypto
import CourseModelTestSupport
import Foundation
import SourceFiles
import Testing

/// The variant chooser's own HMAC gives exactly HMAC<SHA256>, so every student keeps the variant
/// the first version of the chooser gave them.
@Suite struct VariantChooserMAC {
    @Test(arguments: ["", "k", "socklab-bench-secret", String(repeating: "x", count: 64), String(repeating: "y", count: 65),
                      "한국어 비밀 " + String(repeating: "z", count: 90)])
    func sameAsCryptoHMAC(secret: String) {
        let chooser = VariantChooser(secret: secret)
        let key = SymmetricKey(data: Array(secret.utf8))
        for message in ["", "a/b", "deadlock-smallest-n/s2024001", "x/y#1", String(repeating: "m", count: 200)] {
            let bytes = Array(message.utf8)
            let ours = bytes.withUnsafeBytes { Array(chooser.mac($0)) }
            let reference = Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
            #expect(ours == reference, "\(message)")
        }
    }

    /// The index as the first version computed it: HMAC<SHA256> over "exercise/student" (and
    /// "#block" for parameters past the fourth), big-endian words modulo the number of candidates.
    static func referenceIndex(_ e: Exercise, _ student: String, secret: String) -> Int {
        let key = SymmetricKey(data: Array(secret.utf8))
        var words: [UInt64] = []
        var index = 0, radix = 1
        for (i, p) in e.parameters.enumerated() {
            let candidates = p.candidates
            guard candidates.count > 1 else { continue }
            while i >= words.count {
                let block = words.count / 4
                let message = "\(e.id)/\(student)" + (block == 0 ? "" : "#\(block)")
                let mac = Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
                for w in 0..<4 { words.append(mac[(w * 8)..<(w * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) }
            }
            index += Int(words[i] % UInt64(candidates.count)) * radix
            radix *= candidates.count
        }
        return index
    }

    @Test func indicesMatchTheReference() throws {
        let c = try Content.load(caches: sharedCaches)
        let chooser = VariantChooser(secret: "test-secret")
        var varied = 0
        for e in c.catalog.exercises {
            for n in 0..<40 {
                let student = "s\(2024000 + n)"
                #expect(chooser.index(of: e, for: student) == Self.referenceIndex(e, student, secret: "test-secret"), "\(e.id) \(student)")
            }
            if e.hasVariants { varied += 1 }
            // Candidates without making the list agree with the list.
            for p in e.parameters {
                #expect(p.candidateCount == p.candidates.count)
                for (i, v) in p.candidates.enumerated() {
                    #expect(p.candidate(at: i) == v)
                    #expect(p.candidateIndex(of: v) == i)
                }
            }
        }
        #expect(varied >= 20)
    }
}

/// Tags seal a variant to a student and an exercise: exactly HMAC-SHA256 over the documented
/// message, and any change to what they cover fails them.
@Suite struct VariantTags {
    let chooser = VariantChooser(secret: "tag-test-secret-0123456789")
    let values: [(name: String, value: String)] = [("sqs", "500"), ("rqs", "300"), ("mode", "auto")]

    @Test func isHMACSHA256OverTheDocumentedMessage() {
        let message = VariantTag.message(student: "s2024001", exercise: "deadlock-smallest-n", values: values)
        let key = SymmetricKey(data: Array("tag-test-secret-0123456789".utf8))
        let reference = Array(HMAC<SHA256>.authenticationCode(for: message, using: key)).map { String(format: "%02x", $0) }.joined()
        let tag = chooser.tag(student: "s2024001", exercise: "deadlock-smallest-n", values: values)
        #expect(tag == reference)
        #expect(tag.count == VariantTag.length)
        // The message: a NUL, the domain, a NUL, then length-prefixed fields with names sorted.
        #expect(message == Array("\0socklab-variant-tag-1\08:s202400119:deadlock-smallest-n1:34:mode4:auto3:rqs3:3003:sqs3:500".utf8))
    }

    @Test func verifiesItsOwnTagInAnyOrderAndCase() {
        let tag = chooser.tag(student: "s1", exercise: "e", values: values)
        #expect(chooser.verify(tag: tag, student: "s1", exercise: "e", values: values.reversed()) == .valid)
        #expect(chooser.verify(tag: tag.uppercased(), student: "s1", exercise: "e", values: values) == .valid)
    }

    @Test("a change to anything the tag covers fails it",
          arguments: ["student", "exercise", "value", "name", "extra", "dropped", "tag digit", "short tag", "other secret"])
    func anyChangeFails(what: String) {
        let tag = chooser.tag(student: "s1", exercise: "e", values: values)
        var student = "s1", exercise = "e", vs = values, written = tag, verifier = chooser
        switch what {
        case "student": student = "s2"
        case "exercise": exercise = "f"
        case "value": vs[0].value = "600"
        case "name": vs[0].name = "SQS"
        case "extra": vs.append(("d", "1"))
        case "dropped": vs.removeLast()
        case "tag digit": written = String(tag.dropLast()) + (tag.last == "0" ? "1" : "0")
        case "short tag": written = String(tag.prefix(32))
        default: verifier = VariantChooser(secret: "another-secret-0123456789")
        }
        #expect(verifier.verify(tag: written, student: student, exercise: exercise, values: vs) == .forged)
    }

    /// Length prefixes: moving a character from one field to the next changes the message.
    @Test func messagesAreUnambiguous() {
        let a = VariantTag.message(student: "s1", exercise: "e", values: [("n", "12"), ("p", "3")])
        let b = VariantTag.message(student: "s1", exercise: "e", values: [("n", "1"), ("p", "23")])
        let c = VariantTag.message(student: "s1e", exercise: "", values: [("n", "12"), ("p", "3")])
        #expect(Set([a, b, c]).count == 3)
        // Never a chooser message ("exercise/student" starts with a letter or digit).
        #expect(a.first == 0)
    }
}

/// Ranges are index arithmetic, never lists: a billion values load at once, and beyond the
/// documented bounds the loader says where.
@Suite struct VariantSpaceBounds {
    static func exercise(parameters: String) -> String {
        """
        id: bounds
        section: buffering
        title: "t"
        scenario: deadlock
        parameters:
        \(parameters)
        questions:
          - id: q1
            prompt: "p"
            kind: yesno
            answer: deadlock
        """
    }

    @Test("range [1, 1073741824] loads without listing its values, and every student gets a value in it")
    func aBillionValues() throws {
        let c = try Content.load(caches: sharedCaches)
        let e = try c.load(Self.exercise(parameters: "  n: { range: [1, 1073741824] }\n  mode: { choices: [a, b, c] }"))
        #expect(e.variantCount == 3 << 30)
        #expect(e.parameters[0].candidates.count == 1 << 30)
        #expect(e.parameters[0].candidates.last == .integer(1 << 30))
        #expect(e.allVariants(limit: 5).count == 5)
        // Samples (for telling which placeholders depend on the student) move every parameter,
        // although the first 5 indices move only n.
        let samples = e.sampleVariants()
        for p in e.parameters { #expect(Set(samples.map { $0.values[p.name] }).count > 1, "\(p.name) never moves in the samples") }
        #expect(Set(e.allVariants(limit: 5).map { $0.values["mode"] }).count == 1)
        let chooser = VariantChooser(secret: "bounds-test-secret-0123")
        var distinct = Set<Int>()
        for k in 0..<200 {
            let v = chooser.variant(of: e, for: "s\(k)")
            guard case .integer(let n) = v.values["n"] else { Issue.record("n is not an integer"); continue }
            #expect((1...(1 << 30)).contains(n))
            #expect(e.index(of: v) == chooser.index(of: e, for: "s\(k)"))
            distinct.insert(n)
        }
        #expect(distinct.count > 190)
    }

    @Test("a bound beyond ±2^40 is refused at its line")
    func boundBeyondTheLimit() throws {
        let c = try Content.load(caches: sharedCaches)
        #expect(throws: DiagnosticError.self) { try c.load(Self.exercise(parameters: "  n: { range: [0, 1099511627777] }")) }
        do throws(DiagnosticError) {
            _ = try c.load(Self.exercise(parameters: "  n: { range: [-9223372036854775808, 9223372036854775807] }"))
        } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == ["yaml.range", "yaml.range"], "each bound's error, and no vaguer follow-on: \(error.diagnostics)")
            let d = try #require(error.diagnostics.first)
            #expect(d.id.rawValue == "yaml.range")
            #expect(d.location.line == 6)
            #expect(d.message.contains("1099511627776"))
        }
    }

    @Test("more than 2^48 variants in all is refused at the parameter that crosses the bound")
    func tooManyVariants() throws {
        let c = try Content.load(caches: sharedCaches)
        let params = "  a: { range: [0, 1000000] }\n  b: { range: [0, 1000000] }\n  c: { range: [0, 1000000] }"
        do throws(DiagnosticError) {
            _ = try c.load(Self.exercise(parameters: params))
            Issue.record("loaded an exercise of 10^18 variants")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.id.rawValue == "exercise.too-many-variants")
            #expect(d.location.line == 8, "the line of parameter c")
        }
        // Two such parameters (10^12 < 2^48) are fine.
        let two = try c.load(Self.exercise(parameters: "  a: { range: [0, 1000000] }\n  b: { range: [0, 1000000] }"))
        #expect(two.variantCount == 1_000_001 * 1_000_001)
    }

    @Test("index arithmetic on any integer a file may hold never traps",
          arguments: [Int.min, Int.min + 1, -1, 0, 7, 1 << 40, Int.max - 1, Int.max])
    func hostileValues(n: Int) {
        let loc = SourceLocation(file: "x")
        for kind in [ParameterSpec.Kind.range(from: -(1 << 40), to: 1 << 40, step: 3), .range(from: Int.min, to: Int.max, step: 1),
                     .range(from: 5, to: 5, step: Int.max)] {
            let p = ParameterSpec(name: "n", kind: kind, defaultValue: .integer(0), location: loc)
            if let i = p.candidateIndex(of: .integer(n)) {
                #expect(p.candidate(at: i) == .integer(n))
            }
            _ = p.candidateCount
        }
    }
}

/// The course secret: SOCKLAB_SECRET wins, an empty or short one is an error (never a silent
/// fall-back), course.yaml's works with a warning.
@Suite struct CourseSecretRules {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let environment: String?
        let course: String?
        let secret: String?
        let ids: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a long SOCKLAB_SECRET", environment: "0123456789abcdef", course: CourseSecret.demo, secret: "0123456789abcdef", ids: []),
        Case(name: "an empty SOCKLAB_SECRET", environment: "", course: CourseSecret.demo, secret: nil, ids: ["secret.empty"]),
        Case(name: "a 15-byte SOCKLAB_SECRET", environment: "0123456789abcde", course: CourseSecret.demo, secret: nil, ids: ["secret.too-short"]),
        Case(name: "16 bytes of Hangul count as bytes", environment: "비밀비밀비밀", course: nil, secret: "비밀비밀비밀", ids: []),
        Case(name: "the demo secret", environment: nil, course: CourseSecret.demo, secret: CourseSecret.demo, ids: ["secret.from-content"]),
        Case(name: "another course.yaml secret", environment: nil, course: "our-course-2026-secret", secret: "our-course-2026-secret", ids: ["secret.from-content"]),
        Case(name: "no secret at all", environment: nil, course: nil, secret: nil, ids: ["content.no-secret"]),
    ]

    @Test(arguments: cases)
    func resolves(_ c: Case) {
        let (secret, diagnostics) = CourseSecret.resolve(environment: c.environment, course: c.course, courseFile: "content/course.yaml", needed: true)
        #expect(secret == c.secret)
        #expect(diagnostics.map(\.id.rawValue) == c.ids)
        if c.secret == nil { #expect(diagnostics.allSatisfy { $0.severity == .error }) }
        if c.ids == ["secret.from-content"] {
            #expect(diagnostics[0].severity == .warning)
            #expect(diagnostics[0].message.contains(c.course == CourseSecret.demo ? "demo secret" : "written in course.yaml"))
        }
    }

    @Test func theShippedCourseUsesTheDemoSecret() throws {
        let c = try Content.load(caches: sharedCaches)
        #expect(c.course.secret == CourseSecret.demo)
    }
}
