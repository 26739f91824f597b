import CourseModel
import SourceFiles

/// The course roster: who may hand in answers, and how each student is known to the LMS.
///
/// Three forms, told apart by the first line that is not blank or a `#` comment (so every roster
/// written before stays valid):
/// - one student id per line (the original form);
/// - a CSV file with a header naming a `student` column, and optionally `name`, `canvas_id`,
///   `sis_login_id`, `section` (any order, any letter case; other columns are ignored);
/// - Canvas's own gradebook export (header `Student, ID, SIS User ID, SIS Login ID, Section, ...`):
///   the SIS User ID is the id students write in `student:`. Its `Points Possible` row and rows
///   without an SIS User ID (Canvas's test student) are skipped.
public struct Roster: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// The id students write in their answer files.
        public var student: String
        public var name: String
        /// Canvas's numeric user id (the `ID` column), when known.
        public var canvasID: String
        public var sisLoginID: String
        public var section: String
        public init(student: String, name: String = "", canvasID: String = "", sisLoginID: String = "", section: String = "") {
            self.student = student
            self.name = name
            self.canvasID = canvasID
            self.sisLoginID = sisLoginID
            self.section = section
        }
    }

    /// In file order, each student once.
    public var entries: [Entry]
    public var ids: Set<String> { Set(entries.map(\.student)) }
    public func entry(_ student: String) -> Entry? { entries.first { $0.student == student } }

    public init(entries: [Entry]) { self.entries = entries }

    public static func parse(_ text: String, file: String) throws(DiagnosticError) -> Roster {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0).trimmingSuffix("\r") }
        var numbered: [(line: Int, text: String)] = []
        for (i, l) in lines.enumerated() {
            let t = l.trimmed()
            if t.isEmpty || t.hasPrefix("#") { continue }
            numbered.append((i + 1, i == 0 && t.hasPrefix("\u{FEFF}") ? String(t.dropFirst()) : t))
        }
        guard let first = numbered.first else { return Roster(entries: []) }
        let header = csvFields(first.text).map { $0.trimmed().lowercased() }
        let canvas = header.contains("sis user id")
        guard first.text.contains(","), canvas || header.contains("student") else {
            // One id per line.
            var seen = Set<String>()
            return Roster(entries: numbered.compactMap { seen.insert($0.text).inserted ? Entry(student: $0.text) : nil })
        }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        let studentColumn = canvas ? column("sis user id")! : column("student")!
        let nameColumn = canvas ? column("student") : column("name")
        let idColumn = canvas ? column("id") : column("canvas_id", "canvas id")
        let loginColumn = column("sis_login_id", "sis login id")
        let sectionColumn = column("section")
        var entries: [Entry] = []
        var seen = Set<String>()
        var problems: [Diagnostic] = []
        for row in numbered.dropFirst() {
            let cells = csvFields(row.text).map { $0.trimmed() }
            func cell(_ i: Int?) -> String { i.flatMap { $0 < cells.count ? cells[$0] : nil } ?? "" }
            if canvas && cells.first?.lowercased() == "points possible" { continue }
            let id = cell(studentColumn)
            if id.isEmpty {
                if canvas { continue }
                problems.append(Diagnostic(at: SourceLocation(file: file, line: row.line), id: .rosterNoStudent, "this row has no student id"))
                continue
            }
            guard seen.insert(id).inserted else {
                problems.append(Diagnostic(at: SourceLocation(file: file, line: row.line), id: .rosterDuplicate, "student '\(id)' is on the roster twice"))
                continue
            }
            entries.append(Entry(student: id, name: cell(nameColumn), canvasID: cell(idColumn), sisLoginID: cell(loginColumn), section: cell(sectionColumn)))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return Roster(entries: entries)
    }

    /// The fields of one CSV line (RFC 4180 quoting; a roster row never spans lines).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(line)
        var i = 0
        if chars.last == "\r" { chars.removeLast() }
        while i < chars.count {
            let ch = chars[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else {
                    current.append(ch)
                }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
            i += 1
        }
        fields.append(current)
        return fields
    }
}

extension String {
    fileprivate func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
