import SocketSim
import SourceFiles
import TraceQueries

/// The answers for one exercise and one variant, all computed by the simulation.
public struct AnswerKey: Sendable, Equatable {
    public var exerciseID: String
    public var variant: Variant
    /// Question id -> the key.
    public var values: [String: AnswerValue]
    /// Question id -> the tolerance in force for this variant (0 when none).
    public var tolerances: [String: Int]
    /// Question id -> what each misconception predicts, only where it applies and differs from the key.
    public var predictions: [String: [Misconception: AnswerValue]]
    /// Values of the `{q:QUERY}` placeholders in the exercise's texts, by query text.
    public var queryValues: [String: AnswerValue]
    /// Every name the scenario ran with (course parameters, variant values, scenario parameters, `let`s).
    public var variables: [String: Int]
    public var textVariables: [String: String]

    public init(exerciseID: String, variant: Variant, values: [String: AnswerValue], tolerances: [String: Int] = [:],
                predictions: [String: [Misconception: AnswerValue]] = [:], queryValues: [String: AnswerValue] = [:],
                variables: [String: Int] = [:], textVariables: [String: String] = [:]) {
        self.exerciseID = exerciseID
        self.variant = variant
        self.values = values
        self.tolerances = tolerances
        self.predictions = predictions
        self.queryValues = queryValues
        self.variables = variables
        self.textVariables = textVariables
    }
}

extension QuestionKind {
    /// Whether a computed key has the shape this kind of question asks for.
    public func accepts(_ v: AnswerValue, choices: [String]) -> Bool {
        switch (self, v) {
        case (.integer, .integer), (.integer, .never): return true
        case (.yesno, .boolean): return true
        case (.choice, _): return choices.contains { AnswerValue.literalMatches(v, $0) }
        case (.state, .text(let s)): return TCPState(spelling: s) != nil
        case (.list, .list): return true
        case (.counts, .counts): return true
        default: return false
        }
    }
}

extension Exercise {
    /// Computes the key for a variant: one run of the scenario for every question (re-runs for
    /// searches and carried-forward questions), then one run per misconception for its predictions.
    /// A query that fails, or whose value does not fit the question's kind, is a content error.
    /// `predicting: false` leaves out the misconceptions' predictions, about half the work, for a
    /// caller that reads only the key's values (the hint check); `withPredictions` adds them later.
    public func answerKey(for variant: Variant, predicting: Bool = true) throws(DiagnosticError) -> AnswerKey {
        let prepared = try run(for: variant).prepare()
        let variables = prepared.variables
        var problems: [Diagnostic] = []
        var key = AnswerKey(exerciseID: id, variant: variant, values: [:], variables: variables, textVariables: prepared.run.textVariables)

        let direct = questions.filter { $0.carryForward == nil }
        let needs = caches.needs(id: id, texts: [prose] + questions.flatMap { [$0.prompt, $0.hint, $0.solution] })
        var placeholderQueries: [Query] = []
        for (text, parsed) in needs.queries {
            switch parsed {
            case .success(let q): placeholderQueries.append(q)
            case .failure(let error):
                problems.append(Diagnostic(at: location, id: .exercisePlaceholder, "{q:\(text)}: \(error.message)"))
            }
        }
        let results = prepared.evaluate(direct.map(\.answer) + placeholderQueries)
        for (q, r) in zip(direct, results) {
            switch r {
            case .success(let v): key.values[q.id] = v
            case .failure(let e): problems.append(Diagnostic(at: q.location, id: .exerciseAnswer, "question '\(q.id)' (\(variant)): \(e.message)"))
            }
        }
        for (q, r) in zip(placeholderQueries, results.dropFirst(direct.count)) {
            if case .success(let v) = r { key.queryValues[q.text] = v } else if case .failure(let e) = r {
                problems.append(Diagnostic(at: location, id: .exercisePlaceholder, "{q:\(q.text)} (\(variant)): \(e.message)"))
            }
        }
        // Chained questions, in order: each sees the key of the question it depends on.
        for q in questions where q.carryForward != nil {
            guard case .integer(let from)? = key.values[q.carryForward!.from] else {
                problems.append(Diagnostic(at: q.location, id: .exerciseCarryForward,
                                           "question '\(q.id)' carries forward '\(q.carryForward!.from)', whose key is not a number (\(variant))"))
                continue
            }
            do throws(DiagnosticError) {
                key.values[q.id] = try carriedValue(q, variant: variant, value: from).get()
            } catch {
                problems += error.diagnostics
            } 
        }
        for q in questions {
            guard let v = key.values[q.id] else { continue }
            if !q.kind.accepts(v, choices: q.choices) {
                problems.append(Diagnostic(at: q.location, id: .exerciseKindMismatch,
                                           "question '\(q.id)' is a \(q.kind.rawValue) question, but its query gives '\(v.display)' (\(variant))",
                                           notes: q.kind == .choice ? ["choices: \(q.choices.joined(separator: ", "))"] : []))
            }
            if let t = q.tolerance {
                // The loader keeps a whole number or a value written whole in braces (`{mss}`).
                let inner = TemplateScanner.braced(t).map(String.init) ?? t
                do throws(Arithmetic.Failure) { key.tolerances[q.id] = try Arithmetic.evaluate(inner, variables: variables) } catch {
                    problems.append(Diagnostic(at: q.location, id: .exerciseTolerance, "tolerance of '\(q.id)': \(error.message)"))
                }
            }
        }
        for name in needs.unknownNames(key: key) {
            problems.append(Diagnostic(at: location, id: .exercisePlaceholder, "'{\(name)}' names no parameter, variant value or let name"))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }

        if predicting { key.predictions = predictions(prepared, values: key.values) }
        return key
    }

    /// `key` (computed with `predicting: false`) with its misconceptions' predictions added.
    public func withPredictions(_ key: AnswerKey) throws(DiagnosticError) -> AnswerKey {
        var key = key
        key.predictions = predictions(try run(for: key.variant).prepare(), values: key.values)
        return key
    }

    /// What each misconception predicts, for the questions it models, where it differs from the key.
    func predictions(_ prepared: PreparedRun, values: [String: AnswerValue]) -> [String: [Misconception: AnswerValue]] {
        var out: [String: [Misconception: AnswerValue]] = [:]
        let direct = questions.filter { $0.carryForward == nil }
        for m in misconceptions {
            let applicable = direct.filter { m.applies(to: $0.answer) }
            guard !applicable.isEmpty else { continue }
            let predicted = prepared.evaluate(applicable.map(\.answer), transform: { m.transform($0) }, view: { m.view($0) })
            for (q, r) in zip(applicable, predicted) {
                if case .success(let v) = r, v != values[q.id] { out[q.id, default: [:]][m] = v }
            }
        }
        return out
    }

    /// The value of a chained question when its `carryForward` variable is `value`.
    public func carriedValue(_ q: Question, variant: Variant, value: Int) -> Result<AnswerValue, DiagnosticError> {
        guard let cf = q.carryForward else { return .failure(DiagnosticError(Diagnostic(at: q.location, id: .exerciseCarryForward, "'\(q.id)' carries nothing forward"))) }
        let base = run(for: variant)
        do throws(DiagnosticError) {
            let (_, _, lets) = try base.load()
            let again = base.setting(cf.variable, to: value, letNames: Set(lets))
            switch try again.evaluate([q.answer])[0] {
            case .success(let v): return .success(v)
            case .failure(let e):
                return .failure(DiagnosticError(Diagnostic(at: q.location, id: .exerciseAnswer, "question '\(q.id)' with \(cf.variable) = \(value): \(e.message)")))
            }
        } catch {
            return .failure(error)
        }
    }
}
