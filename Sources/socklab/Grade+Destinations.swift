import ArgumentParser
import CourseModel
import Foundation
import Grader
import SourceFiles

/// Reads a roster file (any of the forms `Roster.parse` knows); problems are printed and fail the command.
func loadRoster(_ path: String) throws -> Roster {
    try report { () throws(DiagnosticError) in try Roster.parse(try readText(path), file: path) }
}

extension Grade {
    /// The students whose scores moved since the earlier JSON report at `path`: read a megabyte
    /// at a time and compared a student at a time (`EarlierReportReader`), so the JSON of a whole
    /// class (half a gigabyte for 10,000 students) costs a few megabytes. A file in another
    /// layout than `--format json` writes (minified, re-indented) is read whole, up to `wholeLimit`.
    static func changes(in graded: StreamedReport, since path: String) throws -> [GradeReport.ScoreChange] {
        do {
            var reader = graded.earlierReportReader(file: path)
            return try readCompared(path) { chunk throws(DiagnosticError) in try reader.feed(chunk) } end: { () throws(DiagnosticError) in try reader.finish() }
        } catch {
            guard var first = error.diagnostics.first, first.id == .compareLayout else {
                printDiagnostics(error.diagnostics)
                throw ExitCode.failure
            }
            guard let size = fileSize(path), size <= wholeLimit else {
                first.notes.append("a file in another layout is read whole, up to \(wholeLimit >> 20) MB; compare with the file 'socklab grade --format json' wrote")
                printDiagnostics([first])
                throw ExitCode.failure
            }
            let old = try report { () throws(DiagnosticError) in try readText(path, limit: wholeLimit) }
            return try report { () throws(DiagnosticError) in try graded.changes(since: Array(old.utf8), file: path) }
        }
    }

    /// Writes one feedback file per student into `dir` (created if needed), each atomically.
    func writeFeedback(_ report: StreamedReport, to dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create the folder \(dir): \((error as NSError).localizedDescription)")
        }
        try report.writeFeedback { name, text in
            try AtomicFile.write(text, to: URL(fileURLWithPath: dir).appendingPathComponent(name).path)
        }
    }

    /// Up to this size, an earlier report in another layout is decoded whole (a class of about
    /// 600 students; decoding takes a few times the file's size).
    static let wholeLimit = 32 << 20
    /// The largest earlier report read (about 300,000 students): reading is linear, but a file
    /// this size is no report of a class.
    static let compareLimit = 16 << 30

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Reads the file at `path` a megabyte at a time into `chunk`, checked as `BoundedFile` checks
    /// (opened without blocking, a regular file after links, at most `compareLimit` bytes and no
    /// more than it said it had), then calls `end`.
    static func readCompared<T>(_ path: String, chunk: (ArraySlice<UInt8>) throws(DiagnosticError) -> Void,
                                end: () throws(DiagnosticError) -> T) throws(DiagnosticError) -> T {
        func failure(_ id: DiagnosticID, _ message: String) -> DiagnosticError {
            DiagnosticError(Diagnostic(at: SourceLocation(file: path), id: id, message))
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw failure(.fileUnreadable, "cannot read the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(.fileUnreadable, "cannot read the file: \(String(cString: strerror(errno)))") }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw failure(.fileUnreadable, "cannot read the file: it is a folder")
        default: throw failure(.fileUnreadable, "cannot read the file: not a regular file (a device, pipe or socket)")
        }
        let size = Int(st.st_size)
        if size > compareLimit { throw failure(.fileTooLarge, "the file is \(size) bytes; --compare reads at most \(compareLimit) (16 GiB)") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(.fileUnreadable, "cannot read the file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            total += n
            // A file that grows while it is read (or a /proc file that said it was empty) is read no further than it said.
            if total > max(size, 1 << 20) { throw failure(.fileChanged, "the file grew while it was read (it was \(size) bytes)") }
            try chunk(buffer[0..<n])
        }
        return try end()
    }
}
