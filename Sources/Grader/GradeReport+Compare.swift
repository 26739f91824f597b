import CourseModel
import Foundation
import SourceFiles

// MARK: - Comparing with an earlier run, a student at a time

extension GradeReport {
    /// This run compared with an earlier one, one earlier student at a time: each is checked
    /// against this run's row as soon as it is read and only what moved is kept. A regrade of a
    /// class whose JSON is half a gigabyte then holds one student's object and the changes, never
    /// the earlier report (decoding it whole took gigabytes).
    ///
    /// The result is what comparing two whole maps gave: per key (student id, else file), the
    /// last earlier student and the last row with that key; a question absent on one side counts 0.
    public struct Comparison {
        /// What the comparison may keep of the earlier run (its changes and the question ids this
        /// content does not have), counted as it goes. 10,000 students whose 144 questions all moved
        /// need about 50 MB; a file that would need more is refused where it goes over, instead of
        /// making the memory follow a hostile file.
        public static let budget = 128 << 20

        let rows: [ScoreRow]
        /// This run's question columns (unique names, sorted) and where each is in a row's scores.
        let sortedColumns: [(name: String, index: Int)]
        let columnIndex: [String: Int]
        /// How many scores a row has.
        let width: Int
        /// This run's key → the last row with it.
        let latest: [String: Int]
        /// By row: whether the earlier run had its key.
        var seen: [Bool]
        var changed: [String: (change: ScoreChange, cost: Int)] = [:]
        /// The earlier run's question ids this content does not have, one copy each.
        var unknownColumns: Set<String> = []
        var kept = 0
        /// How many students the earlier run had so far (every one, changed or not).
        public private(set) var students = 0

        init(rows: [ScoreRow], columns: [String]) {
            self.rows = rows
            var index: [String: Int] = [:]
            for (i, c) in columns.enumerated() { index[c] = i }
            columnIndex = index
            width = columns.count
            sortedColumns = index.map { (name: $0.key, index: $0.value) }.sorted { $0.name < $1.name }
            var latest: [String: Int] = [:]
            for (i, r) in rows.enumerated() { latest[r.student ?? r.file] = i }
            self.latest = latest
            seen = Array(repeating: false, count: rows.count)
        }

        /// Compares one student of the earlier run; `at` is where it is, for the budget's error.
        mutating func add(_ s: OldReport.Student, at location: SourceLocation) throws(DiagnosticError) {
            students += 1
            let key = s.student ?? s.file
            var before = [Double?](repeating: nil, count: width)
            var unknown: [String: Double] = [:]
            for e in s.exercises {
                for q in e.questions {
                    let c = "\(e.id).\(q.id)"
                    if let i = columnIndex[c] { before[i] = q.score } else { unknown[c] = q.score }
                }
            }
            let row = latest[key]
            if let row { seen[row] = true }
            var moved: [(column: String, old: Double, new: Double)] = []
            for (name, i) in sortedColumns {
                let a = before[i] ?? 0
                let b = row.map { i < rows[$0].questionScores.count ? rows[$0].questionScores[i] : 0 } ?? 0
                if abs(a - b) > 1e-9 { moved.append((name, a, b)) }
            }
            var newNames = 0
            for (name, a) in unknown where abs(a) > 1e-9 {
                let (inserted, shared) = unknownColumns.insert(name)
                if inserted { newNames += 48 + name.utf8.count }
                moved.append((shared, a, 0))
            }
            if !unknown.isEmpty { moved.sort { $0.column < $1.column } }
            let change = Self.change(key, old: s.status == "graded" ? s.score : nil, new: row.map(newTotal), moved: moved)
            // The last earlier student with a key is the one compared (as a map of them kept the last).
            let cost = change.map { 96 + key.utf8.count + 32 * $0.questions.count } ?? 0
            kept += newNames + cost - (changed[key]?.cost ?? 0)
            changed[key] = change.map { ($0, cost) }
            if kept > Self.budget {
                throw DiagnosticError(Diagnostic(at: location, id: .compareTooLarge,
                    "more than \(Self.budget >> 20) MB of score changes to keep by the earlier run's student \(students) ('\(GradeReport.safe(key))'); compare a part of the class at a time"))
            }
        }

        func newTotal(_ row: Int) -> Double? { rows[row].isError ? nil : rows[row].score }

        static func change(_ key: String, old: Double?, new: Double??, moved: [(column: String, old: Double, new: Double)]) -> ScoreChange? {
            let newTotal = new ?? nil
            let totalMoved = old == nil || newTotal == nil ? old != newTotal : abs(old! - newTotal!) > 1e-9
            guard totalMoved || !moved.isEmpty else { return nil }
            return ScoreChange(student: key, oldScore: old, newScore: newTotal, questions: moved)
        }

        /// Every student whose score differs, sorted by key: the earlier run's changes and this
        /// run's students it did not have.
        public func changes() -> [ScoreChange] {
            var out = changed.values.map(\.change)
            for (key, row) in latest where !seen[row] {
                let moved = sortedColumns.compactMap { c -> (column: String, old: Double, new: Double)? in
                    let b = c.index < rows[row].questionScores.count ? rows[row].questionScores[c.index] : 0
                    return abs(b) > 1e-9 ? (c.name, 0, b) : nil
                }
                if let c = Self.change(key, old: nil, new: newTotal(row), moved: moved) { out.append(c) }
            }
            return out.sorted { $0.student < $1.student }
        }
    }

    /// Reads an earlier `--format json` report as it comes, a piece at a time, in the layout
    /// `writeJSON` writes: `{`, one member per line indented by two spaces, `"students" : [`,
    /// each student an object opened by a line `    {` and closed by a line `    }` or `    },`,
    /// then `  ]` and `}`. Each student is decoded by `JSONDecoder` on its own and handed to the
    /// `Comparison`; the members outside the array are checked as JSON at the end.
    ///
    /// The layout is what lets a 500 MB report be read in a few megabytes without a JSON parser
    /// of our own: a JSON string cannot hold a line break, so a line `    {` can only open the
    /// next student. A file in another layout (minified, another indentation) is refused with
    /// `compare.layout` at its first line that differs; the command then reads a small one whole.
    public struct EarlierReportReader {
        /// The longest student object read (a student's answer file is at most 1 MB; its JSON,
        /// feedback and escapes included, stays well below this).
        public static let recordLimit = 16 << 20
        /// The longest run of lines outside the students array.
        static let outsideLimit = 1 << 20

        enum State {
            case start
            case header
            /// In the students array: `comma` says what the last student ended with (nil: none yet).
            case between(comma: Bool?, last: Int)
            case inRecord
            case trailer
            case done
        }

        public let file: String
        public private(set) var comparison: Comparison
        var state = State.start
        /// Lines handed in so far (the one being read is `line + 1`).
        var line = 0
        var pending: [UInt8] = []
        var record: [UInt8] = []
        var recordLine = 0
        /// The lines outside the students array, with the students as an empty array, and each
        /// one's line in the file.
        var outside: [UInt8] = []
        var outsideLines: [Int] = []

        init(file: String, comparison: Comparison) {
            self.file = file
            self.comparison = comparison
        }

        /// Reads the next bytes of the file; throws at the first problem.
        public mutating func feed(_ bytes: ArraySlice<UInt8>) throws(DiagnosticError) {
            var rest = bytes
            while let nl = rest.firstIndex(of: UInt8(ascii: "\n")) {
                if pending.isEmpty {
                    try take(rest[rest.startIndex..<nl])
                } else {
                    pending.append(contentsOf: rest[rest.startIndex..<nl])
                    let l = pending
                    pending.removeAll(keepingCapacity: true)
                    try take(l[...])
                }
                rest = rest[(nl + 1)...]
            }
            if pending.count + rest.count > Self.recordLimit {
                throw layout(line + 1, "line \(line + 1) is longer than \(Self.recordLimit >> 20) MB")
            }
            pending.append(contentsOf: rest)
        }

        /// The end of the file: the changes, once the report was whole.
        public mutating func finish() throws(DiagnosticError) -> [ScoreChange] {
            if !pending.isEmpty {
                let l = pending
                pending = []
                try take(l[...])
            }
            switch state {
            case .start:
                throw problem(nil, "the file is empty")
            case .header, .trailer:
                throw problem(line, "the file ends at line \(line) before the report's closing '}': it was cut short")
            case .between:
                throw problem(line, "the file ends at line \(line) inside the students array, after \(comparison.students) student\(comparison.students == 1 ? "" : "s"): it was cut short")
            case .inRecord:
                throw problem(line, "the file ends at line \(line) inside the student that begins at line \(recordLine): it was cut short")
            case .done:
                break
            }
            try checkOutside()
            return comparison.changes()
        }

        mutating func take(_ raw: ArraySlice<UInt8>) throws(DiagnosticError) {
            line += 1
            var end = raw.endIndex
            while end > raw.startIndex, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(raw[end - 1]) { end -= 1 }
            var start = raw.startIndex
            while start < end, raw[start] == UInt8(ascii: " ") { start += 1 }
            let indent = start - raw.startIndex
            let body = raw[start..<end]
            let blank = body.isEmpty
            func isText(_ s: String) -> Bool { body.elementsEqual(s.utf8) }
            switch state {
            case .start:
                if blank { return }
                guard indent == 0, isText("{") else { throw layout(line, "line \(line) is not the line '{' that opens the report") }
                keepOutside(raw)
                state = .header
            case .header:
                if blank { return }
                if indent == 0, isText("}") {
                    keepOutside(raw)
                    state = .done
                    return
                }
                guard indent == 2, body.first == UInt8(ascii: "\"") else { throw layout(line, "line \(line) is not a member of the report indented by two spaces") }
                if Self.opensStudents(body) {
                    // The students stay out: the members around them read as `"students" : [ ]`.
                    keepOutside(raw)
                    state = .between(comma: nil, last: line)
                } else if body.last == UInt8(ascii: "[") || body.last == UInt8(ascii: "{") {
                    throw layout(line, "line \(line) opens a member that spreads over lines; only 'students' does")
                } else {
                    keepOutside(raw)
                }
            case .between(let comma, let last):
                if blank { return }
                if indent == 4, isText("{") {
                    if comma == false { throw problem(last, "a ',' is missing after the student that ends at line \(last)") }
                    record.removeAll(keepingCapacity: true)
                    record.append(contentsOf: raw)
                    record.append(UInt8(ascii: "\n"))
                    recordLine = line
                    state = .inRecord
                } else if indent == 2, isText("]") || isText("],") {
                    if comma == true { throw problem(last, "a ',' ends the last student (line \(last)); the next student's '{' is missing") }
                    keepOutside(raw)
                    state = .trailer
                } else {
                    throw layout(line, "line \(line) is neither the '{' of a student (indented by four spaces) nor the ']' that closes the students")
                }
            case .inRecord:
                if record.count + raw.count + 1 > Self.recordLimit {
                    throw problem(recordLine, "the student that begins at line \(recordLine) is longer than \(Self.recordLimit >> 20) MB")
                }
                record.append(contentsOf: raw)
                record.append(UInt8(ascii: "\n"))
                if indent == 4, isText("}") || isText("},") {
                    if isText("},") { record.removeLast(2); record.append(UInt8(ascii: "\n")) }
                    try decodeRecord()
                    state = .between(comma: isText("},"), last: line)
                } else if !blank && indent < 6 {
                    throw layout(line, "line \(line), inside the student that begins at line \(recordLine), is indented by fewer than six spaces")
                }
            case .trailer:
                if blank { return }
                if indent == 0, isText("}") {
                    keepOutside(raw)
                    state = .done
                } else if indent == 2, body.first == UInt8(ascii: "\""), body.last != UInt8(ascii: "["), body.last != UInt8(ascii: "{") {
                    keepOutside(raw)
                } else {
                    throw layout(line, "line \(line) is not a member of the report indented by two spaces")
                }
            case .done:
                if blank { return }
                throw problem(line, "line \(line) follows the report's closing '}' (line \(outsideLines.last ?? line))")
            }
        }

        /// `"students" : [` (or `"students": [`), the line that opens the array.
        static func opensStudents(_ body: ArraySlice<UInt8>) -> Bool {
            let text = String(decoding: body, as: UTF8.self)
            guard text.hasPrefix("\"students\""), text.hasSuffix("[") else { return false }
            return text.dropFirst(10).dropLast().trimmingCharacters(in: .whitespaces) == ":"
        }

        mutating func keepOutside(_ raw: ArraySlice<UInt8>) {
            outside.append(contentsOf: raw)
            outside.append(UInt8(ascii: "\n"))
            outsideLines.append(line)
        }

        /// One student: decoded on its own, then compared.
        mutating func decodeRecord() throws(DiagnosticError) {
            let student: OldReport.Student
            do {
                student = try JSONDecoder().decode(OldReport.Student.self, from: Data(record))
            } catch {
                throw recordProblem(error)
            }
            try comparison.add(student, at: SourceLocation(file: file, line: recordLine))
        }

        /// Why a student did not decode, at the line and column where it stopped or the field it names.
        func recordProblem(_ error: Error) -> DiagnosticError {
            let n = comparison.students + 1
            let what = "student \(n) (line \(recordLine))"
            // The field's own line when the layout shows it, else the student's first line.
            func at(_ path: [CodingKey]) -> Int { recordLine + (Self.line(of: path, in: record) ?? 0) }
            switch error {
            case DecodingError.keyNotFound(let key, let ctx):
                let within = ctx.codingPath.isEmpty ? "" : " in '\(Self.field(ctx.codingPath))'"
                return problem(at(ctx.codingPath), "\(what) has no '\(key.stringValue)'\(within)")
            case DecodingError.typeMismatch(let type, let ctx):
                return problem(at(ctx.codingPath), "\(what): '\(Self.field(ctx.codingPath))' is not \(Self.kind(type))")
            case DecodingError.valueNotFound(let type, let ctx):
                return problem(at(ctx.codingPath), "\(what): '\(Self.field(ctx.codingPath))' is null, not \(Self.kind(type))")
            default:
                // JSONDecoder does not say where the JSON broke; JSONSerialization does.
                let (offset, reason) = Self.syntaxProblem(record)
                guard let offset else { return problem(recordLine, "\(what) is not valid JSON: \(reason)") }
                let before = record.prefix(offset)
                let lineInRecord = before.count { $0 == UInt8(ascii: "\n") }
                let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
                return DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: recordLine + lineInRecord, column: column),
                                                  id: .compareNotAReport, "\(what) is not valid JSON: \(reason)"))
            }
        }

        /// The line (from 0) of the value at `path` in a student object laid out as the writer
        /// lays it out: a member `"key" : value` two spaces deeper than its object, an element of
        /// a list on its own line two spaces deeper than the list, a nested value closed at its
        /// own indentation. Only the error path asks, so this walks the lines without caring for
        /// speed; nil when the layout does not show the path (the caller names the first line).
        static func line(of path: [CodingKey], in record: [UInt8]) -> Int? {
            let lines = record.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { raw -> (indent: Int, body: String) in
                let text = String(decoding: raw, as: UTF8.self)
                let body = text.drop { $0 == " " }
                return (text.count - body.count, body.trimmingCharacters(in: .whitespaces))
            }
            guard let first = lines.first, first.body == "{" else { return nil }
            var found = 0, lo = 1, hi = lines.count, indent = first.indent + 2
            /// Steps into the value that opens at line `i` (a list or object), if it does.
            func enter(_ i: Int) -> Bool {
                guard lines[i].body.hasSuffix("[") || lines[i].body.hasSuffix("{") else { return false }
                guard let close = lines[(i + 1)...].firstIndex(where: { $0.indent == indent && ($0.body.hasPrefix("]") || $0.body.hasPrefix("}")) }) else { return false }
                (lo, hi, indent) = (i + 1, close, indent + 2)
                return true
            }
            for (n, key) in path.enumerated() {
                let candidates = (lo..<hi).filter { lines[$0].indent == indent && !lines[$0].body.hasPrefix("]") && !lines[$0].body.hasPrefix("}") }
                let i: Int
                if let index = key.intValue {
                    guard index >= 0, index < candidates.count else { return nil }
                    i = candidates[index]
                } else {
                    guard let hit = candidates.first(where: { j in
                        let l = lines[j]
                        return l.body.hasPrefix("\"\(key.stringValue)\"") && l.body.dropFirst(key.stringValue.count + 2).drop { $0 == " " }.hasPrefix(":")
                    }) else { return nil }
                    i = hit
                }
                found = i
                if n < path.count - 1, !enter(i) { return nil }
            }
            return found
        }

        /// Where (a byte offset, when it says) and why JSONSerialization refuses `bytes`.
        static func syntaxProblem(_ bytes: [UInt8]) -> (offset: Int?, reason: String) {
            do {
                _ = try JSONSerialization.jsonObject(with: Data(bytes))
                return (nil, "a value JSON cannot hold")
            } catch {
                let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
                guard let r = text.range(of: " around character ") else { return (nil, text) }
                let offset = Int(text[r.upperBound...].prefix { $0.isNumber })
                return (offset.flatMap { $0 <= bytes.count ? $0 : nil }, String(text[..<r.lowerBound]).lowercased())
            }
        }

        /// The members outside the students array must make a JSON object whose `students` is the
        /// (empty) array that stood in for them.
        func checkOutside() throws(DiagnosticError) {
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(outside))
            } catch {
                let (offset, reason) = Self.syntaxProblem(outside)
                let at = offset.map { o in outsideLines[min(outside.prefix(o).count { $0 == UInt8(ascii: "\n") }, outsideLines.count - 1)] }
                throw problem(at, "the report's members outside the students are not valid JSON: \(reason)")
            }
            guard let top = object as? [String: Any], let students = top["students"] as? [Any], students.isEmpty else {
                throw problem(1, "this is not the output of 'socklab grade --format json': missing 'students' at the top level")
            }
        }

        func problem(_ line: Int?, _ message: String) -> DiagnosticError {
            DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: line), id: .compareNotAReport, message))
        }

        func layout(_ line: Int, _ message: String) -> DiagnosticError {
            DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: line), id: .compareLayout,
                                       "not laid out as 'socklab grade --format json' writes it: \(message)"))
        }

        static func field(_ path: [CodingKey]) -> String {
            path.enumerated().map { i, k in k.intValue.map { "[\($0)]" } ?? (i == 0 ? k.stringValue : "." + k.stringValue) }.joined()
        }

        static func kind(_ type: Any.Type) -> String {
            if type == Double.self { return "a number" }
            if type == String.self { return "a string" }
            return "a list or object of the expected shape"
        }
    }
}

extension GradeReport {
    /// This report compared with an earlier one read a piece at a time (`EarlierReportReader`).
    public func earlierReportReader(file: String) -> EarlierReportReader {
        EarlierReportReader(file: file, comparison: Comparison(rows: results.map(ScoreRow.init), columns: questionColumns))
    }
}

extension StreamedReport {
    /// This run compared with an earlier one read a piece at a time (`EarlierReportReader`).
    public func earlierReportReader(file: String) -> GradeReport.EarlierReportReader {
        GradeReport.EarlierReportReader(file: file, comparison: GradeReport.Comparison(rows: rows, columns: GradeReport.questionColumns(output.catalog)))
    }
}
