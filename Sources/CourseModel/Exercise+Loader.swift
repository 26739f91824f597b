import SocketSim
import SourceFiles
import TraceQueries
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
                e.caches = caches
                e.scenario.caches = caches.scenarios
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

    /// A mapping's fields by key, the known ones only; an unknown key is reported (with the known
    /// ones) and left out.
    typealias Fields = [String: (keyNode: Node, value: Node)]

    static func fields(_ entries: [(key: String, keyNode: Node, value: Node)], known: [String], in what: String,
                       _ r: inout YAMLReader) -> Fields {
        var byKey: Fields = [:]
        for e in entries {
            if known.contains(e.key) { byKey[e.key] = (e.keyNode, e.value) } else { r.unknownKey(e.key, e.keyNode, in: what, known: known) }
        }
        return byKey
    }

    /// Reads one exercise file, reporting every mistake it finds (not only the first) in the
    /// file's order: unknown keys, then each field as written in the format above.
    public static func load(text: String, file: String, course: CourseConfig, scenarios: [ScenarioFile]) throws(DiagnosticError) -> Exercise {
        let doc = try YAMLDocument(text: text, file: file)
        var r = YAMLReader(doc)
        guard let entries = r.mapping(doc.root, "an exercise") else { throw DiagnosticError(r.diagnostics) }
        let byKey = fields(entries, known: knownKeys, in: "an exercise", &r)
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
        let params = byKey["parameters"].map { parameters($0.value, &r) } ?? []
        var scenario: (run: ScenarioRun, name: String?)?
        if let sn = required("scenario") {
            let keyLine = byKey["scenario"]?.keyNode.mark?.line ?? 0
            let laterKeyLines = entries.compactMap { $0.keyNode.mark?.line }.filter { $0 > keyLine }
            scenario = self.scenario(sn, laterKeyLines: laterKeyLines, text: text, file: file, scenarios: scenarios, &r)
        }
        let misconceptions = byKey["misconceptions"].map { self.misconceptions($0.value, &r) } ?? Misconception.allCases
        let questions = required("questions").map { self.questions($0, &r) } ?? []

        checkVariantCount(params, &r)
        if !r.diagnostics.isEmpty { throw DiagnosticError(r.diagnostics) }
        var run = scenario!.run
        run.variables = course.parameters
        return Exercise(id: id, section: section, title: title, prose: prose, scenario: run, scenarioName: scenario!.name,
                        parameters: params, misconceptions: misconceptions, questions: questions,
                        location: SourceLocation(file: file, line: byKey["id"]?.value.mark?.line ?? 1))
    }

    /// `parameters:`, each name checked before its value is read.
    static func parameters(_ node: Node, _ r: inout YAMLReader) -> [ParameterSpec] {
        guard let pairs = r.mapping(node, "parameters") else { return [] }
        var params: [ParameterSpec] = []
        for p in pairs {
            guard isIdentifier(p.key) else {
                r.add(r.doc.error(p.keyNode, .exerciseParameterName, "'\(p.key)' is not a parameter name: use letters, digits and _"))
                continue
            }
            if let spec = parameter(p.key, p.value, &r) { params.append(spec) }
        }
        return params
    }

    /// `scenario:`: a scenario file's name (`.yaml` optional), or a scenario written in the
    /// exercise, read from the exercise file itself with everything else blanked out so that its
    /// diagnostics point into the exercise (it ends before the first key after it).
    static func scenario(_ node: Node, laterKeyLines: [Int], text: String, file: String, scenarios: [ScenarioFile],
                         _ r: inout YAMLReader) -> (run: ScenarioRun, name: String?)? {
        switch node {
        case .scalar(let s):
            let name = s.string.hasSuffix(".yaml") ? String(s.string.dropLast(5)) : s.string
            if let f = scenarios.first(where: { $0.name == name }) { return (ScenarioRun(text: f.text, file: f.path), name) }
            r.add(r.doc.error(node, .exerciseUnknownScenario, "no scenario file named '\(s.string)'",
                              notes: ["scenarios: \(scenarios.map(\.name).sorted().joined(separator: ", "))"]))
            return nil
        case .mapping:
            let start = (line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
            let end = laterKeyLines.min().map { $0 - 1 }
            return (ScenarioRun(text: blankOutside(text, from: start, toLine: end), file: file), nil)
        default:
            r.add(r.doc.error(node, .exerciseScenario, "scenario must be a scenario file's name or a scenario written as a mapping"))
            return nil
        }
    }

    /// `misconceptions:`: the ones to try (`none` or empty: none); every one when the key is absent.
    static func misconceptions(_ node: Node, _ r: inout YAMLReader) -> [Misconception] {
        if case .scalar(let s) = node, s.string.isEmpty || s.string == "none" { return [] }
        guard let items = r.sequence(node, "misconceptions") else { return [] }
        var out: [Misconception] = []
        for item in items {
            guard let s = r.string(item, "a misconception") else { continue }
            if let m = Misconception(rawValue: s) { out.append(m) } else {
                r.add(r.doc.error(item, .exerciseMisconception, "unknown misconception '\(s)'",
                                  notes: ["misconceptions: \(Misconception.allCases.map(\.rawValue).joined(separator: ", "))"]))
            }
        }
        return out
    }

    /// `questions:`: at least one, ids unique within the exercise; a carry-forward may name only
    /// an earlier question.
    static func questions(_ node: Node, _ r: inout YAMLReader) -> [Question] {
        guard let items = r.sequence(node, "questions") else { return [] }
        if items.isEmpty { r.add(r.doc.error(node, .exerciseNoQuestions, "an exercise needs at least one question")) }
        var questions: [Question] = []
        for item in items {
            guard let q = question(item, doc: r.doc, earlier: questions, &r) else { continue }
            if questions.contains(where: { $0.id == q.id }) {
                r.add(Diagnostic(at: q.location, id: .exerciseDuplicateQuestion, "question id '\(q.id)' is used twice in this exercise"))
            } else {
                questions.append(q)
            }
        }
        return questions
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

    /// One question, every field checked (mistakes reported in the order of the fields as the
    /// format lists them); nil when any field of this question was wrong.
    static func question(_ node: Node, doc: YAMLDocument, earlier: [Question], _ r: inout YAMLReader) -> Question? {
        guard let entries = r.mapping(node, "a question") else { return nil }
        let byKey = fields(entries, known: questionKeys, in: "a question", &r)
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
        let points = byKey["points"].map { self.points($0.value, &r) } ?? 1.0
        let answer = need("answer").flatMap { self.answer($0, question: id, choices: choices, &r) }
        let tolerance = byKey["tolerance"].flatMap { self.tolerance($0.value, kind: kind, &r) }
        let partial = byKey["partial"].flatMap { self.partial($0.value, kind: kind, &r) }
        let hint = byKey["hint"].flatMap { r.string($0.value, "hint") } ?? ""
        if let hn = byKey["hint"]?.value, ExerciseText.placeholders(in: hint).contains("answer") {
            r.add(doc.error(hn, .exerciseHintAnswer, "the hint of question '\(id)' uses {answer}: a hint is shown without --reveal, so it may not state the key",
                            notes: ["put the worked answer in 'solution:'"]))
        }
        let solution = self.solution(byKey, question: id, &r)
        let carry = byKey["carryForward"].flatMap { carryForward($0.value, earlier: earlier, &r) }
        guard r.diagnostics.count == before, let answer else { return nil }
        return Question(id: id, prompt: prompt, kind: kind, choices: choices, points: points, answer: answer, tolerance: tolerance,
                        partial: partial, hint: hint, solution: solution, carryForward: carry,
                        location: doc.location(node), hintLocation: byKey["hint"].map { doc.location($0.value) })
    }

    /// `points:`, a number from 0 to 1000 (1 when wrong, the mistake reported).
    static func points(_ node: Node, _ r: inout YAMLReader) -> Double {
        guard let s = r.string(node, "points") else { return 1 }
        if let p = Double(s.trimmingSpacesTabsAndNewlines()), p >= 0, p <= 1000 { return p }
        r.add(r.doc.error(node, .exercisePoints, "points must be a number from 0 to 1000, got '\(s)'"))
        return 1
    }

    /// `answer:`, a query over the trace: a literal value (or list, or mapping) is refused, so
    /// that the simulation, not the author, computes every key.
    static func answer(_ node: Node, question id: String, choices: [String], _ r: inout YAMLReader) -> Query? {
        guard case .scalar(let s) = node else {
            r.add(r.doc.error(node, .exerciseLiteralAnswer,
                              "answer of question '\(id)' is a literal list or mapping: an answer must be a query over the trace, such as 'segments' or 'origins server.recvq after 4'"))
            return nil
        }
        let text = s.string.trimmingSpacesTabsAndNewlines()
        if isLiteral(text, choices: choices) {
            r.add(r.doc.error(node, .exerciseLiteralAnswer,
                              "answer of question '\(id)' is a literal value ('\(text)'): an answer must be a query over the trace, so that the simulation computes the key",
                              notes: ["for example: 'queue server.recvq after 3', 'returnedAt 1', 'deadlock', 'states client'"]))
            return nil
        }
        do throws(QueryError) { return try Query.parse(text) } catch {
            r.add(r.doc.error(node, .exerciseQuery, "answer of question '\(id)': \(error.message)"))
            return nil
        }
    }

    /// `tolerance:` (integer and counts questions): a whole number, or an expression written
    /// whole in braces (`{mss}`), evaluated per variant by the key.
    static func tolerance(_ node: Node, kind: QuestionKind, _ r: inout YAMLReader) -> String? {
        guard let s = r.string(node, "tolerance") else { return nil }
        if kind != .integer && kind != .counts {
            r.add(r.doc.error(node, .exerciseTolerance, "tolerance applies to integer and counts questions only"))
        } else if Int(s.trimmingSpacesTabsAndNewlines()).map({ $0 >= 0 }) == true || TemplateScanner.braced(s) != nil {
            return s.trimmingSpacesTabsAndNewlines()
        } else {
            r.add(r.doc.error(node, .exerciseTolerance, "tolerance must be a whole number or an {expression} such as {mss}, got '\(s)'"))
        }
        return nil
    }

    /// `partial:`: prefix or position for lists, per-key for counts.
    static func partial(_ node: Node, kind: QuestionKind, _ r: inout YAMLReader) -> PartialCredit? {
        guard let s = r.string(node, "partial") else { return nil }
        guard let p = PartialCredit(rawValue: s) else {
            r.add(r.doc.error(node, .exercisePartial, "partial must be one of \(PartialCredit.allCases.map(\.rawValue).joined(separator: ", ")), got '\(s)'"))
            return nil
        }
        if (kind == .list && p != .perKey) || (kind == .counts && p == .perKey) { return p }
        r.add(r.doc.error(node, .exercisePartial, "partial: \(s) does not apply to a \(kind.rawValue) question",
                          notes: ["lists take 'prefix' or 'position'; counts take 'per-key'"]))
        return nil
    }

    /// `solution:`, or `explanation:`, its old name (not both).
    static func solution(_ byKey: Fields, question id: String, _ r: inout YAMLReader) -> String {
        let solution = byKey["solution"].flatMap { r.string($0.value, "solution") } ?? ""
        guard let en = byKey["explanation"] else { return solution }
        guard byKey["solution"] == nil else {
            r.add(r.doc.error(en.keyNode, .exerciseExplanation, "question '\(id)' has both 'explanation:' and 'solution:'",
                              notes: ["'explanation:' is the old name of 'solution:'; keep one"]))
            return solution
        }
        return r.string(en.value, "explanation") ?? ""
    }

    /// `carryForward: { from: QUESTION, as: NAME }`: graded on the scenario run with NAME set to
    /// the student's answer to an earlier integer question.
    static func carryForward(_ node: Node, earlier: [Question], _ r: inout YAMLReader) -> CarryForward? {
        guard let cf = r.mapping(node, "carryForward") else { return nil }
        var from: String?, variable: String?
        for f in cf {
            switch f.key {
            case "from": from = r.string(f.value, "carryForward.from")
            case "as": variable = r.string(f.value, "carryForward.as")
            default: r.unknownKey(f.key, f.keyNode, in: "carryForward", known: ["from", "as"])
            }
        }
        guard let from, let variable, isIdentifier(variable) else {
            r.add(r.doc.error(node, .exerciseCarryForward, "carryForward needs 'from: QUESTION_ID' and 'as: VARIABLE' (the scenario name set to that answer)"))
            return nil
        }
        guard let q = earlier.first(where: { $0.id == from }) else {
            r.add(r.doc.error(node, .exerciseCarryForward, "carryForward.from must name an earlier question of this exercise, got '\(from)'"))
            return nil
        }
        guard q.kind == .integer else {
            r.add(r.doc.error(node, .exerciseCarryForward, "carryForward.from names '\(from)', which is not an integer question"))
            return nil
        }
        return CarryForward(from: from, variable: variable)
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
