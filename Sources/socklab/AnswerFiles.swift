import ArgumentParser
import CourseModel
import Foundation
import Grader
import SourceFiles
import Synchronization

/// Finding and reading answer files for `grade` and `check`: the only code that touches them on
/// disk, so that every limit is applied once, on what is really there.
enum AnswerFiles {
    static let extensions = [".yaml", ".yml", ".json"]

    static func isAnswerName(_ name: String) -> Bool {
        !name.hasPrefix(".") && extensions.contains { name.lowercased().hasSuffix($0) }
    }

    /// The answer files under `paths`: a file as given, a folder searched (sorted, recursively)
    /// for *.yaml, *.yml and *.json that are not hidden. Folders reached through a symbolic link
    /// are followed once (a link loop is not followed again), at most 32 deep.
    static func find(_ paths: [String]) -> [String] {
        var files: [String] = []
        var visited: Set<[UInt64]> = []
        func walk(_ dir: String, depth: Int) {
            var st = stat()
            guard depth <= 32, stat(dir, &st) == 0, visited.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = (dir as NSString).appendingPathComponent(name)
                var s = stat()
                let isDir = stat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFDIR
                if isAnswerName(name) {
                    // A folder named like an answer file is listed too: its row says what it is.
                    files.append(path)
                } else if isDir {
                    walk(path, depth: depth + 1)
                }
            }
        }
        for p in paths {
            var st = stat()
            if stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { walk(p, depth: 0) } else { files.append(p) }
        }
        return files
    }

    /// An answer file's bytes, read by `BoundedFile.read` (no file can make the reading itself the
    /// problem), with the reasons in Korean for the student's row.
    static func readFile(_ path: String) -> Result<[UInt8], DiagnosticError> {
        let limit = AnswerSheet.maxBytes
        return BoundedFile.read(path, limit: limit).mapError { failure in
            let at = SourceLocation(file: path)
            switch failure {
            case .unreadable(let e): return DiagnosticError(Diagnostic(at: at, id: .answerUnreadable, "파일을 읽을 수 없습니다: \(readError(e))"))
            case .folder: return DiagnosticError(Diagnostic(at: at, id: .answerUnreadable, "답안 파일 이름을 가진 폴더입니다. 파일이 아닙니다"))
            case .notRegular: return DiagnosticError(Diagnostic(at: at, id: .answerUnreadable, "일반 파일이 아닙니다(장치, 파이프 또는 소켓)"))
            case .tooLarge(let size?):
                return DiagnosticError(Diagnostic(at: at, id: .answerTooLarge, "파일이 \(size)바이트입니다. 답안 파일은 \(limit)바이트까지만 받습니다"))
            case .tooLarge(nil):
                return DiagnosticError(Diagnostic(at: at, id: .answerTooLarge, "파일이 답안 파일의 최대 크기인 \(limit)바이트보다 큽니다"))
            }
        }
    }

    /// Why a file could not be read, in Korean, with the errno name as code (`strerror` is English).
    static func readError(_ e: Int32) -> String {
        switch e {
        case EACCES, EPERM: return "읽을 권한이 없습니다(`\(e == EACCES ? "EACCES" : "EPERM")`)"
        case ENOENT: return "파일이 없습니다(`ENOENT`)"
        case ELOOP: return "심볼릭 링크가 너무 여러 번 이어집니다(`ELOOP`)"
        case EIO: return "입출력 오류가 났습니다(`EIO`)"
        case EISDIR: return "폴더입니다(`EISDIR`)"
        case ENAMETOOLONG: return "경로가 너무 깁니다(`ENAMETOOLONG`)"
        case EMFILE, ENFILE: return "열린 파일이 너무 많습니다(`\(e == EMFILE ? "EMFILE" : "ENFILE")`)"
        default: return "오류 번호 \(e)"
        }
    }

    /// Inputs that read their file when the grader takes it up (so a run holds one file's bytes
    /// per core, not every file's).
    static func inputs(_ files: [String]) -> [AnswerInput] {
        files.map { path in AnswerInput(path: path, load: { readFile(path) }) }
    }
}

/// Text for a terminal: every control character (an escape sequence in a file name or in a
/// diagnostic) shown as `\u{1B}`, line breaks kept.
func terminalSafe(_ s: String) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { Text.visible(String($0)) }.joined(separator: "\n")
}

/// `printDiagnostics` for text that may come from students' files.
func printSafely(_ diagnostics: [Diagnostic]) {
    for d in diagnostics.sorted(by: { $0.location < $1.location }) {
        FileHandle.standardError.write(Data((terminalSafe(d.description) + "\n").utf8))
    }
}

/// A progress line on standard error, only when it is a terminal and the run has taken more
/// than a second (a script or a quick run sees nothing).
final class ProgressLine: Sendable {
    let total: Int
    let label: String
    let start = Date()
    let enabled = isatty(STDERR_FILENO) == 1
    /// When the line was last written, and whether it was ever (so `finish` clears it). Held
    /// while writing, so lines from two threads never interleave.
    private struct Shown: Sendable {
        var last = Date.distantPast
        var ever = false
    }
    private let shown = Mutex(Shown())

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        shown.withLock { shown in
            guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(shown.last) > 0.1 || done == total else { return }
            shown.last = now
            shown.ever = true
            FileHandle.standardError.write(Data("\r\(label): \(done)/\(total) files".utf8))
        }
    }

    /// Clears the line, so the summary starts at the left.
    func finish() {
        shown.withLock { shown in
            if shown.ever { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }
}

/// Reads a file so that no file can make the reading itself the problem: opened without blocking
/// (a named pipe), checked on the opened file (after symbolic links, so a link to a 2 GB file is
/// refused unread), and read at most one byte past the limit (a file that grows while it is read,
/// or a /proc file that says it is empty). Answer files and content files (`readText`) both read
/// through it; each says why in its own words.
enum BoundedFile {
    enum Failure: Error {
        case unreadable(errno: Int32)
        case folder
        case notRegular
        /// The size when the file said it up front; nil when it was found out by reading.
        case tooLarge(size: Int?)
    }

    static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.unreadable(errno: errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable(errno: errno)) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(.folder)
        default: return .failure(.notRegular)
        }
        if Int(st.st_size) > limit { return .failure(.tooLarge(size: Int(st.st_size))) }
        // Sized by what the file says (plus the byte that shows it grew), doubled while more
        // comes, never past one byte over the limit: zeroing a buffer of the limit for every file
        // was 4 % of grading 4,000 files (`perf record`, memset).
        let cap = limit + 1
        var bytes = [UInt8](repeating: 0, count: min(cap, max(Int(st.st_size) + 1, 4096)))
        var count = 0
        while count < cap {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, cap - bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(errno: errno))
            }
            if n == 0 { break }
            count += n
        }
        if count > limit { return .failure(.tooLarge(size: nil)) }
        bytes.removeSubrange(count...)
        return .success(bytes)
    }
}
