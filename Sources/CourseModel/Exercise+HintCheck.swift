import SocketSim
import SourceFiles
import TraceQueries

/// The check that a question's hint (and every misconception's correction) teaches without
/// giving the answer away: for many variants, the rendered text is searched for every written form
/// of every key of the exercise.
///
/// The rule, precisely (README, "Hints and solutions"):
/// - A key's *written forms* are what the grader would read as that answer, and a little more:
///   an integer as a number token (`400`, `400바이트`, `5번`, `3번째`, `1,000`, `5ms`) or a Korean
///   ordinal (`세 번째`), and a duration key (`Exercise.durationUnit`) as any written duration equal
///   to it (`60초`, `1분`, `60000밀리초`); the text is read with durations in Korean, as shown; `never` as `never`, `반환하지 않`, `돌아오지 않`; yes/no as any token the
///   grader reads as that boolean (`예`, `아니요`, `yes`, ...); a TCP state as any spelling of it
///   (`TIME_WAIT`, `time-wait`, `TIME WAIT`); a choice as its text, and each `:`-part of it that no
///   other choice has; a list as all of its items, in order, anywhere in the text; counts as each
///   non-zero count.
/// - Every such occurrence is a leak, for the question's own key and for every other question's
///   key of the same exercise, with one exception: a value the student is given (an exercise or
///   course parameter, or a name the prose or a prompt shows) may be *mentioned* through its own placeholder (`{rqs}`, not an expression,
///   not `{q:...}`), when that placeholder is not in a conclusion position: right after `=`, `:`,
///   `→`, `<`, `>`, `≤`, `≥` or `답`, or followed (after a unit such as 바이트/번/초/ms) by the end of
///   a sentence, a copula (`입니다`, `이다`, `이 됩니다`, ...) or a limit (`을 넘지`, `까지`).
///   So `6단계에서 {c}번을 닫았으므로` may stand where the key is c, but `RQS = {rqs}바이트`,
///   `{c}번입니다` and `{n - sqs}바이트` may not.
extension Exercise {
    /// How many variants the check renders each hint for: all of them up to this many, else an
    /// evenly spaced sample of this many plus the default variant.
    public static let hintCheckSample = 64

    /// The variants the hint check looks at, in a fixed order.
    public var hintCheckVariants: [Variant] { hintCheckIndices.map(variant(at:)) }

    /// The indices of `hintCheckVariants`: every variant up to `hintCheckSample`, else an evenly
    /// spaced sample plus the default variant.
    var hintCheckIndices: [Int] {
        let count = variantCount
        guard count > Self.hintCheckSample else { return Array(0..<count) }
        var out = (0..<Self.hintCheckSample).map { $0 * (count - 1) / (Self.hintCheckSample - 1) }
        if let d = index(of: defaultVariant), !out.contains(d) { out.append(d) }
        return out
    }

    /// The names whose values a student is given: the exercise's parameters, the course's, and
    /// every name the prose or a prompt shows (`{n}` in "n = {n}일 때", a `let` the student reads).
    var givenNames: Set<String> {
        let shown = ([prose] + questions.map(\.prompt)).flatMap(ExerciseText.placeholders(in:)).map { $0.trimmingSpacesTabsAndNewlines() }
            .filter(ExerciseLoader.isIdentifier)
        return Set(parameters.map(\.name)).union(scenario.variables.keys).union(shown)
    }

    /// Every hint or correction that states a key, for the sampled variants (at most one
    /// diagnostic per text and key).
    public func answerLeaks(variants: [Variant]? = nil) -> [Diagnostic] {
        guard let variants else { return hintCheck().diagnostics }
        return answerLeaks(keys: variants.compactMap { try? answerKey(for: $0, predicting: false) })
    }

    /// The hint check on the sampled variants, with the keys it computed (by variant index, without
    /// the misconceptions' predictions, which no hint shows) for whoever needs them next: the
    /// grader and the site start from these instead of running the same simulations again.
    func hintCheck() -> (diagnostics: [Diagnostic], keys: [Int: AnswerKey]) {
        var keys: [Int: AnswerKey] = [:]
        for i in hintCheckIndices {
            // A key that cannot be computed is the grader's content error (reported where it is used).
            keys[i] = try? answerKey(for: variant(at: i), predicting: false)
        }
        return (answerLeaks(keys: hintCheckIndices.compactMap { keys[$0] }), keys)
    }

    /// The hint check on keys already computed, in order.
    public func answerLeaks(keys: [AnswerKey]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var reported: Set<String> = []
        let givens = givenNames
        let units = durationUnits
        for key in keys {
            let variant = key.variant
            for q in questions where !q.hint.isEmpty {
                let rendered = ExerciseText.renderTraced(q.hint, key: key, givens: givens)
                for leak in AnswerLeak.find(in: rendered, exercise: self, key: key, own: q.id, durationUnits: units) {
                    guard reported.insert("\(q.id)|\(leak.question)").inserted else { continue }
                    let whose = leak.question == q.id ? "its own key" : "the key of question '\(leak.question)'"
                    out.append(Diagnostic(at: q.hintLocation ?? q.location, id: .exerciseHintRevealsAnswer,
                                          "exercise \(id), question '\(q.id)', variant \(variant): the hint states \(whose) (\(leak.value.display)) in ‘\(leak.excerpt)’",
                                          notes: ["a hint is shown without --reveal: teach the rule with the student's numbers and move the result to 'solution:'"]))
                }
            }
            for m in misconceptions {
                // Feedback shows the misconception's title and its correction.
                let rendered = ExerciseText.Traced(text: m.title + "\n" + m.correction)
                for leak in AnswerLeak.find(in: rendered, exercise: self, key: key, own: nil, durationUnits: units) {
                    guard reported.insert("misconception \(m.rawValue)|\(leak.question)").inserted else { continue }
                    out.append(Diagnostic(at: location, id: .exerciseMisconceptionRevealsAnswer,
                                          "exercise \(id), variant \(variant): the feedback for misconception '\(m.rawValue)' states the key of question '\(leak.question)' (\(leak.value.display)) in ‘\(leak.excerpt)’",
                                          notes: ["take the misconception off this exercise's 'misconceptions:' or reword Misconception.correction"]))
                }
            }
        }
        return out
    }
}

/// A key found in a rendered text.
public struct AnswerLeak: Sendable, Hashable {
    /// The question whose key it is.
    public var question: String
    public var value: AnswerValue
    /// The text around the occurrence, for the diagnostic.
    public var excerpt: String

    /// The keys of `exercise`'s questions (own question first) that `text` states.
    /// `durationUnits` are the exercise's `durationUnits` (computed here when not given).
    public static func find(in text: ExerciseText.Traced, exercise: Exercise, key: AnswerKey, own: String?,
                            durationUnits: [String: Int]? = nil) -> [AnswerLeak] {
        let units = durationUnits ?? exercise.durationUnits
        var out: [AnswerLeak] = []
        let ordered = exercise.questions.filter { $0.id == own } + exercise.questions.filter { $0.id != own }
        // The text as students read it, and (when durations were put in Korean) as written, so
        // that rewording `60000ms` as `60초` never hides a number the check found before.
        let views = [text] + (text.written.map { [ExerciseText.Traced(scalars: $0.scalars, mentions: $0.mentions)] } ?? [])
        let haystacks = views.map { AnswerForms.Haystack($0.scalars) }
        for q in ordered {
            guard let v = key.values[q.id] else { continue }
            let others = q.choices.filter { !AnswerValue.literalMatches(v, $0) }
            let unit = v.isInteger ? units[q.id] : nil
            for (view, hay) in zip(views, haystacks) {
                if let r = AnswerForms.occurrences(of: v, others: others, in: hay, durationUnit: unit).first(where: { !view.isMention($0) }) {
                    out.append(AnswerLeak(question: q.id, value: v, excerpt: view.excerpt(r)))
                    break
                }
            }
        }
        return out
    }
}

extension AnswerValue {
    var isInteger: Bool { if case .integer = self { return true } else { return false } }
}

extension Exercise {
    /// Milliseconds per unit of question `q`'s key when the key is a duration, nil when it is not
    /// one (bytes, a step, a return value). A key is a duration when its query is `param NAME` or a
    /// `min`/`max NAME` search and NAME is: a duration parameter (`msl`, `rto`,
    /// `finWait2Timeout`: milliseconds, as keys and JSON hold them), or a name the scenario writes
    /// with a time unit right after its placeholder (`+{w}s` makes `w` seconds, `"{m}s"` too).
    /// So the hint check knows that `60초` states the key 60000 of `param msl` and the key 60 of
    /// `min w ... where` over `+{w}s`.
    /// `durationUnit(of:)` of every question whose key is a duration, by question id.
    var durationUnits: [String: Int] {
        Dictionary(questions.compactMap { q in durationUnit(of: q).map { (q.id, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    func durationUnit(of q: Question) -> Int? {
        let name: String
        switch q.answer.form {
        case .param(let n): name = n
        case .search(_, let n, _, _, _, _, _): name = n
        default: return nil
        }
        if Parameters.durationNames.contains(name) { return 1 }
        return ExerciseText.timeUnit(of: name, in: scenario.text)
    }
}

extension ExerciseText {
    /// The time unit (milliseconds per unit) written right after `{name}` in `text` (`{w}s`,
    /// `{ w }ms`, `{t}min`), the first such; nil when `name` is never written with one.
    static func timeUnit(of name: String, in text: String) -> Int? {
        let units: [(String, Int)] = [("ms", 1), ("min", 60_000), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for p in placeholderEnds(in: text) where p.name == name {
            let after = text[p.end...]
            for (u, ms) in units where after.hasPrefix(u) {
                let next = after.dropFirst(u.count).first
                if next.map({ !($0.isLetter || $0.isNumber || $0 == "_") }) ?? true { return ms }
            }
        }
        return nil
    }

    /// Each `{...}` of `text` as `TemplateScanner` reads it: its trimmed inside, and where the text
    /// goes on after `}`.
    static func placeholderEnds(in text: String) -> [(name: String, end: String.Index)] {
        guard hasBrace(text) else { return [] }
        return TemplateScanner(text).compactMap { piece in
            guard case .placeholder(let inner) = piece else { return nil }
            return (String(inner).trimmingSpacesTabsAndNewlines(), piece.range.upperBound)
        }
    }
}

extension ExerciseText {
    /// A rendered text with where each placeholder's value lies, and whether it is the mention of
    /// a given value (its own `{name}`, not in a conclusion position).
    public struct Traced: Sendable {
        public var scalars: [Unicode.Scalar]
        /// Scalar ranges of the placeholders that render a given value as a mention.
        var mentions: [Range<Int>] = []
        /// The text before `koreanDurations()` rewrote it, when it did (the check reads both).
        var written: (scalars: [Unicode.Scalar], mentions: [Range<Int>])?

        public init(text: String) { scalars = Array(text.unicodeScalars) }

        init(scalars: [Unicode.Scalar], mentions: [Range<Int>]) {
            self.scalars = scalars
            self.mentions = mentions
        }

        /// The text as students read it: every `30000ms` outside code written `30초`, exactly as
        /// the site and feedback show it (`DurationText.koreanMilliseconds`). A mention whose number
        /// is rewritten stays a mention of the Korean duration (`{msl}ms` → `30초`); a rewrite that
        /// takes in more than a mention's number ends the mention (the check then reads it like
        /// any text, which can only find more).
        func koreanDurations() -> Traced {
            let edits = DurationText.koreanMillisecondEdits(in: scalars)
            guard !edits.isEmpty else { return self }
            var out = Traced(scalars: [], mentions: [])
            out.scalars.reserveCapacity(scalars.count)
            // Old positions to new: `shift` of the edits wholly before.
            var placed: [(edit: DurationText.KoreanEdit, at: Range<Int>)] = []
            var at = 0
            for e in edits {
                out.scalars += scalars[at..<e.range.lowerBound]
                let start = out.scalars.count
                out.scalars += e.replacement.unicodeScalars
                placed.append((e, start..<out.scalars.count))
                at = e.range.upperBound
            }
            out.scalars += scalars[at...]
            func moved(_ p: Int) -> Int {
                var shift = 0
                for (e, r) in placed where e.range.upperBound <= p { shift += r.count - e.range.count }
                return p + shift
            }
            for m in mentions {
                let cut = placed.filter { $0.edit.range.overlaps(m) }
                if cut.isEmpty {
                    out.mentions.append(moved(m.lowerBound)..<moved(m.upperBound))
                } else if cut.count == 1, cut[0].edit.digits == m {
                    out.mentions.append(cut[0].at)
                }
            }
            out.written = (scalars, mentions)
            return out
        }

        public var string: String {
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars)
            return s
        }

        /// Whether the occurrence lies wholly inside a mention of a given value.
        func isMention(_ r: Range<Int>) -> Bool { mentions.contains { $0.lowerBound <= r.lowerBound && r.upperBound <= $0.upperBound } }

        func excerpt(_ r: Range<Int>) -> String {
            let lo = max(0, r.lowerBound - 24), hi = min(scalars.count, r.upperBound + 16)
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars[lo..<hi])
            return s.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    /// Renders like `render(_:key:)` with every query shown and `{answer}` hidden, recording which
    /// placeholders mention a given value; durations in Korean, as students read them.
    public static func renderTraced(_ text: String, key: AnswerKey, givens: Set<String>) -> Traced {
        var out = Traced(text: "")
        let t = Array(text.unicodeScalars)
        // The placeholders as every other reader of the text finds them (`TemplateScanner`), kept
        // in scalars for the check; `offset` counts the scalars of `text` before each piece.
        var offset = 0
        for piece in TemplateScanner(text) {
            let length = text.unicodeScalars[piece.range].count
            defer { offset += length }
            guard case .placeholder(let inner) = piece else {
                out.scalars += t[offset..<(offset + length)]
                continue
            }
            let innerText = String(inner)
            let value = fill(innerText, key: key, answer: nil) ?? "{\(innerText)}"
            let start = out.scalars.count
            out.scalars += value.unicodeScalars
            let name = innerText.trimmingSpacesTabsAndNewlines()
            if givens.contains(name), key.variables[name] != nil || key.textVariables[name] != nil,
               !concludes(before: t[..<offset], after: t[(offset + length)...]) {
                out.mentions.append(start..<out.scalars.count)
            }
        }
        return out.koreanDurations()
    }

    static let conclusionBefore: [String] = ["=", ":", "→", "<", ">", "≤", "≥", "답", "답은", "답이", "답:", "정답", "정답은"]
    static let units: [String] = ["바이트", "번째", "번", "초", "ms", "단계", "개", "B"]
    static let conclusionAfter: [String] = ["입니다", "이다", "이에요", "예요", "이고", "이며", "이 됩", "가 됩", "로 남", "으로 남",
                                            "을 넘지", "를 넘지", "을 넘을 수 없", "를 넘을 수 없", "보다 많이", "까지", "뿐", "이 답", "가 답", "이 정답", "가 정답"]

    /// Whether a placeholder between `before` and `after` (template text) is where a claim's
    /// result stands: after `=` or `답`, or at the end of a sentence or before a copula.
    static func concludes(before: ArraySlice<Unicode.Scalar>, after: ArraySlice<Unicode.Scalar>) -> Bool {
        // Only the few scalars next to the placeholder matter: the texts on either side are cut
        // to them before becoming strings (whole, they made the check quadratic in a hint's length).
        let skip: Set<Unicode.Scalar> = [" ", "*", "`", "(", "\"", "‘", "“", "\t"]
        var trimmed = before
        while let last = trimmed.last, skip.contains(last) { trimmed.removeLast() }
        let b = String(String.UnicodeScalarView(trimmed.suffix(8)))
        for marker in conclusionBefore where b.hasSuffix(marker) {
            // `답` as a word (`답: 5`, `답은 5`), not the end of a longer one (`응답 300바이트`).
            guard marker.hasPrefix("답") else { return true }
            let before = b.unicodeScalars.dropLast(marker.unicodeScalars.count).last
            if before.map({ !AnswerForms.isHangul($0) }) ?? true { return true }
        }
        var rest = after
        for u in units where rest.starts(with: u.unicodeScalars) { rest = rest.dropFirst(u.unicodeScalars.count); break }
        let skipAfter: Set<Unicode.Scalar> = [" ", "*", "`", ")", "\"", "’", "”"]
        let a = String(String.UnicodeScalarView(rest.drop { skipAfter.contains($0) }.prefix(16)))
        guard let first = a.first else { return true }
        if ".。!?\n".contains(first) { return true }
        return conclusionAfter.contains { a.hasPrefix($0) }
    }
}

/// Where a value is written in a text, in every form a reader would take for it.
enum AnswerForms {
    /// A text as the search reads it, its words and spelled states found once: every form of
    /// every key of an exercise is looked for in the same text (before, each search split the text
    /// into words again, about a third of a site build's CPU time).
    /// (A class for its lazy parts: most keys are numbers, which need neither.)
    final class Haystack {
        let scalars: [Unicode.Scalar]
        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        /// Where the words are. Their text is made only for the few that can be what a search
        /// looks for (`words(equalToLowercased:)`): making a string of every word, twice, was a
        /// tenth of a site build's CPU time (`perf record` of `socklab build`).
        lazy var words: [Range<Int>] = AnswerForms.wordRanges(in: scalars)

        /// The text of the word at `r`.
        func text(_ r: Range<Int>) -> String {
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars[r])
            return s
        }

        /// The words whose lowercased text is one of `candidates`.
        func words(equalToLowercased candidates: Set<String>) -> [Range<Int>] {
            let lengths = Set(candidates.map(\.unicodeScalars.count))
            return words.filter { lengths.contains($0.count) && candidates.contains(text($0).lowercased()) }
        }

        /// Every spelling of a state (one word, or up to three apart by single spaces, not a
        /// call), each with the state it spells and its first word's index.
        lazy var spelledStates: [(state: TCPState, start: Int, range: Range<Int>)] = {
            let text = scalars
            let ws = words.filter {
                text[$0].allSatisfy(\.isASCII) && ($0.upperBound == text.count || text[$0.upperBound] != "(")
            }
            var spelled: [(TCPState, Int, Range<Int>)] = []
            for a in ws.indices {
                var joined = ""
                for b in a..<min(ws.count, a + 3) {
                    if b > a, ws[b].lowerBound != ws[b - 1].upperBound + 1 || text[ws[b - 1].upperBound] != " " { break }
                    joined.unicodeScalars.append(contentsOf: text[ws[b]])
                    if let state = TCPState(spelling: joined) { spelled.append((state, a, ws[a].lowerBound..<ws[b].upperBound)) }
                }
            }
            return spelled
        }()
    }

    static func occurrences(of value: AnswerValue, others: [String], in text: [Unicode.Scalar], durationUnit: Int? = nil) -> [Range<Int>] {
        occurrences(of: value, others: others, in: Haystack(text), durationUnit: durationUnit)
    }

    /// Scalar ranges of `value`'s written forms in `text`. `others` are the question's other
    /// choices (a choice's distinguishing parts count as forms of it).
    /// `durationUnit` (milliseconds per unit) makes an integer a duration: then every written
    /// duration equal to it is a form of it too (`60초`, `1분`, `60000ms` for 60 seconds).
    static func occurrences(of value: AnswerValue, others: [String], in hay: Haystack, durationUnit: Int? = nil) -> [Range<Int>] {
        let text = hay.scalars
        switch value {
        case .integer(let n):
            guard let unit = durationUnit else { return integers(n, in: text) }
            let (ms, over) = n.multipliedReportingOverflow(by: unit)
            return integers(n, in: text) + (over ? [] : durations(ms, in: text))
        case .never:
            return hay.words(equalToLowercased: ["never"])
                + substrings(["반환하지 않", "돌아오지 않", "영원히 블록"], in: text)
        case .boolean(let b):
            let spellings: Set<String> = b ? ["yes", "true", "예", "네", "응", "참"] : ["no", "false", "아니요", "아니오", "아니", "거짓"]
            return hay.words(equalToLowercased: spellings)
        case .state(let state):
            return states(state, in: hay)
        case .text, .errno, .outcome, .endpoint:
            return choice(value.display, others: others, in: text)
        case .list(let items):
            if items.isEmpty { return substrings(["없음"], in: text) }
            // Every item, in order: the list written out in prose or with arrows.
            var at = 0
            var first: Int?
            for item in items {
                let found = itemOccurrences(item, in: hay)
                guard let r = found.filter({ $0.lowerBound >= at }).min(by: { $0.lowerBound < $1.lowerBound }) else { return [] }
                if first == nil { first = r.lowerBound }
                at = r.upperBound
            }
            return [first!..<at]
        case .counts(let c):
            return c.values.filter { $0 != 0 }.flatMap { integers($0, in: text) }
        }
    }

    /// An ASCII letter or digit, or `_` (by value: the Unicode property tables were 3 % of a build).
    static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        default: return false
        }
    }

    static func isHangul(_ c: Unicode.Scalar) -> Bool { (0xAC00...0xD7A3).contains(c.value) || (0x3131...0x318E).contains(c.value) }

    /// Runs of ASCII letters, digits, `_`, `-` and `+`, and runs of Hangul.
    static func wordRanges(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < text.count {
            let ascii = isWordScalar(text[i])
            guard ascii || isHangul(text[i]) else { i += 1; continue }
            var j = i
            while j < text.count, ascii ? (isWordScalar(text[j]) || text[j] == "-" || text[j] == "+") : isHangul(text[j]) { j += 1 }
            out.append(i..<j)
            i = j
        }
        return out
    }

    /// Number tokens equal to `n`: digit runs not inside an identifier (`FIN_WAIT_1`), a dotted
    /// address or a decimal, with `,` thousands separators; and Korean ordinals (`세 번째`).
    static func integers(_ n: Int, in text: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        func isDigit(_ k: Int) -> Bool { Self.isDigit(text, k) }
        while i < text.count {
            guard isDigit(i) else { i += 1; continue }
            let (digits, j) = digitRun(in: text, from: i)
            let before = i > 0 ? text[i - 1] : " "
            let inIdentifier = before.isASCII && (before.properties.isAlphabetic || before == "_")
            let dotted = (j < text.count && text[j] == "." && isDigit(j + 1)) || (before == "." && isDigit(i - 2))
            let isMSL = text[j...].starts(with: "MSL".unicodeScalars)
            if !inIdentifier, !dotted, !isMSL, Int(digits) == n { out.append(i..<j) }
            i = j
        }
        if (1...10).contains(n) {
            let ordinal = ["첫", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"][n - 1]
            out += substrings(["\(ordinal) 번째", "\(ordinal)번째"], in: text).filter { r in
                r.lowerBound == 0 || !isHangul(text[r.lowerBound - 1])
            }
        }
        return out
    }

    static func isDigit(_ text: [Unicode.Scalar], _ k: Int) -> Bool { k >= 0 && k < text.count && ("0"..."9").contains(text[k]) }

    /// The digits of the number that starts at `i` and where it ends: a run of digits, with `,`
    /// thousands groups continuing it ("1,000": a comma followed by exactly three digits).
    static func digitRun(in text: [Unicode.Scalar], from i: Int) -> (digits: String, end: Int) {
        var j = i
        var digits = ""
        while true {
            while isDigit(text, j) { digits.unicodeScalars.append(text[j]); j += 1 }
            if j < text.count, text[j] == ",", isDigit(text, j + 1), isDigit(text, j + 2), isDigit(text, j + 3), !isDigit(text, j + 4) { j += 1; continue }
            return (digits, j)
        }
    }

    /// Written durations equal to `ms` milliseconds: a number (thousands groups `1,000`, a decimal
    /// `1.5`), an optional space, and a unit in Korean (`밀리초`, `초`, `분`, `시간`) or as scenarios
    /// write it (`ms`, `s`, `sec`, `min`, `h`); not inside an identifier or a dotted address. The
    /// range is the number's, as for `integers`: a given value's placeholder (`{f}초`) renders the
    /// number, so the mention of it covers the number and not the unit after it.
    static func durations(_ ms: Int, in text: [Unicode.Scalar]) -> [Range<Int>] {
        let units: [(String, Int)] = [("밀리초", 1), ("초", 1_000), ("분", 60_000), ("시간", 3_600_000),
                                      ("ms", 1), ("sec", 1_000), ("s", 1_000), ("min", 60_000), ("h", 3_600_000)]
        var out: [Range<Int>] = []
        func isDigit(_ k: Int) -> Bool { Self.isDigit(text, k) }
        var i = 0
        while i < text.count {
            guard isDigit(i) else { i += 1; continue }
            let before = i > 0 ? text[i - 1] : " "
            let (whole, end) = digitRun(in: text, from: i)
            var j = end
            var fraction = ""
            if j + 1 < text.count, text[j] == ".", isDigit(j + 1) {
                j += 1
                while isDigit(j) { fraction.unicodeScalars.append(text[j]); j += 1 }
            }
            defer { i = j }
            let inIdentifier = before.isASCII && (before.properties.isAlphabetic || before == "_" || before == ".")
            guard !inIdentifier, whole.count <= 15, fraction.count <= 3, let w = Int(whole), let f = Int(fraction.isEmpty ? "0" : fraction) else { continue }
            var k = j
            if k < text.count, text[k] == " " { k += 1 }
            for (u, perUnit) in units {
                let us = Array(u.unicodeScalars)
                guard k + us.count <= text.count, Array(text[k..<(k + us.count)]) == us else { continue }
                // A Latin unit is a whole word (`5s`, not `5sec` read as `5s` nor `5send`).
                if u.unicodeScalars.first!.isASCII, k + us.count < text.count, isWordScalar(text[k + us.count]) { continue }
                var scale = 1
                for _ in 0..<fraction.count { scale *= 10 }
                let (a, o1) = w.multipliedReportingOverflow(by: perUnit)
                let (b, o2) = f.multipliedReportingOverflow(by: perUnit)
                let (sum, o3) = a.addingReportingOverflow(b / scale)
                if !o1, !o2, !o3, b % scale == 0, sum == ms { out.append(i..<j) }
                break
            }
        }
        return out
    }

    /// Any spelling of `state`: one word (`TIME_WAIT`, `time-wait`) or up to three words apart by
    /// single spaces (`TIME WAIT`, `FIN WAIT 1`); not a call (`listen()`).
    static func states(_ state: TCPState, in hay: Haystack) -> [Range<Int>] {
        // The shortest spelling from each starting word.
        var out: [Range<Int>] = []
        var last: Int?
        for s in hay.spelledStates where s.state == state && s.start != last {
            out.append(s.range)
            last = s.start
        }
        return out
    }

    /// A list item: a state in any spelling, else the word itself (case-insensitive, whole word;
    /// any substring for a word that is not ASCII).
    static func itemOccurrences(_ item: AnswerValue.Item, in hay: Haystack) -> [Range<Int>] {
        switch item {
        case .state(let s): return states(s, in: hay)
        case .segment, .integer, .errno, .never:
            let word = item.display
            if word.contains(where: { !$0.isASCII }) { return substrings([word], in: hay.scalars) }
            return hay.words(equalToLowercased: [word.lowercased()])
        }
    }

    /// A choice's text, and each `:`-part of it no other choice has (a port, an address).
    static func choice(_ s: String, others: [String], in text: [Unicode.Scalar]) -> [Range<Int>] {
        var out = bounded(s, in: text)
        let otherParts = Set(others.flatMap { $0.split(separator: ":").map { $0.lowercased() } })
        for part in s.split(separator: ":").map(String.init) where !otherParts.contains(part.lowercased()) && part != "*" {
            if let n = Int(part) { out += integers(n, in: text) } else { out += bounded(part, in: text) }
        }
        return out
    }

    /// Case-insensitive occurrences of `s` not inside a longer word or address.
    static func bounded(_ s: String, in text: [Unicode.Scalar]) -> [Range<Int>] {
        func glued(_ c: Unicode.Scalar) -> Bool { isWordScalar(c) || c == "." || c == ":" }
        return substrings([s], in: text, caseInsensitive: true).filter { r in
            (r.lowerBound == 0 || !glued(text[r.lowerBound - 1]) || !glued(s.unicodeScalars.first!))
                && (r.upperBound == text.count || !glued(text[r.upperBound]) || !glued(s.unicodeScalars.last!)
                    || (text[r.upperBound] == "." && (r.upperBound + 1 == text.count || !isWordScalar(text[r.upperBound + 1]))))
        }
    }

    static func substrings(_ needles: [String], in text: [Unicode.Scalar], caseInsensitive: Bool = false) -> [Range<Int>] {
        func fold(_ c: Unicode.Scalar) -> Unicode.Scalar {
            caseInsensitive && ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c
        }
        let hay = text.map(fold)
        var out: [Range<Int>] = []
        for needle in needles {
            let n = needle.unicodeScalars.map(fold)
            guard !n.isEmpty, n.count <= hay.count else { continue }
            for i in 0...(hay.count - n.count) where hay[i] == n[0] && hay[i..<(i + n.count)].elementsEqual(n) {
                out.append(i..<(i + n.count))
            }
        }
        return out
    }
}
