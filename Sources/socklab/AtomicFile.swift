import ArgumentParser
import Foundation

/// The one way a command writes an output file: a reader sees the old file or the new one, never
/// half of one, and a failed write loses nothing.
///
/// The bytes go to a temporary, `.NAME.tmp-PID`, in the destination's folder (the same file
/// system, so rename(2) replaces the file in one step) or in a folder the caller names (the site
/// writer's staging folder); the temporary is then renamed over the destination. A write that
/// fails removes its temporary and leaves the old file as it was. A run killed midway leaves its
/// temporary, which the next write of the same file removes once that process is gone.
enum AtomicFile {
    /// Writes `text` to `path`.
    static func write(_ text: String, to path: String, temporaryFolder: URL? = nil) throws {
        try write(to: path, temporaryFolder: temporaryFolder) { write in try write(text) }
    }

    /// Writes `data` to `path`.
    static func write(_ data: Data, to path: String, temporaryFolder: URL? = nil) throws {
        try write(to: path, temporaryFolder: temporaryFolder) { (temporary: URL) in try data.write(to: temporary) }
    }

    /// Writes what `body` hands its writer to `path`, as it comes (a large report is never whole
    /// in memory).
    static func write(to path: String, temporaryFolder: URL? = nil, _ body: ((String) throws -> Void) throws -> Void) throws {
        try write(to: path, temporaryFolder: temporaryFolder) { (temporary: URL) in
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: temporary.path) else {
                throw ValidationError("cannot write \(path): cannot create a file in \(temporary.deletingLastPathComponent().path)")
            }
            do {
                try body { chunk in try handle.write(contentsOf: Data(chunk.utf8)) }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
        }
    }

    /// Has `make` write the whole file at the temporary path it is given (a program such as zip
    /// writing its archive there), then puts it in place. Every other `write` comes here.
    static func write(to path: String, temporaryFolder: URL? = nil, producedBy make: (URL) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = temporaryFolder ?? url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(temporaryPrefix(of: url) + "\(getpid())")
        removeStaleTemporaries(of: url, in: folder)
        // A temporary of an earlier process with this id: ours to replace, never to append to.
        try? FileManager.default.removeItem(at: temporary)
        do {
            try make(temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let e = error as? ValidationError { throw e }
            throw ValidationError("cannot write \(path): \((error as NSError).localizedDescription)")
        }
    }

    /// `.NAME.tmp-`: hidden, named after the file it will become.
    static func temporaryPrefix(of url: URL) -> String { ".\(url.lastPathComponent).tmp-" }

    /// Removes the temporaries of `url` in `folder` whose process is gone (another run's temporary
    /// is left alone while that run may still rename it).
    static func removeStaleTemporaries(of url: URL, in folder: URL) {
        let prefix = temporaryPrefix(of: url)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(prefix) {
            if let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }
}
