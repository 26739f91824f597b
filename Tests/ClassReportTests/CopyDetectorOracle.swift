@testable import ClassReport
import CourseModel
import Grader
import SocketSim
import Testing

/// The copy detector written the slow, obvious way, as a test oracle: every ordered pair of
/// students is tested, straight from the graded results (answers and keys as tokens, no
/// numbering, no candidate pruning, no per-variant tables), following the definition in
/// `CopyDetector`'s documentation. Only the numeric helpers (Poisson tail, rounding) are shared.
enum BruteForceCopies {
    static func leads(_ report: GradeReport, options: ClassReport.Options = ClassReport.Options()) -> [CopyLead] {
        let catalog = report.catalog.exercises
        let students = report.results.filter { !$0.isError && $0.exercises.count == catalog.count
            && zip($0.exercises, catalog).allSatisfy { $0.exerciseID == $1.id } }
        let n = students.count
        guard n >= 2 else { return [] }
        let id = students.map { $0.student ?? $0.file }
        let informative = options.copyInformativeChance
        // (Tabled once only to keep the oracle's run short: each is what its comment says.)
        let ownKeys = students.map { s in s.exercises.map { $0.questions.map(\.keyToken) } }
        func own(_ a: Int, _ j: Int) -> [AnswerToken] { ownKeys[a][j] }
        let keySets = catalog.indices.map { j in catalog[j].questions.indices.map { k in Set(ownKeys.map { $0[j][k] }) } }
        /// The other key a's wrong answer is, unless a misconception predicts it for a's variant.
        let confusedTable: [[[AnswerToken?]]] = students.map { s in
            s.exercises.enumerated().map { j, e in
                e.questions.enumerated().map { k, m in
                    guard m.status == .wrong || m.status == .partial, let t = m.answerToken, t != m.keyToken, keySets[j][k].contains(t),
                          !m.predictionTokens.contains(where: { $0.token == t }) else { return nil }
                    return t
                }
            }
        }
        func confused(_ a: Int, _ j: Int, _ k: Int) -> AnswerToken? { confusedTable[a][j][k] }
        // The class's confusion counts, per question and (own key, answered key).
        struct Q { var holders: [AnswerToken: Int] = [:]; var confusion: [[AnswerToken]: Int] = [:]; var prior = 0.0 }
        var qs: [[Q]] = catalog.map { $0.questions.map { _ in Q() } }
        for j in catalog.indices {
            for k in catalog[j].questions.indices {
                var total = 0
                for a in 0..<n {
                    let key = students[a].exercises[j].questions[k].keyToken
                    qs[j][k].holders[key, default: 0] += 1
                    if let t = confused(a, j, k) { qs[j][k].confusion[[key, t], default: 0] += 1; total += 1 }
                }
                qs[j][k].prior = (Double(total) + 0.5) / (Double(n) * Double(max(1, qs[j][k].holders.count - 1)) + 1)
            }
        }
        func rate(_ j: Int, _ k: Int, _ from: AnswerToken, _ to: AnswerToken, excludingOne: Bool) -> Double {
            let q = qs[j][k], e = excludingOne ? 1 : 0
            return (Double(max(0, (q.confusion[[from, to]] ?? 0) - e)) + 2 * q.prior) / (Double(max(0, q.holders[from]! - e)) + 2)
        }
        func chance(_ a: Int, _ j: Int, _ theirs: [AnswerToken]) -> Double {
            let mine = own(a, j)
            var none = 1.0
            for k in mine.indices where mine[k] != theirs[k] {
                none *= 1 - rate(j, k, mine[k], theirs[k], excludingOne: confused(a, j, k) == theirs[k])
            }
            return 1 - none
        }
        func published(_ j: Int) -> [AnswerToken]? {
            let e = catalog[j]
            if let s = students.first(where: { $0.exercises[j].variant == e.defaultVariant }) { return s.exercises[j].questions.map(\.keyToken) }
            guard let key = try? e.answerKey(for: e.defaultVariant) else { return nil }
            return e.questions.map { q in key.values[q.id].map { AnswerToken(key: $0, kind: q.kind) } ?? AnswerToken(key: .never, kind: q.kind) }
        }
        let pages = catalog.indices.map(published)
        let threshold = options.copyAlpha / (Double(n) * Double(n - 1))
        var all: [CopyFinding] = []
        for a in 0..<n {
            var found: [(exercises: [String], finding: CopyFinding)] = []
            for b in 0..<n where b != a {
                var matched: [(j: Int, questions: [Int])] = []
                var lambda = 0.0, comparable = 0
                for j in catalog.indices {
                    let theirs = own(b, j)
                    guard theirs != own(a, j) else { continue }
                    let p = chance(a, j, theirs)
                    if p <= informative {
                        lambda += p
                        comparable += 1
                    }
                    let questions = theirs.indices.filter { k in
                        confused(a, j, k) == theirs[k] && rate(j, k, own(a, j)[k], theirs[k], excludingOne: true) <= informative
                    }
                    if !questions.isEmpty && p <= informative { matched.append((j, questions)) }
                }
                guard matched.count >= options.copyMinExercises else { continue }
                let p = CopyDetector.poissonTail(matched.count, lambda)
                guard p <= threshold else { continue }
                var evidence: [CopyEvidence] = []
                var fromPage = true
                for (j, questions) in matched {
                    for k in questions {
                        let mark = students[a].exercises[j].questions[k]
                        evidence.append(CopyEvidence(column: "\(catalog[j].id).\(catalog[j].questions[k].id)", answer: mark.answerToken!.description,
                                                     theirKey: own(b, j)[k].description, ownKey: mark.keyToken.description))
                        if pages[j]?[k] != mark.answerToken { fromPage = false }
                    }
                }
                if fromPage { continue }
                found.append((matched.map { catalog[$0.j].id },
                              CopyFinding(student: id[a], variantOf: id[b], exercises: matched.count, comparableExercises: comparable,
                                          expectedByChance: Stats.round(lambda), chance: CopyDetector.significant(p), evidence: evidence)))
            }
            found.sort {
                let x = $0.finding, y = $1.finding
                return x.exercises != y.exercises ? x.exercises > y.exercises : x.chance != y.chance ? x.chance < y.chance : x.variantOf < y.variantOf
            }
            var covered = Set<String>()
            for f in found where Set(f.exercises).subtracting(covered).count >= options.copyMinExercises {
                all.append(f.finding)
                covered.formUnion(f.exercises)
            }
        }
        var pairs: [[String]: [CopyFinding]] = [:]
        for f in all { pairs[[f.student, f.variantOf].sorted(), default: []].append(f) }
        return pairs.map { CopyLead(students: $0.key, findings: $0.value.sorted { $0.student < $1.student }) }
            .sorted {
                let x = $0.findings.map(\.chance).min()!, y = $1.findings.map(\.chance).min()!
                return x != y ? x < y : $0.students.lexicographicallyPrecedes($1.students)
            }
    }
}

@Suite struct CopyDetectorAgreesWithBruteForce {
    /// Random classes with copiers (of honest students, one of them copied twice, and of a student
    /// who wrote the solutions page's keys), students answering with the default variant, misconceptions and
    /// honest slips: the indexed detector's leads are exactly the pairwise oracle's, evidence and
    /// chances included.
    @Test("the copy detector finds exactly what testing every pair finds", arguments: [UInt64(21), 22, 23, 24])
    func agrees(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let size = 40 + Int(rng.next() % 50)
        var students: [(String, Profile)] = []
        for i in 0..<size {
            let r = rng.next() % 10
            let p: Profile = r < 5 ? .honest(wrong: Double(rng.next() % 50) / 100) : r < 6 ? .defaults
                : r < 7 ? .misconception(.swappedQueues) : r < 8 ? .misconception(.recvFillsBuffer) : r < 9 ? .blank : .honest(wrong: 0.05)
            students.append((String(format: "s%03d", i), p))
        }
        let honest = students.filter { if case .honest = $0.1 { return true } else { return false } }.map(\.0)
        let sources = (0..<4).map { _ in honest[Int(rng.next() % UInt64(honest.count))] }
        for (i, source) in sources.enumerated() { students.append((String(format: "c%02d", i), .copier(of: source))) }
        students.append(("c99", .copier(of: sources[0])))
        if let page = students.first(where: { $0.1 == .defaults }) { students.append(("c98", .copier(of: page.0))) }
        let graded = try GeneratedClass(course: try FixtureCourse.load(), students: students, seed: seed, brokenFiles: 1).grade()
        let expected = BruteForceCopies.leads(graded)
        #expect(!expected.isEmpty, "the oracle finds the planted copies")
        #expect(ClassReport(graded).copies == expected)
        // Stricter and looser thresholds move the leads; the two must still agree.
        var options = ClassReport.Options()
        options.copyMinExercises = 2
        options.copyAlpha = 0.5
        options.copyInformativeChance = 0.2
        #expect(ClassReport(graded, options: options).copies == BruteForceCopies.leads(graded, options: options))
    }
}
