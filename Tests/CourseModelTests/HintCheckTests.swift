@testable import CourseModel
import CourseModelTestSupport
import Foundation
import SocketSim
import SourceFiles
import Testing
@testable import TraceQueries

/// The loader's proof that hints teach without giving the answer away.
@Suite struct HintCheck {
    /// An exercise on the `deadlock` scenario file (client and server each send n bytes) whose
    /// question `q` has the given kind, answer and hint.
    static func exercise(hint: String, answer: String, kind: String = "integer", extra: String = "",
                         parameters: String = "  sqs: { choices: [300, 400] }\n  d: { choices: [1, 50] }",
                         steps: String = "    - client: send {n}\n    - server: send {n}") -> String {
        """
        id: hinted
        section: deadlock
        title: "t"
        prose: "SQS = {sqs}, RQS = {rqs}, n = {n}"
        scenario:
          let:
            n: "{sqs + rqs + d}"
          steps:
        \(steps)
        parameters:
        \(parameters)
        misconceptions: none
        questions:
          - id: q
            prompt: "p"
            kind: \(kind)
            answer: \(answer)
            hint: "\(hint)"
            solution: "답: {answer}"
        \(extra)
        """
    }

    static func leaks(_ yaml: String) throws -> [Diagnostic] {
        let c = try Content.load(caches: sharedCaches)
        let (catalog, problems) = ExerciseCatalog.load(files: [("hinted.yaml", yaml)], course: c.course, scenarios: c.scenarios, caches: sharedCaches)
        #expect(catalog.exercises.isEmpty == !problems.isEmpty, "an exercise with a leaking hint is refused")
        return problems
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let hint: String
        let answer: String
        var kind = "integer"
        /// For a key that is a duration in seconds: `d` is 120 (2분) and the scenario waits `+{d}s`.
        var seconds = false
        let leaks: Bool
        var testDescription: String { name }
    }

    static let secondsParameters = "  sqs: { choices: [300, 400] }\n  d: { choices: [120] }"
    static let secondsSteps = "    - client: send {n}\n    - time: +{d}s\n    - server: send {n}"

    /// The issue's examples and one case per written form. Keys: `queue server.recvq after 1` is
    /// RQS = 500; `returnedAt 1` is never (both sides block); `deadlock` is yes;
    /// `state client after 1` is ESTABLISHED; `segments` starts SYN? no: no handshake here, so
    /// lists use `recvs`-free `states client` (ESTABLISHED alone).
    static let cases: [Case] = [
        Case(name: "RQS = 500바이트를 넘지 못합니다 (answer 500)", hint: "RecvQ는 RQS = {rqs}바이트를 넘지 못합니다.", answer: "queue server.recvq after 1", leaks: true),
        Case(name: "RQS(500바이트)를 SendQ와 비교: a mention", hint: "보낸 {n}바이트와 RecvQ의 크기 RQS({rqs}바이트)를 비교하세요.", answer: "queue server.recvq after 1", leaks: false),
        Case(name: "the value at the end of a sentence", hint: "RecvQ에 있는 양은 {rqs}바이트.", answer: "queue server.recvq after 1", leaks: true),
        Case(name: "a copula after the value", hint: "RecvQ에 있는 양은 {rqs}바이트입니다 그러니", answer: "queue server.recvq after 1", leaks: true),
        Case(name: "an expression that computes the key", hint: "n − SQS − {d} = {n - sqs - d}바이트가 남습니다", answer: "queue server.recvq after 1", leaks: true),
        Case(name: "the key typed as a number", hint: "RecvQ에는 500바이트가 들어갑니다", answer: "queue server.recvq after 1", leaks: true),
        Case(name: "답: N", hint: "답: {rqs}", answer: "queue server.recvq after 1", leaks: true),
        Case(name: "a number inside an identifier is not the number", hint: "FIN_WAIT_500 같은 이름은 없습니다", answer: "queue server.recvq after 1", leaks: false),
        Case(name: "a dotted address is not the number", hint: "주소 10.0.500.1로 갑니다", answer: "queue server.recvq after 1", leaks: false),
        Case(name: "yes as 예", hint: "교착상태입니까? 예.", answer: "deadlock", kind: "yesno", leaks: true),
        Case(name: "예를 들어 is not yes", hint: "예를 들어 두 send()가 모두 기다리면 교착상태입니다.", answer: "deadlock", kind: "yesno", leaks: false),
        Case(name: "never in words", hint: "send()는 반환하지 않습니다.", answer: "returnedAt 1", leaks: true),
        Case(name: "never in English", hint: "send()의 답은 never입니다.", answer: "returnedAt 1", leaks: true),
        Case(name: "a state by name", hint: "소켓은 ESTABLISHED 상태로 남습니다.", answer: "state client after 1", kind: "state", leaks: true),
        Case(name: "a state in another spelling", hint: "소켓은 established로 남습니다.", answer: "state client after 1", kind: "state", leaks: true),
        Case(name: "a state in words apart", hint: "소켓은 ESTAB 로 남습니다.", answer: "state client after 1", kind: "state", leaks: true),
        Case(name: "a list written out", hint: "상태는 ESTABLISHED 하나뿐입니다.", answer: "states client", kind: "list", leaks: true),
        Case(name: "a hint that teaches", hint: "SQS({sqs}바이트)와 RQS({rqs}바이트)의 합과 n을 비교하세요.", answer: "deadlock", kind: "yesno", leaks: false),
        // Durations: `param msl` is 30000 (milliseconds); students read `{msl}ms` as `30초`.
        Case(name: "a millisecond key written in Korean seconds", hint: "MSL은 30초로 잡습니다.", answer: "param msl", leaks: true),
        Case(name: "a millisecond key written in minutes and seconds forms", hint: "MSL은 0.5분이라 합니다.", answer: "param msl", leaks: true),
        Case(name: "a given duration {msl}ms reads 30초 and stays a mention", hint: "MSL({msl}ms)을 보낸 뒤의 시간과 비교하세요.", answer: "param msl", leaks: false),
        Case(name: "a given duration {msl}ms as a conclusion", hint: "MSL은 {msl}ms입니다.", answer: "param msl", leaks: true),
        Case(name: "a computed duration in ms, shown in seconds", hint: "두 배는 {2 * msl}ms, 그 절반을 보세요.", answer: "param msl", leaks: false),
        Case(name: "a computed duration equal to the key", hint: "두 배의 절반은 {2 * msl / 2}ms가 됩니다.", answer: "param msl", leaks: true),
        Case(name: "a duration key is found as a bare number too", hint: "30,000바이트를 보냅니다.", answer: "param msl", leaks: true),
        // A key in seconds (`+{d}s`, d = 120).
        Case(name: "a key in seconds written in minutes", hint: "기다린 시간은 2분이 넘습니다.", answer: "param d", seconds: true, leaks: true),
        Case(name: "a key in seconds written in milliseconds", hint: "120000밀리초를 기다립니다.", answer: "param d", seconds: true, leaks: true),
        Case(name: "a key in seconds written in seconds", hint: "120초를 기다립니다.", answer: "param d", seconds: true, leaks: true),
        Case(name: "another duration is no leak", hint: "2MSL = 60초와 비교하세요.", answer: "param d", seconds: true, leaks: false),
        Case(name: "a bare number is found whatever unit follows", hint: "120분을 기다리지는 않습니다.", answer: "param d", seconds: true, leaks: true),
        Case(name: "a byte key is not read as a duration", hint: "MSL은 0.5초가 아니라 30초입니다.", answer: "queue server.recvq after 1", leaks: false),
    ]

    @Test(arguments: cases)
    func writtenForms(_ c: Case) throws {
        let problems = try Self.leaks(c.seconds
            ? Self.exercise(hint: c.hint, answer: c.answer, kind: c.kind, parameters: Self.secondsParameters, steps: Self.secondsSteps)
            : Self.exercise(hint: c.hint, answer: c.answer, kind: c.kind))
        let ids = problems.map(\.id)
        if c.leaks {
            #expect(ids.contains(.exerciseHintRevealsAnswer), "\(problems)")
        } else {
            #expect(ids.isEmpty, "\(problems)")
        }
    }

    /// The search's word scalars by value are the ASCII letters, digits and `_` that the Unicode
    /// properties give, over the whole Basic Multilingual Plane and beyond.
    @Test func wordScalarsByValueAreThoseOfTheUnicodeProperties() {
        for v in Array(0..<0x3_0000) {
            guard let c = Unicode.Scalar(UInt32(v)) else { continue }
            let byProperties = (c.isASCII && (c.properties.isAlphabetic || c.properties.numericType != nil)) || c == "_"
            #expect(AnswerForms.isWordScalar(c) == byProperties, "U+\(String(v, radix: 16))")
        }
    }

    /// Words found once give the same occurrences of a word as a whole-text scan: `never`, yes/no
    /// in either language and case, and list items, never inside a longer word.
    @Test func wordSearchesFindWholeWordsInAnyCase() {
        let hay = AnswerForms.Haystack(Array("NEVER, never로; nevermore 예 예요 No no. Yes아니요 아니요 LISTEN listen() SYN_SENT".unicodeScalars))
        func texts(_ rs: [Range<Int>]) -> [String] { rs.map(hay.text) }
        #expect(texts(AnswerForms.occurrences(of: .never, others: [], in: hay)) == ["NEVER", "never"])
        #expect(texts(AnswerForms.occurrences(of: .boolean(false), others: [], in: hay)) == ["No", "no", "아니요", "아니요"])
        #expect(texts(AnswerForms.occurrences(of: .boolean(true), others: [], in: hay)) == ["예", "Yes"])
        #expect(texts(AnswerForms.itemOccurrences("syn_sent", in: hay)) == ["SYN_SENT"])
        #expect(texts(AnswerForms.states(.listen, in: hay)) == ["LISTEN"])
    }

    @Test("written forms: separators, ordinals, spellings; not identifiers, addresses or 2MSL")
    func forms() {
        func found(_ v: AnswerValue, _ text: String, others: [String] = []) -> Bool {
            !AnswerForms.occurrences(of: v, others: others, in: Array(text.unicodeScalars)).isEmpty
        }
        #expect(found(.integer(1000), "합은 1,000바이트"))
        #expect(found(.integer(1000), "recv(1000)"))
        #expect(found(.integer(5), "5ms 뒤"))
        #expect(found(.integer(3), "세 번째 단계"))
        #expect(found(.integer(3), "3번째"))
        #expect(!found(.integer(1), "FIN_WAIT_1"))
        #expect(!found(.integer(1), "10.0.0.1:80"))
        #expect(!found(.integer(2), "2MSL 동안"))
        #expect(!found(.integer(0), "1,000"))
        #expect(found(.text("TIME_WAIT"), "TIME WAIT 상태"))
        #expect(found(.text("SYN_RCVD"), "syn-received"))
        #expect(!found(.text("LISTEN"), "`listen()`을 부르면"))
        #expect(found(.boolean(false), "아니요."))
        #expect(!found(.boolean(false), "아니라"))
        #expect(found(.never, "끝내 반환하지 않습니다"))
        #expect(found(.list(["SYN", "SYN+ACK", "ACK"]), "SYN을 보내면 SYN+ACK가 오고 ACK로 끝납니다"))
        #expect(!found(.list(["SYN", "SYN+ACK", "ACK"]), "ACK와 SYN+ACK, 그리고 SYN"))
        #expect(found(.counts(["send 1": 300, "send 2": 200]), "send 2에서 200바이트"))
        // A choice, and the part of it no other choice has.
        #expect(found(.text("10.0.0.1:49153"), "포트 49153", others: ["10.0.0.1:49152"]))
        #expect(!found(.text("10.0.0.2:80"), "포트 80", others: ["*:80"]))
        #expect(found(.text("none"), "답은 none"))
    }

    @Test("durations: a key that is one is found in every written form of it; other keys only as numbers")
    func durationForms() {
        func found(_ n: Int, _ text: String, unit: Int?) -> Bool {
            !AnswerForms.occurrences(of: .integer(n), others: [], in: Array(text.unicodeScalars), durationUnit: unit).isEmpty
        }
        // A key in milliseconds.
        #expect(found(60_000, "2MSL은 60초입니다", unit: 1))
        #expect(found(60_000, "1분", unit: 1))
        #expect(found(1_500, "1.5초 뒤", unit: 1))
        #expect(found(500, "500밀리초", unit: 1))
        #expect(found(60_000, "60,000ms", unit: 1))
        #expect(found(60_000, "60 s", unit: 1))
        #expect(found(7_200_000, "2시간", unit: 1))
        // A key in seconds.
        #expect(found(120, "2분이 지나면", unit: 1_000))
        #expect(found(60, "60000밀리초", unit: 1_000))
        #expect(found(60, "60초", unit: 1_000))
        #expect(!found(60_000, "60초", unit: 1_000))
        // Not a duration: only its number.
        #expect(!found(60_000, "60초", unit: nil))
        #expect(found(60_000, "60000밀리초", unit: nil))
        // Not durations: an identifier, a version, a longer word, too many decimals.
        #expect(!found(30_000, "v1.30초", unit: 1))
        #expect(!found(5_000, "5second", unit: 1))
        #expect(!found(5_000, "x5s", unit: 1))
        #expect(!found(1_000, "1.0005초", unit: 1))
        #expect(!found(1_000, "1.0005", unit: 1))
    }

    @Test("a key's unit: milliseconds for duration parameters, the unit its name carries in the scenario, else none")
    func durationUnits() throws {
        let c = try Content.load(caches: sharedCaches)
        let extra = """
          - id: wait
            prompt: "p"
            kind: integer
            answer: param d
            hint: "h"
          - id: bytes
            prompt: "p"
            kind: integer
            answer: param n
            hint: "h"
          - id: smallest
            prompt: "p"
            kind: integer
            answer: min d in 0..600 monotone where deadlock
            hint: "h"
        """
        let e = try c.load(Self.exercise(hint: "h", answer: "param msl", extra: extra, parameters: Self.secondsParameters, steps: Self.secondsSteps))
        #expect(e.questions.map { e.durationUnit(of: $0) } == [1, 1_000, nil, 1_000])
        #expect(ExerciseText.timeUnit(of: "w", in: "- time: +{ w }ms\n") == 1)
        #expect(ExerciseText.timeUnit(of: "w", in: "msl: \"{w}min\"") == 60_000)
        #expect(ExerciseText.timeUnit(of: "w", in: "- client: send {w}\n- x: {w}sx") == nil)
    }

    @Test("the hint check reads what students read: durations in Korean, mentions kept on them")
    func tracedDurations() throws {
        let c = try Content.load(caches: sharedCaches)
        let e = try c.load(Self.exercise(hint: "h", answer: "deadlock", kind: "yesno"))
        let key = try e.answerKey(for: e.defaultVariant)
        let t = ExerciseText.renderTraced("MSL({msl}ms) 뒤 {2 * msl}ms와 `+{msl}ms` 뒤", key: key, givens: e.givenNames)
        #expect(t.string == "MSL(30초) 뒤 60초와 `+30000ms` 뒤")
        let mentioned = t.mentions.map { r in String(String.UnicodeScalarView(t.scalars[r])) }
        #expect(mentioned == ["30초", "30000"], "the mention of {msl} covers the Korean duration, in code the number; an expression is no mention")
        #expect(t.written.map { String(String.UnicodeScalarView($0.scalars)) } == "MSL(30000ms) 뒤 60000ms와 `+30000ms` 뒤")
        // A rewrite that takes in more than the mention's number ends the mention.
        let glued = ExerciseText.renderTraced("{msl}0ms 뒤", key: key, givens: e.givenNames)
        #expect(glued.string == "5분 뒤")
        #expect(glued.mentions.isEmpty)
        // The same text the site and feedback show, for every hint of the chapter.
        for ex in c.catalog.exercises {
            let k = try ex.answerKey(for: ex.defaultVariant)
            for q in ex.questions {
                let shown = DurationText.koreanMilliseconds(in: ExerciseText.render(q.hint, key: k))
                #expect(ExerciseText.renderTraced(q.hint, key: k, givens: ex.givenNames).string == shown, "\(ex.id)/\(q.id)")
            }
        }
    }

    @Test("a leak names the exercise, question and variant, at the hint's line")
    func diagnosticIsLocated() throws {
        let problems = try Self.leaks(Self.exercise(hint: "RecvQ는 {rqs}바이트입니다.", answer: "queue server.recvq after 1"))
        let d = try #require(problems.first { $0.id.rawValue == "exercise.hint-reveals-answer" })
        #expect(d.location.file == "hinted.yaml")
        #expect(d.location.line == 20)
        #expect(d.message.contains("exercise hinted, question 'q', variant d="))
        #expect(d.message.contains("(500)"))
    }

    @Test("another question's key is refused too, and a computed ordinal is caught")
    func otherQuestionsKeys() throws {
        let extra = """
          - id: smallest
            prompt: "p"
            kind: integer
            answer: min n in 1..3000 monotone where deadlock
            hint: "SQS와 RQS의 합보다 하나 많은 {sqs + rqs + 1}바이트부터 막힙니다"
        """
        let problems = try Self.leaks(Self.exercise(hint: "합을 보세요", answer: "deadlock", kind: "yesno", extra: extra))
        let d = try #require(problems.first { $0.id.rawValue == "exercise.hint-reveals-answer" })
        #expect(d.message.contains("question 'smallest'"))
        #expect(d.message.contains("its own key"))

        let ordinal = """
          - id: step
            prompt: "p"
            kind: integer
            answer: returnedAt 1
            hint: "보낸 쪽은 둘 다 기다립니다"
          - id: third
            prompt: "p"
            kind: integer
            answer: param d
            hint: "d는 첫 번째 값보다 큽니다"
        """
        let p2 = try Self.leaks(Self.exercise(hint: "합을 보세요", answer: "deadlock", kind: "yesno", extra: ordinal,
                                              parameters: "  sqs: { choices: [300, 400] }\n  d: { choices: [1] }"))
        #expect(p2.contains { $0.id.rawValue == "exercise.hint-reveals-answer" && $0.message.contains("question 'third'") }, "\(p2)")
    }

    @Test("a hint may not use {answer}; the old explanation: is the solution, and not beside solution:")
    func fields() throws {
        let c = try Content.load(caches: sharedCaches)
        let withAnswer = Self.exercise(hint: "답은 {answer}", answer: "deadlock", kind: "yesno")
        do { _ = try c.load(withAnswer); Issue.record("a hint with {answer} was accepted") } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == ["exercise.hint-answer"])
        }
        let old = Self.exercise(hint: "합을 보세요", answer: "deadlock", kind: "yesno").replacingOccurrences(of: "solution: ", with: "explanation: ")
        let e = try c.load(old)
        #expect(e.questions[0].solution == "답: {answer}")
        #expect(e.questions[0].feedbackText(revealed: false) == "합을 보세요")
        #expect(e.questions[0].feedbackText(revealed: true) == "합을 보세요\n\n답: {answer}")
        let both = Self.exercise(hint: "합을 보세요", answer: "deadlock", kind: "yesno") + "\n    explanation: \"x\""
        do { _ = try c.load(both); Issue.record("explanation and solution together were accepted") } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == ["exercise.explanation"])
        }
    }

    @Test("a misconception's correction is checked like a hint")
    func misconceptionCorrection() throws {
        let c = try Content.load(caches: sharedCaches)
        let yaml = """
        id: listener
        section: lifecycle
        title: "t"
        scenario: handshake
        misconceptions: [listener-changes-state]
        questions:
          - id: q
            prompt: "p"
            kind: state
            answer: state server fd=3 after 6
            hint: "듣기 소켓과 새 소켓을 구별하세요."
        """
        let e = try c.load(yaml)
        #expect(e.answerLeaks().isEmpty, "the correction names no state")
        // Had the correction said where the listener stays, the exercise would be refused.
        let key = try e.answerKey(for: e.defaultVariant)
        let leak = AnswerLeak.find(in: ExerciseText.Traced(text: "듣기 소켓은 계속 LISTEN 상태로 남습니다."), exercise: e, key: key, own: nil)
        #expect(leak.map(\.question) == ["q"])
    }

    @Test("every question of the chapter has a hint and a solution")
    func chapterHasHintsAndSolutions() throws {
        let c = try Content.load(caches: sharedCaches)
        #expect(c.diagnostics.isEmpty, "\(c.diagnostics.map(\.description).joined(separator: "\n"))")
        for e in c.catalog.exercises {
            for q in e.questions {
                #expect(!q.hint.trimmingSpacesTabsAndNewlines().isEmpty, "\(e.id)/\(q.id) has no hint")
                #expect(!q.solution.trimmingSpacesTabsAndNewlines().isEmpty, "\(e.id)/\(q.id) has no solution")
                #expect(q.hintLocation != nil)
            }
        }
    }
}

/// Content that measures: misconceptions that can fire, no identical keys by a swap, no exercise
/// whose every key is the same for the whole class.
@Suite struct ContentMeasures {
    /// The chapter with the keys of every exercise's sampled variants, computed once.
    static let chapter: Result<(Content, [String: [Variant: AnswerKey]]), Error> = Result {
        let c = try Content.load(caches: sharedCaches)
        var keys: [String: [Variant: AnswerKey]] = [:]
        for e in c.catalog.exercises {
            for v in e.hintCheckVariants { keys[e.id, default: [:]][v] = try c.catalog.checkedKey(e, v).map(e.withPredictions) ?? e.answerKey(for: v) }
        }
        return (c, keys)
    }

    @Test("the keys the hint check kept are the keys: those of every sampled variant, the default among them")
    func checkedKeysAreTheKeys() throws {
        let c = try Content.load(caches: sharedCaches)
        var compared = 0
        for e in c.catalog.exercises {
            let kept = c.catalog.checkedKeys[e.id] ?? [:]
            #expect(Set(kept.keys.map(e.variant(at:))) == Set(e.hintCheckVariants), "\(e.id)")
            #expect(c.catalog.checkedKey(e, e.defaultVariant) != nil, "\(e.id): no key for the default variant")
            // Every kept key against a fresh computation, for a few variants of each exercise.
            for (index, key) in kept.sorted(by: { $0.key < $1.key }).prefix(3) {
                let fresh = try e.answerKey(for: e.variant(at: index))
                #expect(key.predictions.isEmpty)
                #expect(try e.withPredictions(key) == fresh, "\(e.id) variant \(index)")
                var values = fresh
                values.predictions = [:]
                #expect(key == values, "\(e.id) variant \(index)")
                compared += 1
            }
        }
        #expect(compared > 50)
    }

    @Test("every misconception listed on an exercise predicts, for some variant, an answer other than the key")
    func misconceptionsCanFire() throws {
        let (c, keys) = try Self.chapter.get()
        var checked = 0
        for e in c.catalog.exercises {
            var fired: Set<Misconception> = []
            for key in keys[e.id, default: [:]].values {
                for (_, byMisconception) in key.predictions { fired.formUnion(byMisconception.keys) }
            }
            for m in e.misconceptions where !fired.contains(m) {
                Issue.record("\(e.id): misconception '\(m.rawValue)' never predicts an answer other than the key")
            }
            checked += e.misconceptions.count
        }
        #expect(checked > 20)
    }

    /// Two variants that differ only by exchanging the values of two parameters (SQS and RQS, say)
    /// must not give the same keys: two students would have the same answers.
    @Test("no two variants differing by a swap of two parameters have the same keys")
    func swapsChangeTheKeys() throws {
        let (c, keys) = try Self.chapter.get()
        var pairs = 0
        var same: Set<String> = []
        for e in c.catalog.exercises {
            let varying = e.parameters.filter { $0.candidateCount > 1 }
            for (i, p) in varying.enumerated() {
                for q in varying[(i + 1)...] {
                    for v in e.hintCheckVariants {
                        guard let a = v.values[p.name], let b = v.values[q.name], a < b,
                              p.candidateIndex(of: b) != nil, q.candidateIndex(of: a) != nil else { continue }
                        var w = v
                        w.values[p.name] = b
                        w.values[q.name] = a
                        pairs += 1
                        let k1 = try keys[e.id]?[v] ?? e.answerKey(for: v), k2 = try keys[e.id]?[w] ?? e.answerKey(for: w)
                        if k1.values == k2.values { same.insert("\(e.id) (\(p.name) ↔ \(q.name))") }
                    }
                }
            }
        }
        #expect(same.sorted() == [], "variants differing by a swap have identical keys")
        #expect(pairs > 10)
    }

    @Test("every exercise gives students different keys")
    func everyExerciseVaries() throws {
        let (c, keys) = try Self.chapter.get()
        let fixed = c.catalog.exercises.filter { e in
            Set(keys[e.id, default: [:]].values.map { $0.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";") }).count < 2
        }.map(\.id)
        #expect(fixed == [], "every student of these exercises gets the same keys")
    }
}

/// How often two students of one class get the same keys: for 200 student ids, the number of
/// pairs (of 19,900) whose keys agree on every question. Computed for the exercises that once gave
/// everyone the same keys (the whole chapter takes a minute; `figures` prints them).
@Suite struct IdenticalKeys {
    static let students = (1...200).map { "2026\(String(format: "%04d", $0))" }
    static let once = ["lifecycle-accept-waits", "lifecycle-handshake", "closing-reuseaddr"]

    /// Pairs of the 200 students with identical keys, for one exercise.
    static func identicalPairs(_ e: Exercise, secret: String = "identical-keys-test-secret") throws -> Int {
        let chooser = VariantChooser(secret: secret)
        var byKey: [String: Int] = [:]
        var cache: [Int: String] = [:]
        for s in students {
            let i = chooser.index(of: e, for: s)
            let k: String
            if let known = cache[i] { k = known } else {
                let key = try e.answerKey(for: e.variant(at: i))
                k = key.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
                cache[i] = k
            }
            byKey[k, default: 0] += 1
        }
        return byKey.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    }

    /// At most one pair in ten shares every key (a class where everyone had the same keys would
    /// have all 19,900); the figures are printed for the report.
    @Test("pairs of 200 students with identical keys", arguments: once)
    func figures(_ id: String) throws {
        let c = try Content.load(caches: sharedCaches)
        let e = try #require(c.catalog.exercise(id))
        let pairs = try Self.identicalPairs(e)
        print("identical-key pairs of 200 students: \(id): \(pairs) of 19900")
        #expect(pairs < 1990, "\(id): \(pairs) of 19,900 pairs of students have identical keys")
    }
}
