import ArgumentParser
import Foundation
import Grader

/// Where `socklab grade` keeps each student's rendered part of the report until every file is
/// graded and the report's order (by student id) is known: a temporary file, removed from its
/// folder as soon as it is opened, so that nothing is left behind even by a killed run.
///
/// It sits beside `--out` when there is one (the report will need that much room there anyway),
/// otherwise in the temporary folder. Writes are gathered into 1 MB blocks; pieces are read back
/// with `pread`, in report order.
final class SpoolFile: PieceStore {
    private let fd: Int32
    private let shownPath: String
    private var buffer: [UInt8] = []
    /// Bytes already in the file (the buffer follows them).
    private var written = 0
    private static let block = 1 << 20

    init(near out: String?) throws {
        let folders = (out.map { [URL(fileURLWithPath: $0).deletingLastPathComponent().path] } ?? []) + [NSTemporaryDirectory()]
        for folder in folders {
            var template = Array((folder as NSString).appendingPathComponent(".socklab-grade-spool-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { continue }
            let path = String(cString: template)
            unlink(path)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            self.fd = fd
            shownPath = path
            buffer.reserveCapacity(Self.block)
            return
        }
        throw ValidationError("cannot create a temporary file in \(folders.joined(separator: " or ")): \(String(cString: strerror(errno)))")
    }

    deinit { close(fd) }

    func put(_ text: String) throws -> PieceSpan {
        let span = PieceSpan(offset: written + buffer.count, count: text.utf8.count)
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.block { try flush() }
        return span
    }

    func get(_ span: PieceSpan) throws -> String {
        if span.count == 0 { return "" }
        if span.offset + span.count > written { try flush() }
        var bytes = [UInt8](repeating: 0, count: span.count)
        var done = 0
        while done < span.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, span.count - done, off_t(span.offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("read") }
            done += n
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("write") }
            done += n
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func failure(_ what: String) -> ValidationError {
        ValidationError("cannot \(what) the temporary file \(shownPath) (removed): \(String(cString: strerror(errno)))")
    }
}
