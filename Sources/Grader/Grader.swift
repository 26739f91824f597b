import CourseModel
import Dispatch
import Foundation
import SocketSim

/// An answer file as the command read it: its path and bytes, or why it could not be read.
public struct AnswerInput: Sendable {
    public var path: String
    public var content: Result<[UInt8], DiagnosticError>
    public init(path: String, content: Result<[UInt8], DiagnosticError>) {
        self.path = path
        self.content = content
    }
}

/// How one question was marked.
public struct QuestionMark: Sendable {
    public enum Status: String, Sendable, Codable {
        case correct, partial, wrong, missing, unreadable
    }
    public var exerciseID: String
    public var questionID: String
    public var score: Double
    public var maxScore: Double
    public var status: Status
    /// The answer as the student wrote it (escaped by each output format).
    public var answer: String
    /// The key, only when the run may reveal it.
    public var expected: AnswerValue?
    /// Korean Markdown: what was wrong, in terms of the simulation.
    public var feedback: String
    public var misconception: Misconception?
    /// Marked against the student's own earlier answer (error carried forward).
    public var carriedForward: Bool
}

public struct ExerciseMark: Sendable {
    public var exerciseID: String
    public var variant: Variant
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
    /// Problems that did not stop grading (a missing variant block, say).
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
    let keyCache = KeyCache()
    /// Exercise id -> position in the catalog.
    let positions: [String: Int]

    public init(catalog: ExerciseCatalog, secret: String, roster: Set<String>? = nil) {
        self.catalog = catalog
        self.positions = Dictionary(catalog.exercises.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.chooser = VariantChooser(secret: secret)
        self.roster = roster
    }

    /// An exercise's position in the catalog and a variant's index.
    struct KeyID: Hashable, Sendable {
        var exercise: Int
        var variant: Int
    }

    /// Grades every input. Throws only for content errors (a key that cannot be computed): a bad
    /// answer file is that student's error row, never a failure of the run.
    public func grade(_ inputs: [AnswerInput], reveal: Bool = false) throws(DiagnosticError) -> GradeReport {
        // 1. Read every file.
        let sheets: [Result<AnswerSheet, DiagnosticError>] = parallelMap(inputs) { input in
            switch input.content {
            case .failure(let e): return .failure(e)
            case .success(let bytes):
                do throws(DiagnosticError) { return .success(try AnswerSheet.parse(bytes: bytes, file: input.path)) } catch { return .failure(error) }
            }
        }
        // 2. Check each against the exercises and the student's variants.
        let exercises = catalog.exercises
        let checked: [(sheet: AnswerSheet?, variants: [Int], errors: [Diagnostic], warnings: [Diagnostic])] = parallelMap(sheets) { r in
            switch r {
            case .failure(let e): return (nil, [], e.diagnostics, [])
            case .success(let sheet):
                let indices = exercises.map { chooser.index(of: $0, for: sheet.student) }
                let problems = check(sheet, variantIndices: indices, readingAnswers: false)
                let errors = problems.filter { $0.severity == .error }
                return (sheet, indices, errors, problems.filter { $0.severity != .error })
            }
        }
        // 3. Keys for every variant in use, once each.
        var needed: Set<KeyID> = []
        for c in checked where c.errors.isEmpty {
            for (i, v) in c.variants.enumerated() { needed.insert(KeyID(exercise: i, variant: v)) }
        }
        let keys = try computeKeys(Array(needed), reveal: reveal)
        // 4. Mark.
        let results: [StudentResult] = parallelMap(Array(zip(inputs, checked))) { pair in
            let (input, c) = pair
            guard let sheet = c.sheet, c.errors.isEmpty else {
                return StudentResult(file: input.path, student: c.sheet?.student, exercises: [], errors: c.errors,
                                     warnings: c.warnings, maxScore: catalog.maxPoints)
            }
            var byID: [String: ExerciseAnswers] = [:]
            for ex in sheet.exercises where byID[ex.id] == nil { byID[ex.id] = ex }
            let marks = exercises.enumerated().map { i, e in
                mark(e, answers: byID[e.id], key: keys[KeyID(exercise: i, variant: c.variants[i])]!, reveal: reveal)
            }
            return StudentResult(file: input.path, student: sheet.student, exercises: marks, errors: [], warnings: c.warnings,
                                 maxScore: catalog.maxPoints)
        }
        var sorted = results.sorted { ($0.student ?? "\u{10FFFF}", $0.file) < ($1.student ?? "\u{10FFFF}", $1.file) }
        // Two files for one student: both are graded, and both say so.
        var files: [String: [String]] = [:]
        for r in sorted { if let s = r.student { files[s, default: []].append(r.file) } }
        for i in sorted.indices {
            guard let s = sorted[i].student, let fs = files[s], fs.count > 1 else { continue }
            sorted[i].warnings.append(Diagnostic(.warning, at: SourceLocation(file: sorted[i].file), id: "answer.duplicate-student",
                                                 "student \(s) has \(fs.count) answer files: \(fs.joined(separator: ", "))"))
        }
        return GradeReport(results: sorted, catalog: catalog, revealed: reveal)
    }

    /// The student's variant of every exercise.
    /// The key of one exercise for one variant, computed once per grader.
    public func key(_ e: Exercise, _ v: Variant) throws(DiagnosticError) -> AnswerKey {
        guard let position = catalog.exercises.firstIndex(where: { $0.id == e.id }), let index = e.index(of: v) else {
            return try e.answerKey(for: v)
        }
        let id = KeyID(exercise: position, variant: index)
        if let hit = keyCache.get(id) { return hit.key }
        let k = try e.answerKey(for: v)
        keyCache.put(id, GradingKey(k, exercise: e, reveal: false))
        return k
    }

    public func variants(for student: String) -> [String: Variant] {
        Dictionary(uniqueKeysWithValues: catalog.exercises.map { ($0.id, chooser.variant(of: $0, for: student)) })
    }

    /// Computes keys in parallel, each prepared for marking once and kept for later runs; every
    /// failure is a content error.
    func computeKeys(_ ids: [KeyID], reveal: Bool) throws(DiagnosticError) -> [KeyID: GradingKey] {
        let exercises = catalog.exercises
        let computed: [Result<GradingKey, DiagnosticError>] = parallelMap(ids) { id in
            let e = exercises[id.exercise]
            if let hit = keyCache.get(id) {
                if hit.revealed == reveal { return .success(hit) }
                return .success(GradingKey(hit.key, exercise: e, reveal: reveal))
            }
            do throws(DiagnosticError) {
                let k = GradingKey(try e.answerKey(for: e.variant(at: id.variant)), exercise: e, reveal: reveal)
                keyCache.put(id, k)
                return .success(k)
            } catch { return .failure(error) }
        }
        var out: [KeyID: GradingKey] = [:]
        var problems: [Diagnostic] = []
        for (id, r) in zip(ids, computed) {
            switch r {
            case .success(let k): out[id] = k
            case .failure(let e): problems += e.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticError(Array(Set(problems)).sorted { $0.location < $1.location }) }
        return out
    }

    /// Well-formedness against the exercises: errors for unknown ids, a wrong variant or a student
    /// outside the roster; warnings for missing answers and answers that cannot be read as their kind.
    /// `readingAnswers: false` leaves out the kind check, which marking does anyway (grading).
    public func check(_ sheet: AnswerSheet, readingAnswers: Bool = true) -> [Diagnostic] {
        check(sheet, variantIndices: catalog.exercises.map { chooser.index(of: $0, for: sheet.student) }, readingAnswers: readingAnswers)
    }

    func check(_ sheet: AnswerSheet, variantIndices: [Int], readingAnswers: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if let roster, !roster.contains(sheet.student) {
            out.append(Diagnostic(at: sheet.studentLocation, id: "answer.unknown-student", "student '\(sheet.student)' is not on the course roster"))
        }
        // Duplicate keys never get here: both readers refuse a mapping with a key twice.
        for ex in sheet.exercises {
            guard let position = positions[ex.id] else {
                out.append(Diagnostic(at: ex.location, id: "answer.unknown-exercise", "unknown exercise '\(ex.id)'",
                                      notes: ["exercises: \(catalog.exercises.map(\.id).joined(separator: ", "))"]))
                continue
            }
            let e = catalog.exercises[position]
            if let written = ex.variant {
                let v = e.variant(at: variantIndices[position])
                if written.count != v.values.count || written.contains(where: { v.values[$0.key]?.description != $0.value }) {
                    out.append(Diagnostic(at: ex.variantLocation ?? ex.location, id: "answer.wrong-variant",
                                          "the variant of '\(ex.id)' is not student \(sheet.student)'s: this file was made for another student or edited",
                                          notes: ["make a fresh file with 'socklab template --student \(sheet.student)' and copy your answers into it"]))
                }
            } else if e.hasVariants {
                out.append(Diagnostic(.warning, at: ex.location, id: "answer.no-variant", "exercise '\(ex.id)' has no 'variant:' block; it is graded with student \(sheet.student)'s variant"))
            }
            for a in ex.answers {
                guard let q = e.question(a.questionID) else {
                    out.append(Diagnostic(at: a.location, id: "answer.unknown-question", "exercise '\(ex.id)' has no question '\(a.questionID)'",
                                          notes: ["questions: \(e.questions.map(\.id).joined(separator: ", "))"]))
                    continue
                }
                if a.raw == .empty || !readingAnswers { continue }
                if case .failure(let u) = Marking.read(a.raw, as: q.kind, choices: q.choices) {
                    out.append(Diagnostic(.warning, at: a.location, id: "answer.kind",
                                          "'\(a.questionID)' asks for \(q.kind.koreanName): cannot read '\(a.raw.display)'", notes: ["write \(u.hint)"]))
                }
            }
        }
        // Missing answers: for `socklab check` (grading marks them as missing anyway).
        guard readingAnswers else { return out }
        for e in catalog.exercises {
            let answered = Set(sheet.exercise(e.id)?.answers.filter { $0.raw != .empty }.map(\.questionID) ?? [])
            let missing = e.questions.filter { !answered.contains($0.id) }.map(\.id)
            if !missing.isEmpty {
                out.append(Diagnostic(.warning, at: sheet.exercise(e.id)?.location ?? SourceLocation(file: sheet.file), id: "answer.missing",
                                      "\(e.id): no answer for \(missing.joined(separator: ", "))"))
            }
        }
        return out
    }

    // MARK: - Marking

    func mark(_ e: Exercise, answers: ExerciseAnswers?, key: GradingKey, reveal: Bool) -> ExerciseMark {
        var marks: [QuestionMark] = []
        marks.reserveCapacity(e.questions.count)
        for (i, q) in e.questions.enumerated() {
            marks.append(mark(q, in: e, answers: answers, graded: key, prepared: key.questions[i], reveal: reveal))
        }
        return ExerciseMark(exerciseID: e.id, variant: key.key.variant, questions: marks)
    }

    func mark(_ q: Question, in e: Exercise, answers: ExerciseAnswers?, graded: GradingKey, prepared p: GradingKey.PerQuestion,
              reveal: Bool) -> QuestionMark {
        let key = graded.key
        let keyValue = p.value
        var m = QuestionMark(exerciseID: e.id, questionID: q.id, score: 0, maxScore: q.points, status: .missing, answer: "",
                             expected: reveal ? keyValue : nil, feedback: "", misconception: nil, carriedForward: false)
        let explanation = p.explanation
        guard let a = answers?.answer(q.id), a.raw != .empty else {
            m.feedback = Feedback.missing(explanation: explanation, key: reveal ? keyValue : nil)
            return m
        }
        m.answer = a.raw.display
        let read: ReadAnswer
        switch Marking.read(a.raw, as: q.kind, choices: q.choices) {
        case .failure(let u):
            m.status = .unreadable
            m.feedback = Feedback.unreadable(a.raw.display, kind: q.kind, hint: u.hint, explanation: explanation, key: reveal ? keyValue : nil)
            return m
        case .success(let r): read = r
        }
        let tolerance = p.tolerance
        var credit = Marking.credit(read, key: p.read, tolerance: tolerance, partial: q.partial)
        if credit < 1, let cf = q.carryForward, let earlier = answers?.answer(cf.from),
           case .success(.integer(let a0)) = Marking.read(earlier.raw, as: .integer, choices: []),
           key.values[cf.from] != .integer(a0), (0...(1 << 30)).contains(a0),
           let carriedKey = carried.value(e, q, key.variant, a0),
           Marking.credit(read, key: Marking.read(key: carriedKey, as: q.kind), tolerance: tolerance, partial: nil) == 1 {
            credit = 1
            m.carriedForward = true
        }
        m.score = (q.points * credit * 100).rounded() / 100
        m.status = credit >= 1 ? .correct : credit > 0 ? .partial : .wrong
        if credit < 1 {
            for (mis, predicted) in p.predictions {
                if Marking.credit(read, key: predicted, tolerance: 0, partial: nil) == 1 {
                    m.misconception = mis
                    break
                }
            }
        }
        m.feedback = Feedback.marked(m, explanation: m.status == .correct ? "" : explanation, key: reveal ? keyValue : nil,
                                     carriedFrom: m.carriedForward ? q.carryForward?.from : nil)
        return m
    }
}

/// A key with what marking needs from it prepared once: keys read as answers are, misconception
/// predictions in a fixed order, explanations rendered for the variant.
struct GradingKey: Sendable {
    struct PerQuestion: Sendable {
        var value: AnswerValue
        var read: ReadAnswer
        var tolerance: Int
        var predictions: [(Misconception, ReadAnswer)]
        /// As feedback shows it: with `{answer}` filled only when the run reveals keys.
        var explanation: String
    }
    let key: AnswerKey
    /// In the exercise's question order.
    let questions: [PerQuestion]
    let revealed: Bool

    init(_ key: AnswerKey, exercise e: Exercise, reveal: Bool) {
        self.key = key
        self.revealed = reveal
        questions = e.questions.map { q in
            let v = key.values[q.id] ?? .never
            return PerQuestion(
                value: v, read: Marking.read(key: v, as: q.kind), tolerance: key.tolerances[q.id] ?? 0,
                predictions: (key.predictions[q.id] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, Marking.read(key: $0.value, as: q.kind)) },
                explanation: ExerciseText.render(q.explanation, key: key, answer: reveal ? v : nil, showQueries: reveal).trimmed())
        }
    }
}

/// Keys already computed by this grader, shared by later runs (the template, repeated grading).
final class KeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [Grader.KeyID: GradingKey] = [:]

    func get(_ id: Grader.KeyID) -> GradingKey? {
        lock.lock()
        defer { lock.unlock() }
        return keys[id]
    }

    func put(_ id: Grader.KeyID, _ key: GradingKey) {
        lock.lock()
        keys[id] = key
        lock.unlock()
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

/// Maps in parallel over both cores (or however many there are), keeping the order.
func parallelMap<T: Sendable, U: Sendable>(_ items: [T], _ body: @Sendable (T) -> U) -> [U] {
    if items.count < 2 { return items.map(body) }
    let out = UnsafeMutableBufferPointer<U?>.allocate(capacity: items.count)
    out.initialize(repeating: nil)
    defer { out.deallocate() }
    let chunks = min(items.count, ProcessInfo.processInfo.activeProcessorCount * 4)
    let box = UnsafeSendableBuffer(out)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        var i = c * items.count / chunks
        let end = (c + 1) * items.count / chunks
        while i < end {
            box.buffer[i] = body(items[i])
            i += 1
        }
    }
    return out.map { $0! }
}

/// Each chunk writes its own indices only, so sharing the buffer across threads is safe.
struct UnsafeSendableBuffer<U>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<U?>
    init(_ b: UnsafeMutableBufferPointer<U?>) { buffer = b }
}
