import CourseModel
import Grader

/// What a graded class got wrong and why: item statistics per question, the misconceptions that
/// predict the class's wrong answers, score distributions, and leads on copied answers.
///
/// A pure function of one grading run's results (`GradeReport`): no file is read again, no clock
/// or randomness is consulted, and every list is sorted, so the same results give the same
/// report byte for byte in every rendering (`json()`, `csvFiles()`, `html(style:)`).
public struct ClassReport: Sendable {
    /// The thresholds the report uses, named so that the page can state them.
    public struct Options: Sendable, Encodable {
        /// A variant's mean is compared with the others only when at least this many students have it.
        public var minVariantStudents = 5
        /// A student "consistently" shows a misconception with at least this many predicted answers...
        public var consistentMinHits = 2
        /// ...on at least this fraction of the questions where the misconception predicts something.
        public var consistentMinFraction = 0.5
        /// A misconception is a lesson to reteach when at least this fraction of graded students
        /// (and at least `foundMinStudents`) show it consistently.
        public var foundMinFraction = 0.05
        public var foundMinStudents = 3
        /// How many students to list per misconception.
        public var topStudents = 10
        /// Copy leads: the least number of exercises on which the wrong answers must be the other
        /// variant's key, and the family-wise error rate over every ordered pair of students.
        public var copyMinExercises = 3
        public var copyAlpha = 0.01
        /// An exercise counts as evidence for a pair only when matching the other variant there by
        /// luck is at most this likely (from how often the class confuses the two keys).
        public var copyInformativeChance = 0.05
        public init() {}
    }

    public struct Summary: Sendable, Hashable, Encodable {
        public var files: Int
        public var graded: Int
        public var errors: Int
        public var maxScore: Double
        public var mean: Double
        public var median: Double
        public var standardDeviation: Double
        public var minimum: Double
        public var maximum: Double
        /// Totals in ten bins of 10 % of the maximum (the last bin includes the maximum).
        public var histogram: [Bin]
    }

    public struct Bin: Sendable, Hashable, Encodable {
        public var label: String
        public var lower: Double
        public var upper: Double
        public var count: Int
    }

    public struct VariantStats: Sendable, Hashable, Encodable {
        /// `name=value, ...` as `Variant.description` writes it.
        public var variant: String
        public var students: Int
        /// Mean score as a fraction of the question's points.
        public var mean: Double
    }

    public struct QuestionStats: Sendable, Hashable, Encodable {
        /// `exercise.question`, the gradebook's column name.
        public var column: String
        public var exerciseID: String
        public var questionID: String
        public var points: Double
        public var students: Int
        /// Mean score as a fraction of the points (1: everyone right).
        public var difficulty: Double
        /// Correlation of the question's score with the rest of the test (the total without this
        /// question); nil when either does not vary.
        public var discrimination: Double?
        /// Mean fraction in the top 27 % by total minus that in the bottom 27 %; nil under 4 students.
        public var upperLower: Double?
        public var blank: Int
        public var unreadable: Int
        public var variants: [VariantStats]
        /// Highest minus lowest variant mean, among variants with enough students; nil when fewer than two.
        public var variantSpread: Double?
        /// A variant much harder than the question as a whole (see `Options.minVariantStudents`).
        public var hardVariant: String?
    }

    public struct ExerciseStats: Sendable, Hashable, Encodable {
        public var id: String
        public var title: String
        public var maxScore: Double
        public var mean: Double
        public var median: Double
        /// Every score students got, with how many got it, in increasing order.
        public var distribution: [ScoreCount]
    }

    public struct ScoreCount: Sendable, Hashable, Encodable {
        public var score: Double
        public var count: Int
    }

    public struct MisconceptionStats: Sendable, Hashable, Encodable {
        public var id: String
        public var title: String
        public var correction: String
        /// Students with at least one wrong answer that this misconception predicts.
        public var students: Int
        /// Students showing it consistently (`Options.consistentMinHits`, `consistentMinFraction`).
        public var consistentStudents: Int
        /// Whether enough students show it consistently to reteach it (`Options.foundMinFraction`).
        public var found: Bool
        public var questions: [MisconceptionQuestion]
        public var topStudents: [MisconceptionStudent]
    }

    public struct MisconceptionQuestion: Sendable, Hashable, Encodable {
        public var column: String
        /// Students whose answer here is this misconception's prediction.
        public var students: Int
        /// Students for whom the misconception predicts an answer here (it differs from the key).
        public var opportunities: Int
    }

    public struct MisconceptionStudent: Sendable, Hashable, Encodable {
        public var student: String
        /// Questions where the student's answer is the prediction (counted where no other
        /// misconception predicts the same answer).
        public var hits: Int
        public var opportunities: Int
    }

    public var options: Options
    public var summary: Summary
    public var questions: [QuestionStats]
    public var exercises: [ExerciseStats]
    public var misconceptions: [MisconceptionStats]
    public var copies: [CopyLead]

    /// The report of a grading run. Error rows (files that could not be graded) are counted but
    /// take no part in the statistics.
    public init(_ report: GradeReport, options: Options = Options()) {
        self.init(report, options: options, afterStage: { _ in })
    }

    /// The parts of the analysis, in the order they run.
    public enum Stage: String, Sendable, CaseIterable {
        case answers, summary, questions, exercises, misconceptions, copies
    }

    /// The same report, calling `afterStage` as each stage ends: `socklab-bench report` times the
    /// stages this way (the report itself reads no clock).
    public init(_ report: GradeReport, options: Options = Options(), afterStage: (Stage) -> Void) {
        self.options = options
        let graded = GradedClass(report)
        afterStage(.answers)
        summary = Self.summary(graded, files: report.results.count, maxScore: report.maxScore)
        afterStage(.summary)
        questions = Self.questionStats(graded, options: options)
        afterStage(.questions)
        exercises = Self.exerciseStats(graded)
        afterStage(.exercises)
        misconceptions = Self.misconceptionStats(graded, options: options)
        afterStage(.misconceptions)
        copies = CopyDetector(graded, options: options).leads(workers: report.workers)
        afterStage(.copies)
    }
}

/// The graded students of a run, arranged for analysis: results in the report's order (by student
/// id), each exercise's variants numbered in order of first appearance, and every mark's score,
/// status and answer reachable by (student, column) position, where a column is one question of
/// the catalog (exercise by exercise, in catalog order).
///
/// Answers are read once, here. Each question has a table numbering the answers the analyses look
/// for (its variants' keys, its misconceptions' predictions, the solutions page's key), and a
/// student's wrong answer is kept as its number in that table: the misconception counts and the
/// copy detector then compare integers. (Reading the answer again, `QuestionMark.answerToken`, in
/// each analysis, and hashing tokens, was most of the report's time for a large class.)
struct GradedClass {
    struct ExerciseInfo {
        var id: String
        var title: String
        var questionIDs: [String]
        var points: [Double]
        var maxScore: Double
        /// The column of the exercise's first question.
        var firstColumn: Int
        /// Variants in the order first seen (students are sorted by id, so this is deterministic).
        var variants: [Variant] = []
        var slots: [Variant: Int] = [:]
        /// The same slots by variant index (`ExerciseMark.variantIndex`), looked up first: an
        /// integer hashes in a fraction of the time a variant's values take, for every mark.
        var slotsByIndex: [Int: Int] = [:]
        /// keys[slot][question]
        var keys: [[AnswerToken]] = []
        /// keyIDs[slot][question]: the key's number in the question's table. Keys are numbered
        /// first, in slot order, so a number below `distinctKeys[question]` is some variant's key
        /// and the numbers count the question's different keys in order of first appearance.
        var keyIDs: [[Int]] = []
        /// distinctKeys[question]: how many different keys the question's variants have.
        var distinctKeys: [Int] = []
        /// predictions[slot][question], each prediction as its number in the question's table.
        var predictions: [[[(misconception: Misconception, id: Int)]]] = []
        var studentsBySlot: [[Int]] = []
        /// The keys of the variant the solutions page shows (`Exercise.defaultVariant`), by
        /// question, as numbers in the questions' tables; nil when they cannot be computed.
        var published: [Int]?
    }

    /// A student's answer that is none of the numbered ones, or no wrong answer at all.
    static let unnumbered = -1

    /// Graded results only, in the report's order.
    let results: [StudentResult]
    let ids: [String]
    var exercises: [ExerciseInfo]
    /// slot[student][exercise]
    var slot: [[Int]]
    let totals: [Double]
    /// How many questions the catalog has.
    let columns: Int
    /// scores[column][student]
    let scores: [[Double]]
    /// exerciseScores[exercise][student], summed as `ExerciseMark.score` sums them.
    let exerciseScores: [[Double]]
    /// status[student][column]
    let status: [[QuestionMark.Status]]
    /// answers[student][column]: the number of the student's wrong (or partly right) answer in
    /// the question's table; `unnumbered` when the answer is right, blank, unreadable, refused,
    /// or wrong in a way the table does not list.
    let answers: [[Int]]

    init(_ report: GradeReport) {
        let catalog = report.catalog.exercises
        // (By index: iterating over the catalog would copy an `Exercise` for every mark.)
        let exerciseIDs = catalog.map(\.id)
        results = report.results.filter { r in !r.isError && r.exercises.count == exerciseIDs.count
            && r.exercises.indices.allSatisfy { r.exercises[$0].exerciseID == exerciseIDs[$0] } }
        ids = results.map { $0.student ?? $0.file }
        var first = 0
        var exercises = catalog.map { e in
            defer { first += e.questions.count }
            return ExerciseInfo(id: e.id, title: e.title, questionIDs: e.questions.map(\.id), points: e.questions.map(\.points),
                                maxScore: e.maxPoints, firstColumn: first)
        }
        columns = first
        let (slot, predictionTokens) = Self.numberVariants(results, exercises: catalog.count, into: &exercises)
        let publishedTokens = Self.publishedKeys(catalog, exercises)
        let tables = Self.numberAnswers(into: &exercises, predictions: predictionTokens, published: publishedTokens)
        let rows = Self.readMarks(results, tables: tables, workers: report.workers)
        self.exercises = exercises
        self.slot = slot
        // Totals as `StudentResult.score` sums them (exercise by exercise, from zero).
        totals = rows.map { $0.exerciseScores.reduce(0, +) }
        scores = (0..<first).map { column in rows.map { $0.scores[column] } }
        exerciseScores = catalog.indices.map { j in rows.map { $0.exerciseScores[j] } }
        status = rows.map(\.status)
        answers = rows.map(\.answers)
    }

    /// A variant's misconception predictions by question, as answer tokens.
    typealias PredictionTokens = [[(misconception: Misconception, token: AnswerToken)]]

    /// The variants, in order of first appearance, with their keys: returns slot[student][exercise]
    /// and, per exercise and slot, the predictions as tokens (numbered later with the keys).
    static func numberVariants(_ results: [StudentResult], exercises count: Int,
                               into exercises: inout [ExerciseInfo]) -> (slot: [[Int]], predictions: [[PredictionTokens]]) {
        var predictionTokens: [[PredictionTokens]] = Array(repeating: [], count: count)
        var slot: [[Int]] = []
        slot.reserveCapacity(results.count)
        for (i, r) in results.enumerated() {
            var row: [Int] = []
            row.reserveCapacity(count)
            for j in r.exercises.indices {
                // (The mark is copied only below, for a variant not seen by index.)
                if let index = r.exercises[j].variantIndex, let s = exercises[j].slotsByIndex[index] {
                    row.append(s)
                    exercises[j].studentsBySlot[s].append(i)
                    continue
                }
                let e = r.exercises[j]
                if let s = exercises[j].slots[e.variant] {
                    if let index = e.variantIndex { exercises[j].slotsByIndex[index] = s }
                    row.append(s)
                    exercises[j].studentsBySlot[s].append(i)
                    continue
                }
                let s = exercises[j].variants.count
                exercises[j].variants.append(e.variant)
                exercises[j].slots[e.variant] = s
                if let index = e.variantIndex { exercises[j].slotsByIndex[index] = s }
                exercises[j].keys.append(e.questions.map(\.keyToken))
                predictionTokens[j].append(e.questions.map(\.predictionTokens))
                exercises[j].studentsBySlot.append([i])
                row.append(s)
            }
            slot.append(row)
        }
        return (slot, predictionTokens)
    }

    /// The solutions page's keys, per exercise: a student's when one has that variant, else
    /// computed (the simulation is pure; this is the only key the report computes itself).
    static func publishedKeys(_ catalog: [Exercise], _ exercises: [ExerciseInfo]) -> [[AnswerToken]?] {
        var publishedTokens: [[AnswerToken]?] = catalog.map { _ in nil }
        for (j, e) in catalog.enumerated() {
            if let s = exercises[j].slots[e.defaultVariant] {
                publishedTokens[j] = exercises[j].keys[s]
            } else if let key = try? e.answerKey(for: e.defaultVariant) {
                publishedTokens[j] = e.questions.map { q in key.values[q.id].map { AnswerToken(key: $0, kind: q.kind) } ?? AnswerToken(key: .never, kind: q.kind) }
            }
        }
        return publishedTokens
    }

    /// Each question's table: keys first (in slot order), then predictions, then the published key.
    /// Sets the exercises' `keyIDs`, `distinctKeys`, `predictions` and `published`; returns the
    /// tables by column.
    static func numberAnswers(into exercises: inout [ExerciseInfo], predictions predictionTokens: [[PredictionTokens]],
                              published publishedTokens: [[AnswerToken]?]) -> [[AnswerToken: Int]] {
        var tables: [[AnswerToken: Int]] = []
        for j in exercises.indices {
            var perQuestion = exercises[j].questionIDs.map { _ in [AnswerToken: Int]() }
            func number(_ t: AnswerToken, _ k: Int) -> Int {
                if let n = perQuestion[k][t] { return n }
                let n = perQuestion[k].count
                perQuestion[k][t] = n
                return n
            }
            exercises[j].keyIDs = exercises[j].keys.map { row in row.enumerated().map { number($1, $0) } }
            exercises[j].distinctKeys = perQuestion.map(\.count)
            exercises[j].predictions = predictionTokens[j].map { row in
                row.enumerated().map { k, preds in preds.map { ($0.misconception, number($0.token, k)) } }
            }
            exercises[j].published = publishedTokens[j].map { row in row.enumerated().map { number($1, $0) } }
            tables += perQuestion
        }
        return tables
    }

    /// One student's marks by column.
    struct MarkRow: Sendable {
        var scores: [Double] = []
        var exerciseScores: [Double] = []
        var status: [QuestionMark.Status] = []
        var answers: [Int] = []
    }

    /// Every mark read once (in parallel: reading the answers is the costly part), each wrong
    /// answer as its number in its column's table.
    static func readMarks(_ results: [StudentResult], tables: [[AnswerToken: Int]], workers: Workers) -> [MarkRow] {
        workers.map(results.count) { i in
            let r = results[i]
            var row = MarkRow()
            row.scores.reserveCapacity(tables.count)
            row.status.reserveCapacity(tables.count)
            row.answers.reserveCapacity(tables.count)
            // By index: the marks are read in place, not copied (a copy retains the mark's key,
            // which every student with the variant shares, and two cores retaining one object at
            // once made copying most of the time spent here).
            for j in r.exercises.indices {
                var sum = 0.0
                for k in r.exercises[j].questions.indices {
                    let column = row.scores.count
                    let score = r.exercises[j].questions[k].score, status = r.exercises[j].questions[k].status
                    row.scores.append(score)
                    sum += score
                    row.status.append(status)
                    var n = GradedClass.unnumbered
                    if status == .wrong || status == .partial, let t = r.exercises[j].questions[k].answerToken, let id = tables[column][t] { n = id }
                    row.answers.append(n)
                }
                row.exerciseScores.append(sum)
            }
            return row
        }
    }

    var count: Int { results.count }

    /// Whether two variants of an exercise have different keys on at least one question.
    func keysDiffer(exercise j: Int, _ a: Int, _ b: Int) -> Bool {
        a != b && exercises[j].keyIDs[a] != exercises[j].keyIDs[b]
    }
}

/// Sums, means and such, with the same order of operations every time (so results do not
/// depend on anything but the inputs).
enum Stats {
    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }

    static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func standardDeviation(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = mean(xs)
        return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count)).squareRoot()
    }

    /// Pearson's correlation; nil when either variable is constant.
    static func correlation(_ xs: [Double], _ ys: [Double]) -> Double? {
        guard xs.count == ys.count, xs.count > 2 else { return nil }
        let mx = mean(xs), my = mean(ys)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in xs.indices {
            let dx = xs[i] - mx, dy = ys[i] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 1e-12, syy > 1e-12 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Rounded to `places` decimals, so that the report's numbers print the same everywhere.
    static func round(_ x: Double, _ places: Int = 4) -> Double {
        var f = 1.0
        for _ in 0..<places { f *= 10 }
        let r = (x * f).rounded() / f
        return r == 0 ? 0 : r  // no "-0"
    }
}

extension ClassReport {
    static func summary(_ c: GradedClass, files: Int, maxScore: Double) -> Summary {
        let t = c.totals
        var bins: [Bin] = (0..<10).map { i in
            Bin(label: "\(i * 10)–\(i == 9 ? 100 : i * 10 + 10)%", lower: maxScore * Double(i) / 10, upper: maxScore * Double(i + 1) / 10, count: 0)
        }
        for x in t {
            let f = maxScore > 0 ? x / maxScore : 0
            bins[min(9, max(0, Int((f * 10).rounded(.down))))].count += 1
        }
        return Summary(files: files, graded: c.count, errors: files - c.count, maxScore: maxScore,
                       mean: Stats.round(Stats.mean(t)), median: Stats.round(Stats.median(t)),
                       standardDeviation: Stats.round(Stats.standardDeviation(t)),
                       minimum: t.min() ?? 0, maximum: t.max() ?? 0, histogram: bins)
    }

    static func exerciseStats(_ c: GradedClass) -> [ExerciseStats] {
        c.exercises.enumerated().map { j, e in
            let scores = c.exerciseScores[j].map { Stats.round($0, 2) }
            var counts: [Double: Int] = [:]
            for s in scores { counts[s, default: 0] += 1 }
            return ExerciseStats(id: e.id, title: e.title, maxScore: e.maxScore, mean: Stats.round(Stats.mean(scores)),
                                 median: Stats.round(Stats.median(scores)),
                                 distribution: counts.keys.sorted().map { ScoreCount(score: $0, count: counts[$0]!) })
        }
    }
}
