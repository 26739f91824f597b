import Foundation

extension ClassReport {
    /// The report's tables as CSV files (name -> contents), the same numbers as report.json.
    /// RFC 4180 quoting with CRLF line ends, like the gradebook; cells a spreadsheet would take
    /// for a formula get a leading apostrophe.
    public func csvFiles() -> [(name: String, contents: String)] {
        func opt(_ x: Double?) -> String { x.map { Self.number($0) } ?? "" }
        var files: [(String, String)] = []
        files.append(("questions.csv", Self.csv(
            ["question", "exercise", "points", "students", "difficulty", "discrimination", "upper_lower", "blank", "unreadable",
             "variants", "variant_spread", "hard_variant"],
            questions.map { q in
                [q.column, q.exerciseID, Self.number(q.points), String(q.students), Self.number(q.difficulty), opt(q.discrimination),
                 opt(q.upperLower), String(q.blank), String(q.unreadable), String(q.variants.count), opt(q.variantSpread), q.hardVariant ?? ""]
            })))
        files.append(("question-variants.csv", Self.csv(
            ["question", "variant", "students", "mean"],
            questions.flatMap { q in q.variants.map { [q.column, $0.variant, String($0.students), Self.number($0.mean)] } })))
        files.append(("misconceptions.csv", Self.csv(
            ["misconception", "title", "students", "consistent_students", "found", "question", "question_students", "question_opportunities"],
            misconceptions.flatMap { m in
                m.questions.map { [m.id, m.title, String(m.students), String(m.consistentStudents), m.found ? "yes" : "no",
                                   $0.column, String($0.students), String($0.opportunities)] }
            })))
        files.append(("misconception-students.csv", Self.csv(
            ["misconception", "student", "hits", "opportunities"],
            misconceptions.flatMap { m in m.topStudents.map { [m.id, $0.student, String($0.hits), String($0.opportunities)] } })))
        files.append(("exercises.csv", Self.csv(
            ["exercise", "max", "mean", "median", "score", "students"],
            exercises.flatMap { e in
                e.distribution.map { [e.id, Self.number(e.maxScore), Self.number(e.mean), Self.number(e.median), Self.number($0.score), String($0.count)] }
            })))
        files.append(("totals.csv", Self.csv(
            ["bin", "from", "to", "students"],
            summary.histogram.map { [$0.label, Self.number($0.lower), Self.number($0.upper), String($0.count)] })))
        files.append(("copies.csv", Self.csv(
            ["student", "variant_of", "exercises", "comparable_exercises", "expected_by_chance", "chance", "questions"],
            copies.flatMap(\.findings).map { f in
                [f.student, f.variantOf, String(f.exercises), String(f.comparableExercises), Self.number(f.expectedByChance),
                 Self.scientific(f.chance), f.evidence.map(\.column).joined(separator: " ")]
            })))
        return files
    }

    /// A number as the report prints it: rounded to four decimals, no trailing zeros.
    static func number(_ x: Double) -> String {
        let r = Stats.round(x)
        if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) }
        return String(r)
    }

    /// A small probability as `1.2e-15`.
    static func scientific(_ x: Double) -> String {
        if x == 0 { return "0" }
        return String(describing: x)
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvCell(_ s: String) -> String {
        var v = s
        if let f = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(f), Double(v) == nil { v = "'" + v }
        // Bytes, not characters: a comma or line break is one whatever follows it, and scanning
        // bytes is what keeps question-variants.csv (a cell per variant) quick to write.
        let bytes = v.utf8
        if bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
            || bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ") {
            v = "\"" + (bytes.contains(UInt8(ascii: "\"")) ? v.replacingOccurrences(of: "\"", with: "\"\"") : v) + "\""
        }
        return v
    }
}
