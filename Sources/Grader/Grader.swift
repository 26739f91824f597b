import CourseModel
import Dispatch
import Foundation
import SocketSim
import SourceFiles

/// An answer file as the command gives it: its path and its bytes (or why they could not be
/// read), either already read or read when the grader takes the file up.
///
/// A run over a folder passes `load`, so that each file's bytes exist only while that file is
/// graded: 10,000 files are never all in memory at once.
public struct AnswerInput: Sendable {
    public var path: String
    let load: @Sendable () -> Result<[UInt8], DiagnosticError>

    public init(path: String, content: Result<[UInt8], DiagnosticError>) {
        self.path = path
        self.load = { content }
    }

    public init(path: String, load: @escaping @Sendable () -> Result<[UInt8], DiagnosticError>) {
        self.path = path
        self.load = load
    }

    /// The bytes, or why they could not be read.
    public var content: Result<[UInt8], DiagnosticError> { load() }
}

/// How one question was marked.
///
/// What is the same for every student with the variant (ids, points, the key, the explanation)
/// lives in the shared `GradingKey.PerQuestion`; a mark holds one reference to it and its own
/// score, status and answer. So marking a question touches one shared object, not five, which
/// matters when two cores mark students of the same variant at once.
public struct QuestionMark: Sendable {
    public enum Status: String, Sendable, Codable {
        case correct, partial, wrong, missing, unreadable
        /// Not graded: the exercise's `variant:` failed its `tag:` (`answer.forged-variant`).
        case refused
    }
    let question: GradingKey.PerQuestion
    public var exerciseID: String { question.exerciseID }
    public var questionID: String { question.id }
    public var score: Double
    public var maxScore: Double { question.points }
    public var status: Status
    /// The answer as the student wrote it, on one line (escaped by each output format).
    public var answer: String { raw.display }
    /// The answer as read from the file.
    public var raw: RawAnswer
    /// The key, only when the run may reveal it.
    public var expected: AnswerValue? { question.revealed ? question.value : nil }
    public var misconception: Misconception?
    /// Marked against the student's own earlier answer (error carried forward).
    public var carriedForward: Bool
    /// For an unreadable answer: how to write it.
    var hint: String = ""

    init(_ question: GradingKey.PerQuestion) {
        self.question = question
        score = 0
        status = .missing
        raw = .empty
        misconception = nil
        carriedForward = false
    }

    /// Korean Markdown: what was wrong, in terms of the simulation. Rendered when asked for, so a
    /// run whose output shows only scores (the table, the CSV gradebook) never builds it.
    public var feedback: String {
        let explanation = question.explanation
        switch status {
        case .missing: return Feedback.missing(explanation: explanation, key: expected)
        case .unreadable: return Feedback.unreadable(answer, kind: question.kind, hint: hint, explanation: explanation, key: expected)
        case .refused: return Feedback.refused(exercise: question.exerciseID)
        case .correct, .partial, .wrong:
            return Feedback.marked(self, explanation: status == .correct ? "" : explanation, key: expected,
                                   carriedFrom: carriedForward ? question.carryForward?.from : nil)
        }
    }
}

public struct ExerciseMark: Sendable {
    /// The key the exercise was marked against (shared by every student with the variant).
    let key: GradingKey
    public var exerciseID: String { key.key.exerciseID }
    public var variant: Variant { key.key.variant }
    /// The variant's index (`Exercise.variant(at:)`), an integer to tell variants apart by
    /// where hashing `variant` would be the cost (the class report); nil for a variant frozen in
    /// an answer file outside the exercise's current space.
    public var variantIndex: Int? { key.variantIndex }
    public var questions: [QuestionMark]
    public var score: Double { questions.reduce(0) { $0 + $1.score } }
    public var maxScore: Double { questions.reduce(0) { $0 + $1.maxScore } }
}

/// One student's result: marks, or the errors that kept the file from being graded.
public struct StudentResult: Sendable {
    public var file: String
    public var student: String?
    public var exercises: [ExerciseMark]
    /// Non-empty: the file was not graded (an error row).
    public var errors: [Diagnostic]
    /// Problems that did not stop grading: slips that cost the questions they touch (severity
    /// error: an unknown id, an answer written twice or unreadable, a line YAML cannot read) and
    /// notes that cost nothing (severity warning: an extra key, a missing variant block).
    public var warnings: [Diagnostic]
    public var maxScore: Double

    public var isError: Bool { !errors.isEmpty }
    public var score: Double { isError ? 0 : exercises.reduce(0) { $0 + $1.score } }
}

/// Everything one `socklab grade` run produced, in a stable order (by student id, then file).
public struct GradeReport: Sendable {
    public var results: [StudentResult]
    public var catalog: ExerciseCatalog
    public var revealed: Bool
    /// How many threads rendering the report may use (the grader's).
    public var workers: Workers = .one
    public var maxScore: Double { catalog.maxPoints }
}

/// Grades answer files against exercises whose keys the simulation computes.
///
/// Keys are computed once per (exercise, variant) seen in the run and shared by every student with
/// that variant; parsing, keys and marking each run in parallel.
public struct Grader: Sendable {
    public let catalog: ExerciseCatalog
    public let chooser: VariantChooser
    /// When set, a student id not in the roster is an error row.
    public let roster: Set<String>?
    let carried = CarryCache()
    let keyCache: KeyCache
    /// Verified variants outside today's parameter spaces (`SheetVariants`).
    let frozen: FrozenVariants
    /// Exercise id -> position in the catalog.
    let positions: [String: Int]
    /// By catalog position, what choosing a variant needs: the id and the parameters' numbers of
    /// candidates (kept apart so that grading a student copies no exercise).
    let shapes: [ExerciseShape]

    /// How many threads grading may use: the command's choice (`Workers`).
    public let workers: Workers

    public init(catalog: ExerciseCatalog, secret: String, roster: Set<String>? = nil, workers: Workers = .one) {
        self.catalog = catalog
        self.workers = workers
        self.positions = Dictionary(catalog.exercises.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.shapes = catalog.exercises.map(ExerciseShape.init)
        self.frozen = FrozenVariants(exercises: catalog.exercises.count)
        self.keyCache = KeyCache(variantCounts: catalog.exercises.map(\.variantCount), frozen: frozen,
                                 checked: catalog.exercises.map { catalog.checkedKeys[$0.id] ?? [:] })
        self.chooser = VariantChooser(secret: secret)
        self.roster = roster
    }

    /// An exercise's position in the catalog and a variant's index.
    struct KeyID: Hashable, Sendable {
        var exercise: Int
        var variant: Int
    }

    /// Diagnostics that keep a file from being graded at all (its error row): without a student
    /// id, or with another student's, there is no variant to grade against. Every other problem
    /// costs at most the questions it touches and is kept in the result's `warnings` — a forged
    /// tag (`answer.forged-variant`) too: it refuses only its exercise.
    public static let fileErrors: Set<DiagnosticID> = [
        .answerNoStudent, .answerStudentID, .answerTwoStudents, .answerUnknownStudent, .answerWrongVariant,
    ]

    /// Grades every input. Throws only for content errors (a key that cannot be computed): a bad
    /// answer file is that student's error row, never a failure of the run.
    ///
    /// Each file is read, checked and marked in one pass on whichever core takes it, and its bytes
    /// and parsed answers are dropped as soon as it is marked. A key is computed the first time a
    /// student with that variant needs it, once, while other students with the same variant wait
    /// for it. `progress` is called (from any thread) after each file with the number done so far.
    public func grade(_ inputs: [AnswerInput], reveal: Bool = false,
                      progress: (@Sendable (Int) -> Void)? = nil) throws(DiagnosticError) -> GradeReport {
        let done = Counter()
        let graded: [(result: StudentResult, keyErrors: [Diagnostic])] = workers.map(inputs.count) { i in
            let out = gradeOne(inputs[i], reveal: reveal)
            if let progress { progress(done.increment()) }
            return out
        }
        let keyErrors = graded.flatMap(\.keyErrors)
        if !keyErrors.isEmpty { throw DiagnosticError(Array(Set(keyErrors)).sorted { $0.location < $1.location }) }
        // By student id, then file; two files for one student: both are graded, and both say so.
        let (order, duplicates) = Self.reportOrder(graded.map { ($0.result.student, $0.result.file) })
        var sorted = order.map { graded[$0].result }
        for (p, d) in duplicates { sorted[p].warnings.append(d) }
        return GradeReport(results: sorted, catalog: catalog, revealed: reveal, workers: workers)
    }

    /// One file: read, checked, marked.
    func gradeOne(_ input: AnswerInput, reveal: Bool) -> (result: StudentResult, keyErrors: [Diagnostic]) {
        let exercises = catalog.exercises
        func errorRow(_ errors: [Diagnostic], student: String? = nil, warnings: [Diagnostic] = []) -> StudentResult {
            StudentResult(file: input.path, student: student, exercises: [], errors: errors, warnings: warnings, maxScore: catalog.maxPoints)
        }
        let sheet: AnswerSheet
        switch input.content {
        case .failure(let e): return (errorRow(e.diagnostics), [])
        case .success(let bytes):
            do throws(DiagnosticError) { sheet = try AnswerSheet.parse(bytes: bytes, file: input.path) } catch {
                return (errorRow(error.diagnostics, student: AnswerSheet.recoverStudent(bytes)), [])
            }
        }
        let variants = self.variants(of: sheet)
        var warnings: [Diagnostic] = sheet.diagnostics
        var errors: [Diagnostic] = []
        for d in check(sheet, variants: variants, readingAnswers: false) {
            // A forged tag costs its exercise (refused below), not the file: it stays a warning
            // of error severity.
            if Self.fileErrors.contains(d.id) { errors.append(d) } else { warnings.append(d) }
        }
        guard errors.isEmpty else { return (errorRow(errors, student: sheet.student, warnings: warnings), []) }
        // The sheet's exercises by catalog position (unknown ids are in the warnings).
        var blocks = [Int](repeating: -1, count: exercises.count)
        for (j, ex) in sheet.exercises.enumerated() {
            if let p = positions[ex.id], blocks[p] < 0 { blocks[p] = j }
        }
        var marks: [ExerciseMark] = []
        marks.reserveCapacity(exercises.count)
        var keyErrors: [Diagnostic] = []
        let keys = keyCache.keys(variants.ids.enumerated().map { KeyID(exercise: $0, variant: $1) }, reveal: reveal, in: exercises)
        for i in exercises.indices {
            switch keys[i] {
            case .success(let key) where variants.refused[i]:
                marks.append(ExerciseMark(key: key, questions: key.questions.map { var m = QuestionMark($0); m.status = .refused; return m }))
            case .success(let key):
                marks.append(mark(exercise: i, answers: blocks[i] < 0 ? [] : sheet.exercises[blocks[i]].answers, key: key, diagnostics: &warnings))
            case .failure(let e): keyErrors += e.diagnostics
            }
        }
        return (StudentResult(file: input.path, student: sheet.student, exercises: marks, errors: [],
                              warnings: AnswerSheet.capped(warnings, file: input.path), maxScore: catalog.maxPoints), keyErrors)
    }

    /// The key of one exercise for one variant, computed once per grader.
    public func key(_ e: Exercise, _ v: Variant) throws(DiagnosticError) -> AnswerKey {
        guard let position = catalog.exercises.firstIndex(where: { $0.id == e.id }), let index = e.index(of: v) else {
            return try e.answerKey(for: v)
        }
        return try keyCache.key(KeyID(exercise: position, variant: index), reveal: false, in: catalog.exercises).get().key
    }

    /// The student's variant of every exercise.
    public func variants(for student: String) -> [String: Variant] {
        Dictionary(uniqueKeysWithValues: catalog.exercises.map { ($0.id, chooser.variant(of: $0, for: student)) })
    }

    /// Well-formedness against the exercises: errors for unknown ids, a forged tag, a wrong
    /// (untagged) variant or a student outside the roster; warnings for missing answers, answers
    /// that cannot be read as their kind and a file without tags.
    /// `readingAnswers: false` leaves out the kind check, which marking does anyway (grading).
    public func check(_ sheet: AnswerSheet, readingAnswers: Bool = true) -> [Diagnostic] {
        AnswerSheet.capped(sheet.diagnostics + check(sheet, variants: variants(of: sheet), readingAnswers: readingAnswers), file: sheet.file)
    }

    func check(_ sheet: AnswerSheet, variants: SheetVariants, readingAnswers: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = variants.diagnostics
        if let roster, !roster.contains(sheet.student) {
            out.append(Diagnostic(at: sheet.studentLocation, id: .answerUnknownStudent, "수강생 명단에 없는 학생입니다: \(Text.quoted(sheet.student))"))
        }
        let exercises = catalog.exercises
        // Suggestions for the first unknown ids only (each costs an edit distance per candidate).
        var suggestions = AnswerSheet.maxDiagnostics
        func nearest(_ id: String, in candidates: [String]) -> String? {
            suggestions -= 1
            return suggestions >= 0 ? AnswerSheet.nearest(id, in: candidates) : nil
        }
        for ex in sheet.exercises {
            guard let position = positions[ex.id] else {
                let near = nearest(ex.id, in: exercises.map(\.id))
                out.append(Diagnostic(at: ex.location, id: .answerUnknownExercise, "\(Text.quoted(ex.id)) 연습은 이 강의에 없는 연습이라 그 답을 채점하지 않습니다",
                                      notes: near.map { ["혹시 \(Text.quoted($0)) 연습을 쓰려던 것입니까?"] } ?? ["이 강의의 연습: \(Korean.codes(exercises.map(\.id)))"]))
                continue
            }
            let questions = exercises[position].questions
            for (j, a) in ex.answers.enumerated() {
                guard let qi = Self.index(of: a.questionID, in: questions, hint: j) else {
                    let near = nearest(a.questionID, in: questions.map(\.id))
                    out.append(Diagnostic(at: a.location, id: .answerUnknownQuestion,
                                          "\(Text.quoted(ex.id)) 연습에는 \(Text.quoted(a.questionID)) 문항이 없어 이 답은 채점하지 않습니다",
                                          notes: near.map { ["혹시 \(Text.quoted($0)) 문항을 쓰려던 것입니까?"] } ?? ["이 연습의 문항: \(Korean.codes(questions.map(\.id)))"]))
                    continue
                }
                if !readingAnswers || a.problem != nil { continue }
                if case .empty = a.raw { continue }
                if case .failure(let u) = Marking.read(a.raw, as: questions[qi].kind, choices: questions[qi].choices) {
                    out.append(Self.unreadable(a, questions[qi], u))
                }
            }
        }
        // Missing answers: for `socklab check` (grading marks them as missing anyway).
        guard readingAnswers else { return out }
        for e in exercises {
            let answered = Set(sheet.exercise(e.id)?.answers.filter { $0.raw != .empty }.map(\.questionID) ?? [])
            let missing = e.questions.filter { !answered.contains($0.id) }.map(\.id)
            if !missing.isEmpty {
                out.append(Diagnostic(.warning, at: sheet.exercise(e.id)?.location ?? SourceLocation(file: sheet.file), id: .answerMissing,
                                      "\(Text.quoted(e.id)) 연습에서 답하지 않은 문항: \(Korean.codes(missing))"))
            }
        }
        return out
    }

    /// The diagnostic for an answer that cannot be read as its question's kind.
    static func unreadable(_ a: StudentAnswer, _ q: Question, _ u: Marking.Unreadable) -> Diagnostic {
        Diagnostic(at: a.location, id: u.range ? .answerRange : .answerKind,
                   "\(Text.quoted(a.questionID)) 문항은 \(Korean.kindName(q.kind))\(Korean.object(q.kind.koreanName)) 묻습니다. 쓴 답 \(Text.quoted(a.raw.display)): \(u.problem)",
                   notes: ["\(u.hint) 꼴로 쓰세요"])
    }

    /// Whether a `variant:` block as written is the variant with this index, value for value.
    static func isVariant(_ written: [VariantEntry], of parameters: [ParameterSpec], index: Int) -> Bool {
        guard written.count == parameters.count else { return false }
        var rest = index
        for (i, p) in parameters.enumerated() {
            let n = p.candidateCount
            let v = n == 0 ? p.defaultValue : p.candidate(at: rest % n)
            rest /= max(1, n)
            // Written in the template's order (the names sorted) or any other.
            let w = i < written.count && written[i].name == p.name ? written[i] : written.first { $0.name == p.name }
            guard let w, w.value == v.description else { return false }
        }
        return true
    }

    /// The position of the question (or answer) with this id; files list them in the exercise's
    /// order, so position `hint` is tried first.
    static func index(of id: String, in questions: [Question], hint: Int) -> Int? {
        if hint < questions.count, questions[hint].id == id { return hint }
        return questions.firstIndex { $0.id == id }
    }

    /// The position of the answer to question `id`, trying position `hint` first.
    static func answer(_ id: String, in answers: [StudentAnswer], hint: Int) -> Int? {
        if hint >= 0, hint < answers.count, answers[hint].questionID == id { return hint }
        return answers.firstIndex { $0.questionID == id }
    }

    // MARK: - Marking

    /// Marks one exercise; an answer that cannot be read adds its diagnostic to `diagnostics`.
    func mark(exercise position: Int, answers: [StudentAnswer], key: GradingKey, diagnostics: inout [Diagnostic]) -> ExerciseMark {
        var marks: [QuestionMark] = []
        let prepared = key.questions
        marks.reserveCapacity(prepared.count)
        for i in prepared.indices {
            var m = QuestionMark(prepared[i])
            if let j = Self.answer(m.question.id, in: answers, hint: i),
               let u = mark(&m, answers[j], question: i, of: position, answers: answers, graded: key), answers[j].problem == nil {
                diagnostics.append(Self.unreadable(answers[j], catalog.exercises[position].questions[i], u))
            }
            marks.append(m)
        }
        return ExerciseMark(key: key, questions: marks)
    }

    /// Marks one written answer into `m`; what made it unreadable, if it was.
    func mark(_ m: inout QuestionMark, _ answer: StudentAnswer, question index: Int, of position: Int,
              answers: [StudentAnswer], graded: GradingKey) -> Marking.Unreadable? {
        let raw = answer.raw
        let p = m.question
        if answer.problem != nil {
            // Its lines could not be read (or it is answered twice): unreadable, whatever it says.
            m.raw = raw
            m.status = .unreadable
            m.hint = Marking.Unreadable(p.kind, p.choices).hint
            return nil
        }
        if case .empty = raw { return nil }
        m.raw = raw
        let read: ReadAnswer
        switch Marking.read(raw, as: p.kind, choices: p.choices) {
        case .failure(let u):
            m.status = .unreadable
            m.hint = u.hint
            return u
        case .success(let r): read = r
        }
        var credit = Marking.credit(read, key: p.read, tolerance: p.tolerance, partial: p.partial)
        if credit < 1, let cf = p.carryForward, let j = Self.answer(cf.from, in: answers, hint: -1),
           case .success(.integer(let a0)) = Marking.read(answers[j].raw, as: .integer, choices: []),
           graded.key.values[cf.from] != .integer(a0), (0...(1 << 30)).contains(a0),
           let carriedKey = carried.value(catalog.exercises[position], catalog.exercises[position].questions[index], graded.key.variant, a0),
           Marking.credit(read, key: Marking.read(key: carriedKey, as: p.kind), tolerance: p.tolerance, partial: nil) == 1 {
            credit = 1
            m.carriedForward = true
        }
        m.score = (p.points * credit * 100).rounded() / 100
        m.status = credit >= 1 ? .correct : credit > 0 ? .partial : .wrong
        if credit < 1 {
            for (mis, predicted) in p.predictions {
                if Marking.credit(read, key: predicted, tolerance: 0, partial: nil) == 1 {
                    m.misconception = mis
                    break
                }
            }
        }
        return nil
    }
}

/// A key with what marking needs from it prepared once: keys read as answers are, misconception
/// predictions in a fixed order, explanations rendered for the variant, and the question's own
/// fields marking uses (a class, so that marking a question shares it rather than copying it).
final class GradingKey: Sendable {
    final class PerQuestion: @unchecked Sendable {
        let exerciseID: String
        let id: String
        /// Whether feedback and reports may show the key (`--reveal`).
        let revealed: Bool
        let kind: QuestionKind
        let choices: [String]
        let points: Double
        let partial: PartialCredit?
        let carryForward: CarryForward?
        let value: AnswerValue
        let read: ReadAnswer
        let tolerance: Int
        let predictions: [(Misconception, ReadAnswer)]
        /// The hint (and, when revealed, the solution) as written, and the key whose numbers it is
        /// rendered with. Queries are shown: the loader proved that a hint states no key.
        let template: String
        let key: AnswerKey
        /// Guards `rendered`: the explanation is rendered the first time feedback asks for it
        /// (a run that prints only scores never does), then shared.
        private let lock = NSLock()
        private var rendered: String?

        /// As feedback shows it: with `{answer}` filled only when the run reveals keys.
        var explanation: String {
            lock.lock()
            defer { lock.unlock() }
            if let rendered { return rendered }
            // Durations read as the site writes them (`60초`, not `60000ms`); the hint check read it so.
            let text = DurationText.koreanMilliseconds(in: ExerciseText.render(template, key: key, answer: revealed ? value : nil)).trimmed()
            rendered = text
            return text
        }

        init(_ q: Question, key: AnswerKey, reveal: Bool) {
            let v = key.values[q.id] ?? .never
            exerciseID = key.exerciseID
            revealed = reveal
            id = q.id
            kind = q.kind
            choices = q.choices
            points = q.points
            partial = q.partial
            carryForward = q.carryForward
            value = v
            read = Marking.read(key: v, as: q.kind)
            tolerance = key.tolerances[q.id] ?? 0
            predictions = (key.predictions[q.id] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, Marking.read(key: $0.value, as: q.kind)) }
            template = q.feedbackText(revealed: reveal)
            self.key = key
        }
    }
    let key: AnswerKey
    let variantIndex: Int?
    /// In the exercise's question order.
    let questions: [PerQuestion]

    init(_ key: AnswerKey, variantIndex: Int?, exercise e: Exercise, reveal: Bool) {
        self.key = key
        self.variantIndex = variantIndex
        questions = e.questions.map { PerQuestion($0, key: key, reveal: reveal) }
    }
}

/// Keys computed by this grader, each once: the first student who needs one computes it while
/// others with the same variant wait; later runs (the template, repeated grading) reuse them.
final class KeyCache: @unchecked Sendable {
    typealias Entry = Result<GradingKey, DiagnosticError>
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var value: Entry?
    }
    /// Finished keys by [reveal][exercise][variant index]: arrays while an exercise has at most
    /// `arrayLimit` variants (no hashing per lookup), a dictionary beyond.
    private struct Table {
        var small: [[Entry?]]
        var large: [[Int: Entry]]
        init(_ counts: [Int]) {
            small = counts.map { [Entry?](repeating: nil, count: $0 <= KeyCache.arrayLimit ? $0 : 0) }
            large = counts.map { _ in [:] }
        }
        subscript(_ id: Grader.KeyID) -> Entry? {
            get { id.variant >= 0 && id.variant < small[id.exercise].count ? small[id.exercise][id.variant] : large[id.exercise][id.variant] }
            set {
                if id.variant >= 0 && id.variant < small[id.exercise].count { small[id.exercise][id.variant] = newValue } else { large[id.exercise][id.variant] = newValue }
            }
        }
    }
    static let arrayLimit = 1 << 16
    /// Guards `done` and `busy`; a slot's own lock is held while its key is computed.
    private let lock = NSLock()
    private var done: [Table]
    private var busy: [Bool: [Grader.KeyID: Slot]] = [:]

    /// Where the variants of negative ids (frozen in answer files, outside today's spaces) are.
    private let frozen: FrozenVariants
    /// Keys the catalog's hint check already computed, by catalog position and variant index.
    private let checked: [[Int: AnswerKey]]

    init(variantCounts: [Int], frozen: FrozenVariants, checked: [[Int: AnswerKey]] = []) {
        done = [Table(variantCounts), Table(variantCounts)]
        self.frozen = frozen
        self.checked = checked
    }

    /// One student's keys, taking the lock once for those already computed.
    func keys(_ ids: [Grader.KeyID], reveal: Bool, in exercises: [Exercise]) -> [Entry] {
        let r = reveal ? 1 : 0
        lock.lock()
        let ready = ids.map { done[r][$0] }
        lock.unlock()
        return ready.enumerated().map { $1 ?? key(ids[$0], reveal: reveal, in: exercises) }
    }

    func key(_ id: Grader.KeyID, reveal: Bool, in exercises: [Exercise]) -> Entry {
        let r = reveal ? 1 : 0
        lock.lock()
        if let ready = done[r][id] { lock.unlock(); return ready }
        let slot = busy[reveal, default: [:]][id] ?? Slot()
        busy[reveal, default: [:]][id] = slot
        let other = done[1 - r][id]
        lock.unlock()

        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let ready = slot.value { return ready }
        let e = exercises[id.exercise]
        let computed: Entry
        if let other {
            // The same key prepared for the other setting of --reveal: only the texts differ.
            computed = other.map { GradingKey($0.key, variantIndex: $0.variantIndex, exercise: e, reveal: reveal) }
        } else if id.variant >= 0, id.exercise < checked.count, let key = checked[id.exercise][id.variant] {
            // The catalog's key has the values; feedback needs the predictions too.
            do throws(DiagnosticError) { computed = .success(GradingKey(try e.withPredictions(key), variantIndex: id.variant, exercise: e, reveal: reveal)) } catch {
                computed = .failure(error)
            }
        } else {
            do throws(DiagnosticError) {
                let v = id.variant >= 0 ? e.variant(at: id.variant) : frozen.variant(id.variant, exercise: id.exercise)
                computed = .success(GradingKey(try e.answerKey(for: v), variantIndex: id.variant >= 0 ? id.variant : nil, exercise: e, reveal: reveal))
            } catch {
                computed = .failure(error)
            }
        }
        slot.value = computed
        lock.lock()
        done[r][id] = computed
        busy[reveal]?[id] = nil
        lock.unlock()
        return computed
    }
}

/// Values of carried-forward questions for answers students actually gave, computed once each.
final class CarryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [String: AnswerValue?] = [:]

    func value(_ e: Exercise, _ q: Question, _ v: Variant, _ answer: Int) -> AnswerValue? {
        let id = "\(e.id)\u{0}\(q.id)\u{0}\(v)\u{0}\(answer)"
        lock.lock()
        if let hit = cache[id] { lock.unlock(); return hit }
        lock.unlock()
        let computed = try? e.carriedValue(q, variant: v, value: answer).get()
        lock.lock()
        cache[id] = computed
        lock.unlock()
        return computed
    }
}

/// A count shared by the threads of a grading run (for progress).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Runs `produce(i)` for every `i` in `0..<count` on `workers` threads and hands each result to `consume`
/// on the calling thread, in index order, as soon as it and all before it are ready. At most
/// `window` results are made ahead of the one `consume` waits for, so memory holds a window of
/// results, not the run; what `consume` sees is the same whatever the threads did.
///
/// If `consume` throws, no new item is started and the error is rethrown once the items in
/// progress finish.
func orderedParallel<U: Sendable>(_ count: Int, workers: Workers, window: Int, produce: @escaping @Sendable (Int) -> U,
                                  consume: (Int, U) throws -> Void) rethrows {
    let workers = min(count, workers.count)
    if workers < 2 {
        for i in 0..<count { try consume(i, produce(i)) }
        return
    }
    let pipeline = OrderedWindow<U>(count: count, window: max(1, window))
    let group = DispatchGroup()
    for _ in 0..<workers {
        DispatchQueue.global().async(group: group) { pipeline.work(produce) }
    }
    defer { group.wait() }
    do {
        for i in 0..<count { try consume(i, pipeline.take(i)) }
    } catch {
        pipeline.stop()
        throw error
    }
}

/// The slots of `orderedParallel`: item `i` lives in slot `i % window` from when a worker makes
/// it until the consumer takes it.
final class OrderedWindow<U>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [U?]
    private let count: Int
    private let window: Int
    /// The next item a worker starts.
    private var next = 0
    /// Items taken by the consumer (all before `taken`).
    private var taken = 0
    private var stopped = false
    /// Whether the consumer waits for its next item, or a worker for room in the window.
    private var consumerWaits = false
    private var workersWaiting = 0

    init(count: Int, window: Int) {
        self.count = count
        self.window = window
        slots = Array(repeating: nil, count: window)
    }

    func work(_ produce: (Int) -> U) {
        while true {
            condition.lock()
            while !stopped && next < count && next >= taken + window {
                workersWaiting += 1
                condition.wait()
                workersWaiting -= 1
            }
            if stopped || next >= count {
                condition.unlock()
                return
            }
            let i = next
            next += 1
            condition.unlock()
            let made = produce(i)
            condition.lock()
            slots[i % window] = made
            // Only the item the consumer waits for is worth waking it.
            if consumerWaits && i == taken { condition.broadcast() }
            condition.unlock()
        }
    }

    func take(_ i: Int) -> U {
        condition.lock()
        defer { condition.unlock() }
        while slots[i % window] == nil {
            consumerWaits = true
            condition.wait()
            consumerWaits = false
        }
        let made = slots[i % window]!
        slots[i % window] = nil
        taken = i + 1
        if workersWaiting > 0 { condition.broadcast() }
        return made
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
