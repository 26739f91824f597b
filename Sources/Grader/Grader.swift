import CourseModel
import Foundation
import SocketSim
import SourceFiles

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
}
