import CourseModel
import Foundation
import Grader

/// Two students whose answers suggest that one worked from the other's variant: a lead for the
/// instructor to look into, never proof (they may have studied together, or one may have helped
/// the other understand, or the other's numbers may be the ones in a shared note).
public struct CopyLead: Sendable, Hashable, Encodable {
    /// The two student ids, sorted.
    public var students: [String]
    /// One finding per direction found (usually one: A's answers are B's keys).
    public var findings: [CopyFinding]
}

public struct CopyFinding: Sendable, Hashable, Encodable {
    /// Whose answers.
    public var student: String
    /// Whose variant's keys they are.
    public var variantOf: String
    /// Exercises on which `student`'s wrong answers are `variantOf`'s keys.
    public var exercises: Int
    /// Exercises on which a match would be evidence: the two variants' keys differ, and the class
    /// rarely gives the one for the other (`Options.copyInformativeChance`).
    public var comparableExercises: Int
    /// How many such exercises would match by chance, from how often the class's wrong answers
    /// are each variant's keys.
    public var expectedByChance: Double
    /// The chance of at least `exercises` matches if `student` worked independently (Poisson
    /// tail with mean `expectedByChance`), to three significant digits.
    public var chance: Double
    /// The questions, in catalog order.
    public var evidence: [CopyEvidence]
}

public struct CopyEvidence: Sendable, Hashable, Encodable {
    /// `exercise.question`.
    public var column: String
    /// The answer as read (normalised).
    public var answer: String
    /// The key of `variantOf`'s variant, which the answer equals.
    public var theirKey: String
    /// The key of the student's own variant.
    public var ownKey: String
}

/// Finds students whose wrong answers are another student's keys far more often than chance.
///
/// The unit of evidence is the exercise, not the question: the questions of one exercise share a
/// scenario, so one slip (or one wrong idea) can move all of them at once, and counting them as
/// independent would overstate the evidence. Student A "matches" variant v on exercise e when some
/// wrong answer of A on e equals v's key (and not A's own key, and not what a misconception predicts
/// for A's variant: a wrong idea the model explains is no sign of copying).
///
/// Chance is measured on the class itself, per question and per pair of key values: of the students
/// whose key is a, how many answered b (c(a → b), with half a student added above and one below, so
/// a rate seen in few students stays uncertain). A wrong yes/no answer is always the other variants'
/// key, and an off-by-one slip may be too: such confusions are common, so they weigh little. For a
/// pair (A, B) and an exercise, the chance that A's answers match B's keys somewhere is
/// p = 1 − Π (1 − c(A's key → B's key)) over the questions whose keys differ. Only exercises where
/// this chance is at most `copyInformativeChance` count (chosen from the two variants and the class,
/// never from A's answers, so the test stays fair): k is how many of them A matches, and the
/// probability of k or more by luck is the Poisson tail with mean λ = Σ p. A pair is a lead when
/// k ≥ `copyMinExercises` and that tail is at most `copyAlpha` divided by the number of ordered pairs
/// in the class (Bonferroni: with 10,000 students that is 10⁸ pairs). A pair whose every matching
/// answer is also the key of the variant the solutions page shows is dropped (numbers taken from
/// the course site are no sign of copying from whichever classmate has that variant), and so is a
/// pair whose evidence is all part of a stronger lead for the same student (a classmate whose
/// variant shares the source's numbers on some exercises).
///
/// It never compares every pair: a student is considered only with at least `copyMinExercises`
/// informative matches, and their candidates are the students holding the matched variants of the
/// most selective exercises (a pair needs k matches among A's matched exercises, so it must match
/// at least one of the `|E| − k + 1` most selective ones).
struct CopyDetector {
    /// A student's informative matches on one exercise: variant slot -> the question positions that match it.
    struct Match {
        var exercise: Int
        var slots: [Int]
        var questions: [[Int]]
        /// slot -> whether `slots` has it: every candidate is tested against every match, and a
        /// match can have many slots.
        var has: [Bool]
    }

    /// The key values of one question (numbered as in `GradedClass.ExerciseInfo.keyIDs`): who holds
    /// each, and how often students holding one answered another.
    struct QuestionKeys {
        /// slot -> value id
        var value: [Int]
        /// value id -> slots with that key
        var slots: [[Int]]
        /// value id -> graded students whose own key it is
        var holders: [Int]
        /// from * count + to -> students whose key is `from` who answered `to`
        var confusion: [Int: Int] = [:]
        /// How often a wrong answer on this question is some other value's key, per student and
        /// value: the prior that a few students' rate is drawn towards.
        var prior = 0.0

        /// c(from -> to): the share of students holding `from` who answered `to`, shrunk towards the
        /// question's prior with the weight of two students; `excludingOne` leaves out the student
        /// being tested (who holds `from` and answered `to`), so no one is evidence of their own luck.
        func rate(_ from: Int, _ to: Int, excludingOne: Bool) -> Double {
            let seen = Double(max(0, (confusion[from * holders.count + to] ?? 0) - (excludingOne ? 1 : 0)))
            let holding = Double(max(0, holders[from] - (excludingOne ? 1 : 0)))
            return (seen + 2 * prior) / (holding + 2)
        }
    }

    let c: GradedClass
    let options: ClassReport.Options
    /// keys[exercise][question]
    let keys: [[QuestionKeys]]

    init(_ c: GradedClass, options: ClassReport.Options) {
        self.c = c
        self.options = options
        var keys: [[QuestionKeys]] = c.exercises.map { e in
            e.questionIDs.indices.map { k in
                var q = QuestionKeys(value: [], slots: Array(repeating: [], count: e.distinctKeys[k]),
                                     holders: Array(repeating: 0, count: e.distinctKeys[k]))
                for s in e.keyIDs.indices {
                    let v = e.keyIDs[s][k]
                    q.value.append(v)
                    q.slots[v].append(s)
                    q.holders[v] += e.studentsBySlot[s].count
                }
                return q
            }
        }
        var totals = keys.map { $0.map { _ in 0 } }
        for i in 0..<c.count {
            for j in keys.indices {
                for k in keys[j].indices {
                    guard let b = Self.confusion(c, student: i, exercise: j, question: k) else { continue }
                    let a = keys[j][k].value[c.slot[i][j]]
                    keys[j][k].confusion[a * keys[j][k].holders.count + b, default: 0] += 1
                    totals[j][k] += 1
                }
            }
        }
        for j in keys.indices {
            for k in keys[j].indices {
                let others = max(1, keys[j][k].holders.count - 1)
                keys[j][k].prior = (Double(totals[j][k]) + 0.5) / (Double(c.count) * Double(others) + 1)
            }
        }
        self.keys = keys
    }

    /// The other variant's key that student `i`'s wrong answer to question `k` of exercise `j` is
    /// (its value id), when it is one and no misconception predicts it for the student's own
    /// variant (a wrong idea the model explains is no sign of copying); nil otherwise.
    static func confusion(_ c: GradedClass, student i: Int, exercise j: Int, question k: Int) -> Int? {
        let b = c.answers[i][c.exercises[j].firstColumn + k]
        guard b != GradedClass.unnumbered, b < c.exercises[j].distinctKeys[k] else { return nil }
        let own = c.slot[i][j]
        if b == c.exercises[j].keyIDs[own][k] || c.exercises[j].predictions[own][k].contains(where: { $0.id == b }) { return nil }
        return b
    }

    /// Student `i`'s informative matches, exercise by exercise: the variants whose keys some of
    /// their wrong answers are, where a confusion that common would be unlikely by luck.
    func matches(of i: Int) -> [Match] {
        let informative = options.copyInformativeChance
        var out: [Match] = []
        for j in c.exercises.indices {
            let own = c.slot[i][j]
            var found: [Int: [Int]] = [:]
            for k in keys[j].indices {
                guard let b = Self.confusion(c, student: i, exercise: j, question: k) else { continue }
                // A confusion this common cannot make the exercise informative.
                guard keys[j][k].rate(keys[j][k].value[own], b, excludingOne: true) <= informative else { continue }
                for s in keys[j][k].slots[b] { found[s, default: []].append(k) }
            }
            if found.isEmpty { continue }
            let slots = found.keys.sorted().filter { chance(exercise: j, own, $0, student: i) <= informative }
            if slots.isEmpty { continue }
            var has = [Bool](repeating: false, count: c.exercises[j].variants.count)
            for s in slots { has[s] = true }
            out.append(Match(exercise: j, slots: slots, questions: slots.map { found[$0]! }, has: has))
        }
        return out
    }

    /// The chance that student `i`, with variant slot `u`, matches slot `v`'s keys on exercise `j`
    /// by luck, leaving the student's own answers out of the rates.
    func chance(exercise j: Int, _ u: Int, _ v: Int, student i: Int) -> Double {
        var none = 1.0
        for (k, q) in keys[j].enumerated() where q.value[u] != q.value[v] {
            none *= 1 - q.rate(q.value[u], q.value[v], excludingOne: Self.confusion(c, student: i, exercise: j, question: k) == q.value[v])
        }
        return 1 - none
    }

    /// `workers`: the grader's threads (the command's choice), each taking one student at a time.
    func leads(workers: Workers = .one) -> [CopyLead] {
        let n = c.count
        guard n >= 2 else { return [] }
        let threshold = options.copyAlpha / (Double(n) * Double(n - 1))
        let found: [[CopyFinding]] = workers.map(n) { a in findings(of: a, threshold: threshold) }
        return Self.pairs(found.joined())
    }

    /// The findings whose source is student `a`: the candidates who might have given them their
    /// answers, those whose match is too unlikely by luck, then the ones no stronger finding explains.
    func findings(of a: Int, threshold: Double) -> [CopyFinding] {
        let ms = matches(of: a)
        guard ms.count >= options.copyMinExercises else { return [] }
        let strong = strongCandidates(of: a, matches: ms, threshold: threshold)
        return kept(strong, of: a, matches: ms)
    }

    /// The students holding a matched variant of the most selective of `a`'s matched exercises
    /// (fewest students holding a matched variant first): a pair needs `copyMinExercises` matches,
    /// so it must match one of the `|E| − k + 1` most selective ones. Sorted by student.
    func candidates(of a: Int, matches ms: [Match]) -> [Int] {
        let need = options.copyMinExercises
        let sizes = ms.map { m in m.slots.reduce(0) { $0 + c.exercises[m.exercise].studentsBySlot[$1].count } }
        let order = ms.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] < sizes[$1] : $0 < $1 }
        var seen = Set<Int>()
        var candidates: [Int] = []
        for t in order.prefix(ms.count - need + 1) {
            let m = ms[t]
            for s in m.slots { for b in c.exercises[m.exercise].studentsBySlot[s] where b != a && seen.insert(b).inserted { candidates.append(b) } }
        }
        return candidates.sorted()
    }

    /// luck[exercise][variant]: the chance that `a` matches the variant by luck, nil where a match
    /// would be no evidence. It depends on the variant, not on who holds it: computed once per
    /// variant, not per candidate.
    func luckByVariant(of a: Int) -> [[Double?]] {
        let informative = options.copyInformativeChance
        return c.exercises.indices.map { j in
            c.exercises[j].variants.indices.map { v in
                guard c.keysDiffer(exercise: j, c.slot[a][j], v) else { return nil }
                let p = chance(exercise: j, c.slot[a][j], v, student: a)
                return p <= informative ? p : nil
            }
        }
    }

    /// A candidate with enough matches and a small enough chance of them by luck (cheap to tell).
    struct Strong {
        var student: Int
        /// Positions in `ms` of the exercises where the candidate's variant matches.
        var matched: [Int]
        var comparable: Int
        var lambda: Double
        var p: Double
        var chance: Double
    }

    /// Every candidate whose variant `a` matches on enough exercises, with a Poisson tail at most
    /// `threshold`; strongest first (most matches, then smallest chance, then student id).
    func strongCandidates(of a: Int, matches ms: [Match], threshold: Double) -> [Strong] {
        let need = options.copyMinExercises
        let luck = luckByVariant(of: a)
        var strong: [Strong] = []
        for b in candidates(of: a, matches: ms) {
            let matched = ms.indices.filter { ms[$0].has[c.slot[b][ms[$0].exercise]] }
            guard matched.count >= need else { continue }
            var lambda = 0.0
            var comparable = 0
            for j in c.exercises.indices {
                if let p = luck[j][c.slot[b][j]] {
                    lambda += p
                    comparable += 1
                }
            }
            let p = Self.poissonTail(matched.count, lambda)
            guard p <= threshold else { continue }
            strong.append(Strong(student: b, matched: matched, comparable: comparable, lambda: lambda, p: p, chance: Self.significant(p)))
        }
        strong.sort {
            $0.matched.count != $1.matched.count ? $0.matched.count > $1.matched.count
                : $0.chance != $1.chance ? $0.chance < $1.chance : c.ids[$0.student] < c.ids[$1.student]
        }
        return strong
    }

    /// The findings among `strong` (strongest first) worth a lead: classmates whose variants share
    /// the source's numbers on some exercises match too, so a finding is kept only with at least
    /// `copyMinExercises` matched exercises no stronger finding explains. (Only the kept ones get
    /// their evidence written: with a source whose variant shares numbers with most of the class,
    /// thousands of classmates are strong.)
    func kept(_ strong: [Strong], of a: Int, matches ms: [Match]) -> [CopyFinding] {
        let need = options.copyMinExercises
        var kept: [CopyFinding] = []
        var covered = Set<Int>()
        for f in strong {
            let exercises = f.matched.map { ms[$0].exercise }
            guard exercises.filter({ !covered.contains($0) }).count >= need else { continue }
            guard let evidence = evidence(of: a, from: f.student, matched: f.matched, matches: ms) else { continue }
            kept.append(CopyFinding(student: c.ids[a], variantOf: c.ids[f.student], exercises: f.matched.count, comparableExercises: f.comparable,
                                    expectedByChance: Stats.round(f.lambda), chance: f.chance, evidence: evidence))
            covered.formUnion(exercises)
        }
        return kept
    }

    /// The answers of `a` that are `b`'s keys on the matched exercises, in catalog order; nil when
    /// every one of them is also the solutions page's key (a pair that matched only the published
    /// numbers is no lead).
    func evidence(of a: Int, from b: Int, matched: [Int], matches ms: [Match]) -> [CopyEvidence]? {
        var evidence: [CopyEvidence] = []
        var allPublished = true
        for t in matched {
            let m = ms[t]
            let sb = c.slot[b][m.exercise]
            let si = m.slots.firstIndex(of: sb)!
            let e = c.exercises[m.exercise]
            for k in m.questions[si] {
                // The answer is `sb`'s key: that is what matching means.
                let key = e.keys[sb][k].description
                evidence.append(CopyEvidence(column: "\(e.id).\(e.questionIDs[k])", answer: key,
                                             theirKey: key, ownKey: e.keys[c.slot[a][m.exercise]][k].description))
                if e.published?[k] != e.keyIDs[sb][k] { allPublished = false }
            }
        }
        return allPublished ? nil : evidence
    }

    /// The findings grouped by pair, each pair's findings by student; the pairs with the smallest
    /// chance first.
    static func pairs(_ findings: some Sequence<CopyFinding>) -> [CopyLead] {
        var pairs: [[String]: [CopyFinding]] = [:]
        for f in findings { pairs[[f.student, f.variantOf].sorted(), default: []].append(f) }
        return pairs.map { CopyLead(students: $0.key, findings: $0.value.sorted { $0.student < $1.student }) }
            .sorted {
                let a = $0.findings.map(\.chance).min()!, b = $1.findings.map(\.chance).min()!
                return a != b ? a < b : $0.students.lexicographicallyPrecedes($1.students)
            }
    }

    /// P(K ≥ k) for K ~ Poisson(λ), summed in log space so that tiny tails do not underflow early.
    static func poissonTail(_ k: Int, _ lambda: Double) -> Double {
        if k <= 0 { return 1 }
        guard lambda > 0 else { return 0 }
        var logTerm = -lambda + Double(k) * log(lambda) - lgamma(Double(k) + 1)
        var sum = 0.0
        var i = k
        while i < k + 1000 {
            let t = exp(logTerm)
            sum += t
            if t < sum * 1e-15 { break }
            i += 1
            logTerm += log(lambda) - log(Double(i))
        }
        return min(1, sum)
    }

    /// Three significant digits, the same on every machine: the number `%.2e` prints, read back.
    ///
    /// The three digits are worked out by arithmetic, and the formatting is left to the cases
    /// where that could round differently (a value within a millionth of a digit of a rounding
    /// boundary): every strong candidate of a copier gets its chance rounded, by the thousand, and
    /// formatting each one was a third of the copy detector's time. `significantIsFormatting`
    /// (ClassReportTests) holds the two ways equal.
    static func significant(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x }
        let exponent = Int(log10(x).rounded(.down)) - 2
        if abs(exponent) < 300 {
            // x = m · 10^exponent, m in [100, 1000) but for a few units in the last place of m.
            let m = exponent < 0 ? x * pow(10, Double(-exponent)) : x / pow(10, Double(exponent))
            if m >= 100.000001 && m < 999.49 && abs(m - m.rounded(.down) - 0.5) > 1e-6 {
                return Double("\(Int(m.rounded()))e\(exponent)")!
            }
        }
        return Double(String(format: "%.2e", x)) ?? x
    }
}
