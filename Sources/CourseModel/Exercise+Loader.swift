import SourceFiles
import SocketSim
import Yams

/// A scenario file the exercises may name: `scenario: deadlock` means `content/scenarios/deadlock.yaml`.
public struct ScenarioFile: Sendable, Hashable {
    public var name: String
    public var path: String
    public var text: String
    public init(name: String, path: String, text: String) {
        self.name = name
        self.path = path
        self.text = text
    }
}

/// Every exercise of the course, in a stable order (section order, then file order).
public struct ExerciseCatalog: Sendable {
    public var exercises: [Exercise]
    /// The keys the hint check computed while loading, by exercise id and variant index (the
    /// sampled variants, the default variant among them), without the misconceptions'
    /// predictions (`Exercise.withPredictions` adds them). The grader and the site start from
    /// these rather than run the same simulations a second time.
    public var checkedKeys: [String: [Int: AnswerKey]]

    public init(exercises: [Exercise], checkedKeys: [String: [Int: AnswerKey]] = [:]) {
        self.exercises = exercises
        self.checkedKeys = checkedKeys
    }

    /// The key of `variant` if loading computed it.
    public func checkedKey(_ e: Exercise, _ variant: Variant) -> AnswerKey? {
        e.index(of: variant).flatMap { checkedKeys[e.id]?[$0] }
    }

    public func exercise(_ id: String) -> Exercise? { exercises.first { $0.id == id } }

    public var maxPoints: Double { exercises.reduce(0) { $0 + $1.maxPoints } }

    /// Loads every exercise file; returns what loaded and every problem found in any file.
    /// The files are loaded and hint-checked on up to `workers` threads (the check simulates
    /// dozens of variants per exercise: most of a build's and of a grader's start-up time), then
    /// taken in path order, so what comes back does not depend on the threads. Every exercise
    /// keeps its scenarios, needs and hint check in `caches` (the caller's; fresh by default).
    public static func load(files: [(path: String, text: String)], course: CourseConfig,
                            scenarios: [ScenarioFile], workers: Workers = .one,
                            caches: CourseCaches = CourseCaches()) -> (catalog: ExerciseCatalog, diagnostics: [Diagnostic]) {
        let sorted = files.sorted(by: { $0.path < $1.path })
        let loaded = workers.map(sorted.count) { i -> Result<(Exercise, CourseCaches.HintCheck), DiagnosticError> in
            let f = sorted[i]
            do throws(DiagnosticError) {
                var e = try ExerciseLoader.load(text: f.text, file: f.path, course: course, scenarios: scenarios)
                e.scenario.caches = caches
                return .success((e, e.cachedHintCheck(text: f.text, file: f.path, course: course, scenarios: scenarios)))
            } catch {
                return .failure(error)
            }
        }
        var out: [Exercise] = []
        var problems: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        var keys: [String: [Int: AnswerKey]] = [:]
        for result in loaded {
            switch result {
            case .failure(let error):
                problems += error.diagnostics
            case .success(let (e, check)):
                if let first = seen[e.id] {
                    problems.append(Diagnostic(at: e.location, id: .exerciseDuplicateID, "exercise id '\(e.id)' is also used by \(first)"))
                    continue
                }
                // A hint or misconception that gives a key away refuses the exercise: feedback shows them.
                if !check.diagnostics.isEmpty {
                    problems += check.diagnostics
                    continue
                }
                seen[e.id] = e.location
                keys[e.id] = check.keys
                out.append(e)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: course.sections.enumerated().map { ($1, $0) })
        out.sort { (order[$0.section] ?? Int.max, $0.location.file) < (order[$1.section] ?? Int.max, $1.location.file) }
        return (ExerciseCatalog(exercises: out, checkedKeys: keys), problems)
    }
}

/// Reads one exercise file. Reports every problem it finds, each with file, line and field.
///
/// ```yaml
/// id: deadlock-smallest-n            # lowercase letters, digits, '-'; unique in the course
/// section: deadlock                  # one of course.yaml's sections
/// title: "..."
/// prose: |                           # Korean Markdown; {name} and {expression} take the variant's values
///   ...
/// scenario: deadlock                 # a file of content/scenarios/, or a scenario written here as a mapping
/// parameters:                        # become {names} in the scenario and the texts
///   n: 1000                          # fixed
///   sqs: { range: [300, 800], step: 100, default: 500 }   # drawn per student
///   mode: { choices: [auto, manual] }                     # words replace {mode} in the scenario text
/// misconceptions: [swapped-queues, no-recvq]   # which to try (all when left out; [] or none for none)
/// questions:
///   - id: smallest-n
///     prompt: "..."                  # Korean; {name}, {expression}, {q:QUERY}
///     kind: integer                  # integer | yesno | choice (with choices:) | state | list | counts
///     points: 3
///     answer: min n in 1..3000 monotone where deadlock   # a query; a literal value is refused
///     tolerance: "{mss}"             # integer and counts: full marks within ± this
///     partial: prefix                # lists: prefix | position; counts: per-key
///     carryForward: { from: q1, as: n }   # graded on the scenario with n = the student's answer to q1
///     hint: |                        # feedback without --reveal: the rule with the student's numbers, never
///       ...                          #   the result (checked for many variants: exercise.hint-reveals-answer)
///     solution: |                    # the worked answer: --reveal and the instructor site only; {answer} is the key
///       ...                          #   (`explanation:`, the old name, is read as the solution)
/// ```
public enum ExerciseLoader {
    public static let knownKeys = ["id", "section", "title", "prose", "scenario", "parameters", "misconceptions", "questions"]
    public static let questionKeys = ["id", "prompt", "kind", "choices", "points", "answer", "tolerance", "partial",
                                      "hint", "solution", "explanation", "carryForward"]

    public static func load(text: String, file: String, course: CourseConfig, scenarios: [ScenarioFile]) throws(DiagnosticError) -> Exercise {
        let doc = try YAMLDocument(text: text, file: file)
        var r = YAMLReader(doc)
        guard let entries = r.mapping(doc.root, "an exercise") else { throw DiagnosticError(r.diagnostics) }
        var byKey: [String: (keyNode: Node, value: Node)] = [:]
        for e in entries {
            if knownKeys.contains(e.key) { byKey[e.key] = (e.keyNode, e.value) } else { r.unknownKey(e.key, e.keyNode, in: "an exercise", known: knownKeys) }
        }
        func required(_ key: String) -> Node? {
            guard let v = byKey[key]?.value else {
                r.add(Diagnostic(at: SourceLocation(file: file, line: 1), id: .exerciseMissingField, "an exercise needs '\(key):'"))
                return nil
            }
            return v
        }

        var id = ""
        if let n = required("id"), let s = r.string(n, "id") {
            if isSlug(s) { id = s } else {
                r.add(doc.error(n, .exerciseID, "id must use lowercase letters, digits and '-', e.g. 'deadlock-smallest-n'; got '\(s)'"))
            }
        }
        var section = ""
        if let n = required("section"), let s = r.string(n, "section") {
            section = s
            if !course.sections.isEmpty && !course.sections.contains(s) {
                r.add(doc.error(n, .exerciseSection, "unknown section '\(s)'", notes: ["course.yaml sections: \(course.sections.joined(separator: ", "))"]))
            }
        }
        let title = required("title").flatMap { r.string($0, "title") } ?? ""
        let prose = byKey["prose"].flatMap { r.string($0.value, "prose") } ?? ""

        // Parameters first: the scenario's `{names}` include them.
        var params: [ParameterSpec] = []
        if let pn = byKey["parameters"]?.value, let pairs = r.mapping(pn, "parameters") {
            for p in pairs {
                guard isIdentifier(p.key) else {
                    r.add(doc.error(p.keyNode, .exerciseParameterName, "'\(p.key)' is not a parameter name: use letters, digits and _"))
                    continue
                }
                if let spec = parameter(p.key, p.value, &r) { params.append(spec) }
            }
        }

        var scenarioRun: ScenarioRun?
        var scenarioName: String?
        if let sn = required("scenario") {
            switch sn {
            case .scalar(let s):
                let name = s.string.hasSuffix(".yaml") ? String(s.string.dropLast(5)) : s.string
                if let f = scenarios.first(where: { $0.name == name }) {
                    scenarioName = name
                    scenarioRun = ScenarioRun(text: f.text, file: f.path)
                } else {
                    r.add(doc.error(sn, .exerciseUnknownScenario, "no scenario file named '\(s.string)'",
                                    notes: ["scenarios: \(scenarios.map(\.name).sorted().joined(separator: ", "))"]))
                }
            case .mapping:
                let keyLines = entries.compactMap { $0.keyNode.mark?.line }
                let start = (line: sn.mark?.line ?? 1, column: sn.mark?.column ?? 1)
                let end = keyLines.filter { $0 > (byKey["scenario"]?.keyNode.mark?.line ?? 0) }.min().map { $0 - 1 }
                scenarioRun = ScenarioRun(text: blankOutside(text, from: start, toLine: end), file: file)
            default:
                r.add(doc.error(sn, .exerciseScenario, "scenario must be a scenario file's name or a scenario written as a mapping"))
            }
        }

        var misconceptions = Misconception.allCases
        if let mn = byKey["misconceptions"]?.value {
            misconceptions = []
            if case .scalar(let s) = mn, s.string.isEmpty || s.string == "none" {
                // None to try.
            } else if let items = r.sequence(mn, "misconceptions") {
                for item in items {
                    guard let s = r.string(item, "a misconception") else { continue }
                    if let m = Misconception(rawValue: s) { misconceptions.append(m) } else {
                        r.add(doc.error(item, .exerciseMisconception, "unknown misconception '\(s)'",
                                        notes: ["misconceptions: \(Misconception.allCases.map(\.rawValue).joined(separator: ", "))"]))
                    }
                }
            }
        }

        var questions: [Question] = []
        if let qn = required("questions"), let items = r.sequence(qn, "questions") {
            if items.isEmpty { r.add(doc.error(qn, .exerciseNoQuestions, "an exercise needs at least one question")) }
            for item in items {
                if let q = question(item, doc: doc, earlier: questions, &r) {
                    if questions.contains(where: { $0.id == q.id }) {
                        r.add(Diagnostic(at: q.location, id: .exerciseDuplicateQuestion, "question id '\(q.id)' is used twice in this exercise"))
                    } else {
                        questions.append(q)
                    }
                }
            }
        }

        checkVariantCount(params, &r)
        if !r.diagnostics.isEmpty { throw DiagnosticError(r.diagnostics) }
        var run = scenarioRun!
        run.variables = course.parameters
        return Exercise(id: id, section: section, title: title, prose: prose, scenario: run, scenarioName: scenarioName,
                        parameters: params, misconceptions: misconceptions, questions: questions,
                        location: SourceLocation(file: file, line: byKey["id"]?.value.mark?.line ?? 1))
    }

    static func parameter(_ name: String, _ node: Node, _ r: inout YAMLReader) -> ParameterSpec? {
        let doc = r.doc
        let loc = doc.location(node)
        switch node {
        case .scalar(let s):
            let v = VariantValue(s.string)
            return ParameterSpec(name: name, kind: .fixed(v), defaultValue: v, location: loc)
        case .mapping:
            guard let fields = r.mapping(node, "parameter \(name)") else { return nil }
            var kind: ParameterSpec.Kind?
            var step = 1
            var rangeNode: Node?
            var defaultText: (String, Node)?
            for f in fields {
                switch f.key {
                case "range":
                    rangeNode = f.value
                case "step":
                    if let v = r.integer(f.value, "step of \(name)", range: 1...Int.max) { step = v }
                case "choices":
                    guard let items = r.sequence(f.value, "choices of \(name)") else { continue }
                    let values = items.compactMap { r.string($0, "a choice of \(name)") }.map(VariantValue.init)
                    if values.isEmpty { r.add(doc.error(f.value, .exerciseParameter, "choices of \(name) must list at least one value")) }
                    else { kind = .choices(values) }
                case "default":
                    if let s = r.string(f.value, "default of \(name)") { defaultText = (s, f.value) }
                default:
                    r.unknownKey(f.key, f.keyNode, in: "parameter \(name)", known: ["range", "step", "choices", "default"])
                }
            }
            let beforeRange = r.diagnostics.count
            if let rn = rangeNode, let items = r.sequence(rn, "range of \(name)") {
                // Bounds within ±2^40 (VariantBounds): values are computed from indices, never
                // listed, and no arithmetic on them can overflow.
                let limit = VariantBounds.maxMagnitude
                let bounds = items.compactMap { r.integer($0, "a bound of \(name)'s range", range: -limit...limit) }
                if bounds.count == 2, bounds[0] <= bounds[1] {
                    kind = .range(from: bounds[0], to: bounds[1], step: step)
                } else if bounds.count == items.count {
                    r.add(doc.error(rn, .exerciseParameter, "range of \(name) must be [low, high] with low <= high"))
                }
            }
            guard let kind else {
                // A range already reported (a bound out of bounds, say) needs no second, vaguer error.
                if r.diagnostics.count == beforeRange {
                    r.add(doc.error(node, .exerciseParameter, "parameter \(name) needs a value, 'range: [low, high]' or 'choices: [...]'"))
                }
                return nil
            }
            var spec = ParameterSpec(name: name, kind: kind, defaultValue: .integer(0), location: loc)
            spec.defaultValue = spec.candidateCount > 0 ? spec.candidate(at: 0) : .integer(0)
            if let (text, dn) = defaultText {
                let v = VariantValue(text)
                if spec.candidateIndex(of: v) != nil { spec.defaultValue = v } else {
                    r.add(doc.error(dn, .exerciseParameter, "default of \(name) (\(text)) is not one of its values"))
                }
            }
            return spec
        default:
            r.add(doc.error(node, .exerciseParameter, "parameter \(name) must be a value or a mapping with range or choices"))
            return nil
        }
    }

    /// At most `VariantBounds.maxVariants` variants per exercise (the product of the parameters'
    /// numbers of values, multiplied with overflow checked), reported at the parameter that
    /// crosses the bound: variant indices then fit in an Int with room to spare.
    static func checkVariantCount(_ params: [ParameterSpec], _ r: inout YAMLReader) {
        var product = 1
        for p in params {
            let (next, over) = product.multipliedReportingOverflow(by: max(1, p.candidateCount))
            if over || next > VariantBounds.maxVariants {
                r.add(Diagnostic(at: p.location, id: .exerciseTooManyVariants,
                                 "parameter \(p.name) brings the exercise to more than \(VariantBounds.maxVariants) (2^48) variants",
                                 notes: ["the product of the parameters' numbers of values must stay within 2^48: use a 'step' or a smaller range"]))
                return
            }
            product = next
        }
    }

    static func question(_ node: Node, doc: YAMLDocument, earlier: [Question], _ r: inout YAMLReader) -> Question? {
        guard let fields = r.mapping(node, "a question") else { return nil }
        var byKey: [String: (keyNode: Node, value: Node)] = [:]
        for f in fields {
            if questionKeys.contains(f.key) { byKey[f.key] = (f.keyNode, f.value) } else { r.unknownKey(f.key, f.keyNode, in: "a question", known: questionKeys) }
        }
        let before = r.diagnostics.count
        func need(_ key: String) -> Node? {
            guard let v = byKey[key]?.value else {
                r.add(doc.error(node, .exerciseMissingField, "a question needs '\(key):'"))
                return nil
            }
            return v
        }
        var id = ""
        if let n = need("id"), let s = r.string(n, "question id") {
            if isIdentifier(s) || isSlug(s) { id = s } else { r.add(doc.error(n, .exerciseQuestionID, "question id must use letters, digits, '-' and '_', got '\(s)'")) }
        }
        let prompt = need("prompt").flatMap { r.string($0, "prompt") } ?? ""
        var kind = QuestionKind.integer
        if let n = need("kind"), let s = r.string(n, "kind") {
            if let k = QuestionKind(rawValue: s) { kind = k } else {
                r.add(doc.error(n, .exerciseKind, "unknown kind '\(s)'", notes: ["kinds: \(QuestionKind.allCases.map(\.rawValue).joined(separator: ", "))"]))
            }
        }
        var choices: [String] = []
        if let cn = byKey["choices"]?.value, let items = r.sequence(cn, "choices") {
            choices = items.compactMap { r.string($0, "a choice") }
        }
        if kind == .choice && choices.count < 2 {
            r.add(doc.error(byKey["choices"]?.value ?? node, .exerciseChoices, "a choice question needs 'choices:' with at least two entries"))
        }
        var points = 1.0
        if let pn = byKey["points"]?.value, let s = r.string(pn, "points") {
            if let p = Double(s.trimmingSpacesTabsAndNewlines()), p >= 0, p <= 1000 { points = p } else {
                r.add(doc.error(pn, .exercisePoints, "points must be a number from 0 to 1000, got '\(s)'"))
            }
        }
        var answer: Query?
        if let an = need("answer") {
            switch an {
            case .scalar(let s):
                let text = s.string.trimmingSpacesTabsAndNewlines()
                if isLiteral(text, choices: choices) {
                    r.add(doc.error(an, .exerciseLiteralAnswer,
                                    "answer of question '\(id)' is a literal value ('\(text)'): an answer must be a query over the trace, so that the simulation computes the key",
                                    notes: ["for example: 'queue server.recvq after 3', 'returnedAt 1', 'deadlock', 'states client'"]))
                } else {
                    do throws(QueryError) { answer = try Query.parse(text) } catch {
                        r.add(doc.error(an, .exerciseQuery, "answer of question '\(id)': \(error.message)"))
                    }
                }
            default:
                r.add(doc.error(an, .exerciseLiteralAnswer,
                                "answer of question '\(id)' is a literal list or mapping: an answer must be a query over the trace, such as 'segments' or 'origins server.recvq after 4'"))
            }
        }
        var tolerance: String?
        if let tn = byKey["tolerance"]?.value, let s = r.string(tn, "tolerance") {
            if kind != .integer && kind != .counts {
                r.add(doc.error(tn, .exerciseTolerance, "tolerance applies to integer and counts questions only"))
            } else if Int(s.trimmingSpacesTabsAndNewlines()).map({ $0 >= 0 }) == true || (s.hasPrefix("{") && s.hasSuffix("}")) {
                tolerance = s.trimmingSpacesTabsAndNewlines()
            } else {
                r.add(doc.error(tn, .exerciseTolerance, "tolerance must be a whole number or an {expression} such as {mss}, got '\(s)'"))
            }
        }
        var partial: PartialCredit?
        if let pn = byKey["partial"]?.value, let s = r.string(pn, "partial") {
            if let p = PartialCredit(rawValue: s) {
                let fits = (kind == .list && p != .perKey) || (kind == .counts && p == .perKey)
                if fits { partial = p } else {
                    r.add(doc.error(pn, .exercisePartial, "partial: \(s) does not apply to a \(kind.rawValue) question",
                                    notes: ["lists take 'prefix' or 'position'; counts take 'per-key'"]))
                }
            } else {
                r.add(doc.error(pn, .exercisePartial, "partial must be one of \(PartialCredit.allCases.map(\.rawValue).joined(separator: ", ")), got '\(s)'"))
            }
        }
        let hint = byKey["hint"].flatMap { r.string($0.value, "hint") } ?? ""
        if let hn = byKey["hint"]?.value, ExerciseText.placeholders(in: hint).contains("answer") {
            r.add(doc.error(hn, .exerciseHintAnswer, "the hint of question '\(id)' uses {answer}: a hint is shown without --reveal, so it may not state the key",
                            notes: ["put the worked answer in 'solution:'"]))
        }
        var solution = byKey["solution"].flatMap { r.string($0.value, "solution") } ?? ""
        if let en = byKey["explanation"] {
            if byKey["solution"] != nil {
                r.add(doc.error(en.keyNode, .exerciseExplanation, "question '\(id)' has both 'explanation:' and 'solution:'",
                                notes: ["'explanation:' is the old name of 'solution:'; keep one"]))
            } else {
                solution = r.string(en.value, "explanation") ?? ""
            }
        }
        var carry: CarryForward?
        if let cn = byKey["carryForward"]?.value, let cf = r.mapping(cn, "carryForward") {
            var from: String?, variable: String?
            for f in cf {
                switch f.key {
                case "from": from = r.string(f.value, "carryForward.from")
                case "as": variable = r.string(f.value, "carryForward.as")
                default: r.unknownKey(f.key, f.keyNode, in: "carryForward", known: ["from", "as"])
                }
            }
            if let from, let variable, isIdentifier(variable) {
                if let q = earlier.first(where: { $0.id == from }) {
                    if q.kind == .integer { carry = CarryForward(from: from, variable: variable) } else {
                        r.add(doc.error(cn, .exerciseCarryForward, "carryForward.from names '\(from)', which is not an integer question"))
                    }
                } else {
                    r.add(doc.error(cn, .exerciseCarryForward, "carryForward.from must name an earlier question of this exercise, got '\(from)'"))
                }
            } else {
                r.add(doc.error(cn, .exerciseCarryForward, "carryForward needs 'from: QUESTION_ID' and 'as: VARIABLE' (the scenario name set to that answer)"))
            }
        }
        guard r.diagnostics.count == before, let answer else { return nil }
        return Question(id: id, prompt: prompt, kind: kind, choices: choices, points: points, answer: answer, tolerance: tolerance,
                        partial: partial, hint: hint, solution: solution, carryForward: carry,
                        location: doc.location(node), hintLocation: byKey["hint"].map { doc.location($0.value) })
    }

    /// Whether an answer is a value rather than a query: numbers, yes/no, states, errno names, choices.
    static func isLiteral(_ text: String, choices: [String]) -> Bool {
        if Int(text) != nil || Double(text) != nil { return true }
        if AnswerValue.parseBoolean(text) != nil { return true }
        if TCPState(spelling: text) != nil || Errno(rawValue: text.uppercased()) != nil { return true }
        if choices.contains(where: { $0.lowercased() == text.lowercased() }) { return true }
        if ["never", "none", "completed"].contains(text.lowercased()) { return true }
        if text.contains(","), (try? Query.parse(text)) == nil { return true }
        return false
    }

    /// The text of an inline scenario with every other part of the exercise file blanked out, so
    /// that the scenario loader's lines (and columns) point into the exercise file.
    static func blankOutside(_ text: String, from start: (line: Int, column: Int), toLine end: Int?) -> String {
        var out: [String] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = i + 1
            if n < start.line || (end.map { n > $0 } ?? false) {
                out.append("")
            } else if n == start.line {
                let scalars = Array(line.unicodeScalars)
                let cut = min(max(0, start.column - 1), scalars.count)
                var s = String(repeating: " ", count: cut)
                s.unicodeScalars.append(contentsOf: scalars[cut...])
                out.append(s)
            } else {
                out.append(String(line))
            }
        }
        return out.joined(separator: "\n")
    }

    static func isSlug(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 80 && s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            && s.first != "-"
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isASCII, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
