import CourseModel
import Grader

extension ClassReport {
    /// Item statistics: difficulty, discrimination (corrected item-total correlation and the
    /// upper-minus-lower 27 % index), blanks and the spread across variants.
    static func questionStats(_ c: GradedClass, options: Options) -> [QuestionStats] {
        let n = c.count
        // Students ordered by total (ties by id) for the 27 % groups.
        let order = c.totals.indices.sorted { c.totals[$0] != c.totals[$1] ? c.totals[$0] > c.totals[$1] : c.ids[$0] < c.ids[$1] }
        let group = max(1, Int((Double(n) * 0.27).rounded()))
        // Blanks and unreadable answers per column, counted student by student (status is stored
        // by student: reading it column by column was a third of this function's time).
        var blanks = [Int](repeating: 0, count: c.columns), unreadables = [Int](repeating: 0, count: c.columns)
        for row in c.status {
            for (column, status) in row.enumerated() {
                switch status {
                case .missing: blanks[column] += 1
                case .unreadable: unreadables[column] += 1
                case .correct, .partial, .wrong, .refused: break
                }
            }
        }
        var out: [QuestionStats] = []
        for e in c.exercises {
            // The variants in the order the report lists them (by name), named once per exercise
            // rather than once per question.
            let names = e.variants.map(\.description)
            let byName = names.indices.sorted { names[$0] < names[$1] }
            for (k, qid) in e.questionIDs.enumerated() {
                let points = e.points[k]
                let column = e.firstColumn + k
                let scores = c.scores[column]
                let fractions = scores.map { points > 0 ? $0 / points : 0 }
                let rest = zip(c.totals, scores).map { $0 - $1 }
                var upperLower: Double?
                if n >= 4 {
                    let upper = order.prefix(group).map { fractions[$0] }
                    let lower = order.suffix(group).map { fractions[$0] }
                    upperLower = Stats.round(Stats.mean(upper) - Stats.mean(lower))
                }
                let variants = byName.map { s in
                    VariantStats(variant: names[s], students: e.studentsBySlot[s].count,
                                 mean: Stats.round(Stats.mean(e.studentsBySlot[s].map { fractions[$0] })))
                }
                let overall = Stats.mean(fractions)
                let big = variants.filter { $0.students >= options.minVariantStudents }
                var spread: Double?
                var hard: String?
                if big.count >= 2, let lo = big.min(by: { ($0.mean, $0.variant) < ($1.mean, $1.variant) }), let hi = big.map(\.mean).max() {
                    spread = Stats.round(hi - lo.mean)
                    // Much harder: a quarter of the points below the question's mean, and unlikely
                    // by chance (more than 2.5 standard errors of a mean of that many students).
                    let p = min(max(overall, 0.05), 0.95)
                    let se = (p * (1 - p) / Double(lo.students)).squareRoot()
                    if overall - lo.mean >= 0.25 && (overall - lo.mean) / se >= 2.5 { hard = lo.variant }
                }
                out.append(QuestionStats(column: "\(e.id).\(qid)", exerciseID: e.id, questionID: qid, points: points, students: n,
                                         difficulty: Stats.round(overall),
                                         discrimination: Stats.correlation(scores, rest).map { Stats.round($0) },
                                         upperLower: upperLower, blank: blanks[column], unreadable: unreadables[column], variants: variants,
                                         variantSpread: spread, hardVariant: hard))
            }
        }
        return out
    }

    /// Per misconception: which wrong answers it predicts, on which questions, and who shows it
    /// consistently. A student's answer counts for a misconception when it equals what the
    /// misconception predicts for the student's own variant; for consistency only questions where
    /// no other misconception predicts the same answer count, so that one wrong idea is not
    /// credited to another that happens to agree with it on some question.
    static func misconceptionStats(_ c: GradedClass, options: Options) -> [MisconceptionStats] {
        let all = Misconception.allCases.sorted()
        let index = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })
        var anyStudents = [Int](repeating: 0, count: all.count)
        // The columns' names, in catalog order.
        let columns = c.exercises.flatMap { e in e.questionIDs.map { "\(e.id).\($0)" } }
        var perQuestion = all.map { _ in [(students: Int, opportunities: Int)](repeating: (0, 0), count: columns.count) }
        var perStudent: [[(student: Int, hits: Int, opportunities: Int)]] = all.map { _ in [] }
        // predictions[exercise][slot][question], each misconception as its position in `all`: looked
        // up once here, not for every student (nor is an exercise's whole table copied for each).
        let predictions = c.exercises.map { e in e.predictions.map { $0.map { $0.map { (misconception: index[$0.misconception]!, id: $0.id) } } } }
        let firstColumns = c.exercises.map(\.firstColumn)
        for i in 0..<c.count {
            var hits = [Int](repeating: 0, count: all.count)
            var opportunities = [Int](repeating: 0, count: all.count)
            var any = [Bool](repeating: false, count: all.count)
            for j in predictions.indices {
                for (k, preds) in predictions[j][c.slot[i][j]].enumerated() {
                    if preds.isEmpty { continue }
                    let column = firstColumns[j] + k
                    let status = c.status[i][column]
                    let answered = status != .missing && status != .unreadable
                    // The wrong answer's number (predictions are numbered, so a match is an equal number).
                    let answer = c.answers[i][column]
                    for p in preds {
                        let mi = p.misconception
                        let matched = answer == p.id
                        perQuestion[mi][column].opportunities += 1
                        if matched {
                            perQuestion[mi][column].students += 1
                            any[mi] = true
                        }
                        let distinctive = !preds.contains { $0.misconception != p.misconception && $0.id == p.id }
                        if distinctive && answered {
                            opportunities[mi] += 1
                            if matched { hits[mi] += 1 }
                        }
                    }
                }
            }
            for mi in all.indices {
                if any[mi] { anyStudents[mi] += 1 }
                if opportunities[mi] > 0 { perStudent[mi].append((i, hits[mi], opportunities[mi])) }
            }
        }
        let needed = max(options.foundMinStudents, Int((Double(c.count) * options.foundMinFraction).rounded(.up)))
        var out: [MisconceptionStats] = []
        for (mi, m) in all.enumerated() {
            let consistent = perStudent[mi].filter {
                $0.hits >= options.consistentMinHits && Double($0.hits) >= options.consistentMinFraction * Double($0.opportunities)
            }
            let questions = columns.indices.compactMap { q -> MisconceptionQuestion? in
                let v = perQuestion[mi][q]
                return v.opportunities == 0 ? nil : MisconceptionQuestion(column: columns[q], students: v.students, opportunities: v.opportunities)
            }
            let top = consistent.sorted {
                let a = Double($0.hits) / Double($0.opportunities), b = Double($1.hits) / Double($1.opportunities)
                if a != b { return a > b }
                if $0.hits != $1.hits { return $0.hits > $1.hits }
                return c.ids[$0.student] < c.ids[$1.student]
            }.prefix(options.topStudents).map { MisconceptionStudent(student: c.ids[$0.student], hits: $0.hits, opportunities: $0.opportunities) }
            if questions.isEmpty && anyStudents[mi] == 0 { continue }  // no exercise models it
            out.append(MisconceptionStats(id: m.rawValue, title: m.title, correction: m.correction, students: anyStudents[mi],
                                          consistentStudents: consistent.count, found: consistent.count >= needed,
                                          questions: questions, topStudents: Array(top)))
        }
        // The lessons to reteach first: most consistent students, then most students, then id.
        return out.sorted {
            if $0.consistentStudents != $1.consistentStudents { return $0.consistentStudents > $1.consistentStudents }
            if $0.students != $1.students { return $0.students > $1.students }
            return $0.id < $1.id
        }
    }
}
