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
    /// Exercises on which the two variants' keys differ at all (where a match could show).
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
/// independent would overstate the evidence. For student A and exercise e, A "matches" variant v
/// when some wrong answer of A on e equals v's key (and not A's own key, and not what a
/// misconception predicts for A's variant: a wrong idea the model explains is no sign of copying).
/// A pair whose every matching answer is also the key of the variant the solutions page shows is
/// dropped: numbers taken from the course site are no sign of copying from whichever classmate
/// has that variant.
/// The chance that a student with another variant matches v on e is estimated from the class itself
/// (how many of those students do), so an answer that many students give, such as the default
/// variant's from the solutions page, weighs little.
///
/// For a pair (A, B) with k exercises matched out of those where their keys differ, the chance of
/// k or more matches by luck is the Poisson tail with mean λ = Σ p(e, B's variant). A pair is a lead
/// when k ≥ `copyMinExercises` and the tail is at most `copyAlpha` divided by the number of ordered
/// pairs in the class (Bonferroni: with 10,000 students that is 10⁸ pairs, so false leads among
/// honest students stay rare however large the class).
///
/// It does not compare every pair: only students who match other variants on at least
/// `copyMinExercises` exercises are considered, and their candidates are the students holding the
/// matched variants of the most selective exercises (a pair needs k matches among all of A's matched
/// exercises, so it must match at least one of the `|E| − k + 1` most selective ones).
struct CopyDetector {
    /// A student's matches on one exercise: variant slot -> the question positions that match it.
    struct Match {
        var exercise: Int
        var slots: [Int]
        var questions: [[Int]]
    }

    let c: GradedClass
    let options: ClassReport.Options
    let matches: [[Match]]
    /// Per student, the `exercise.question` columns whose wrong answer is the solutions page's key.
    let published: [Set<String>]
    /// chance[exercise][slot]
    let chance: [[Double]]

    init(_ c: GradedClass, options: ClassReport.Options) {
        self.c = c
        self.options = options
        // exercise -> question -> key token -> slots with that key.
        let index: [[[AnswerToken: [Int]]]] = c.exercises.map { e in
            e.questionIDs.indices.map { k in
                var d: [AnswerToken: [Int]] = [:]
                for s in e.keys.indices { d[e.keys[s][k], default: []].append(s) }
                return d
            }
        }
        let cls = c
        published = Parallel.map(Array(0..<c.count)) { i in
            var out = Set<String>()
            for (j, e) in cls.exercises.enumerated() {
                guard let keys = e.published else { continue }
                for (k, m) in cls.results[i].exercises[j].questions.enumerated() where m.status == .wrong || m.status == .partial {
                    if let t = m.answerToken, t == keys[k] { out.insert("\(e.id).\(e.questionIDs[k])") }
                }
            }
            return out
        }
        matches = Parallel.map(Array(0..<c.count)) { i in
            var out: [Match] = []
            for (j, e) in cls.exercises.enumerated() {
                let own = cls.slot[i][j]
                var found: [Int: [Int]] = [:]
                for (k, m) in cls.results[i].exercises[j].questions.enumerated() where m.status == .wrong || m.status == .partial {
                    guard let t = m.answerToken, t != e.keys[own][k], let slots = index[j][k][t] else { continue }
                    if e.predictions[own][k].contains(where: { $0.token == t }) { continue }
                    for s in slots where s != own { found[s, default: []].append(k) }
                }
                if !found.isEmpty {
                    let slots = found.keys.sorted()
                    out.append(Match(exercise: j, slots: slots, questions: slots.map { found[$0]! }))
                }
            }
            return out
        }
        // p(e, v) = (students with another variant who match v on e + 1) / (those who could + 2).
        var chance: [[Double]] = []
        for (j, e) in c.exercises.enumerated() {
            var hits = [Int](repeating: 0, count: e.variants.count)
            for ms in matches { for m in ms where m.exercise == j { for s in m.slots { hits[s] += 1 } } }
            chance.append(e.variants.indices.map { v in
                let could = e.variants.indices.reduce(0) { $0 + (c.keysDiffer(exercise: j, $1, v) ? e.studentsBySlot[$1].count : 0) }
                return (Double(hits[v]) + 1) / (Double(could) + 2)
            })
        }
        self.chance = chance
    }

    func leads() -> [CopyLead] {
        let n = c.count
        guard n >= 2 else { return [] }
        let threshold = options.copyAlpha / (Double(n) * Double(n - 1))
        let need = options.copyMinExercises
        let found: [[CopyFinding]] = Parallel.map(Array(0..<n)) { a in
            let ms = matches[a]
            guard ms.count >= need else { return [] }
            // Most selective exercises first: fewest students holding a matched variant.
            let sizes = ms.map { m in m.slots.reduce(0) { $0 + c.exercises[m.exercise].studentsBySlot[$1].count } }
            let order = ms.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] < sizes[$1] : $0 < $1 }
            var seen = Set<Int>()
            var candidates: [Int] = []
            for t in order.prefix(ms.count - need + 1) {
                let m = ms[t]
                for s in m.slots { for b in c.exercises[m.exercise].studentsBySlot[s] where b != a && seen.insert(b).inserted { candidates.append(b) } }
            }
            var out: [CopyFinding] = []
            for b in candidates.sorted() {
                var k = 0
                for m in ms where m.slots.contains(c.slot[b][m.exercise]) { k += 1 }
                guard k >= need else { continue }
                var lambda = 0.0
                var comparable = 0
                for j in c.exercises.indices where c.keysDiffer(exercise: j, c.slot[a][j], c.slot[b][j]) {
                    lambda += chance[j][c.slot[b][j]]
                    comparable += 1
                }
                let p = Self.poissonTail(k, lambda)
                guard p <= threshold else { continue }
                var evidence: [CopyEvidence] = []
                for m in ms {
                    let sb = c.slot[b][m.exercise]
                    guard let si = m.slots.firstIndex(of: sb) else { continue }
                    let e = c.exercises[m.exercise]
                    for k in m.questions[si] {
                        let mark = c.results[a].exercises[m.exercise].questions[k]
                        evidence.append(CopyEvidence(column: "\(e.id).\(e.questionIDs[k])", answer: mark.answerToken?.description ?? "",
                                                     theirKey: e.keys[sb][k].description, ownKey: e.keys[c.slot[a][m.exercise]][k].description))
                    }
                }
                if Set(evidence.map(\.column)).isSubset(of: published[a]) { continue }
                out.append(CopyFinding(student: c.ids[a], variantOf: c.ids[b], exercises: k, comparableExercises: comparable,
                                       expectedByChance: Stats.round(lambda), chance: Self.significant(p), evidence: evidence))
            }
            // A classmate whose variant shares the source's numbers on some exercises matches too;
            // a finding whose evidence is all part of a stronger one's is explained by it.
            out.sort { $0.exercises != $1.exercises ? $0.exercises > $1.exercises : $0.chance != $1.chance ? $0.chance < $1.chance : $0.variantOf < $1.variantOf }
            var kept: [CopyFinding] = []
            for f in out {
                let columns = Set(f.evidence.map(\.column))
                if !kept.contains(where: { columns.isSubset(of: Set($0.evidence.map(\.column))) }) { kept.append(f) }
            }
            return kept
        }
        var pairs: [[String]: [CopyFinding]] = [:]
        for f in found.joined() { pairs[[f.student, f.variantOf].sorted(), default: []].append(f) }
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

    /// Three significant digits, the same on every machine.
    static func significant(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x }
        return Double(String(format: "%.2e", x)) ?? x
    }
}
