import ArgumentParser
import CourseModel
import Foundation
import Grader

/// Reads a roster file (any of the forms `Roster.parse` knows); problems are printed and fail the command.
func loadRoster(_ path: String) throws -> Roster {
    try report { () throws(DiagnosticError) in try Roster.parse(try readText(path), file: path) }
}

extension Grade {
    /// The students whose scores moved since the earlier JSON report at `path`.
    static func changes(in graded: StreamedReport, since path: String) throws -> [GradeReport.ScoreChange] {
        let old = try readCompared(path)
        return try report { () throws(DiagnosticError) in try graded.changes(since: old, file: path) }
    }

    /// Writes one feedback file per student into `dir` (created if needed), each atomically.
    func writeFeedback(_ report: StreamedReport, to dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create the folder \(dir): \((error as NSError).localizedDescription)")
        }
        try report.writeFeedback { name, text in
            try writeAtomically(text, to: URL(fileURLWithPath: dir).appendingPathComponent(name).path)
        }
    }

    /// The bytes of an earlier JSON report (at most 256 MB: 10,000 students with all feedback is about 60 MB).
    static func readCompared(_ path: String) throws -> [UInt8] {
        let limit = 256 << 20
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            throw ValidationError("--compare \(path): the file is \(size) bytes; at most \(limit) are read")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--compare \(path): cannot read the file")
        }
        return [UInt8](data)
    }
}
