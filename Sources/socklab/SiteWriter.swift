import Foundation
import SiteBuilder

/// Writes a built site incrementally and atomically.
///
/// Only files whose bytes changed are written; every changed file is first written in full under a
/// temporary name and only then renamed into place, all renames after all writes, so an interrupted
/// build leaves either the old file or the new one, never half of one. Files an earlier build wrote
/// and this one no longer produces are removed; files it never wrote are left alone.
struct SiteWriter {
    static let manifestName = ".socklab-build"

    let root: URL
    let fm = FileManager.default

    struct Summary {
        var written: [String] = []
        var unchanged = 0
        var removed: [String] = []
    }

    struct Manifest: Codable {
        var inputKey: String
        var files: [String]
    }

    func readManifest() -> Manifest? {
        guard let data = try? Data(contentsOf: root.appendingPathComponent(Self.manifestName)) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }

    /// True when the last build had the same inputs and all its files are still there.
    func isUpToDate(inputKey: String) -> Bool {
        guard let m = readManifest(), m.inputKey == inputKey else { return false }
        return m.files.allSatisfy { fm.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    func write(_ files: [OutputFile], inputKey: String) throws -> Summary {
        var summary = Summary()
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        var staged: [(tmp: URL, final: URL, path: String)] = []
        do {
            for file in files {
                let url = root.appendingPathComponent(file.path)
                let data = Data(file.contents.utf8)
                if let old = try? Data(contentsOf: url), old == data {
                    summary.unchanged += 1
                    continue
                }
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).socklab-tmp")
                try data.write(to: tmp)
                staged.append((tmp, url, file.path))
            }
        } catch {
            for s in staged { try? fm.removeItem(at: s.tmp) }
            throw error
        }
        for s in staged {
            // rename(2) replaces the destination atomically.
            guard rename(s.tmp.path, s.final.path) == 0 else {
                let reason = String(cString: strerror(errno))
                for rest in staged { try? fm.removeItem(at: rest.tmp) }
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: s.final.path, NSLocalizedDescriptionKey: "cannot replace \(s.final.path): \(reason)"])
            }
            summary.written.append(s.path)
        }
        let produced = Set(files.map(\.path))
        for old in readManifest()?.files ?? [] where !produced.contains(old) {
            let url = root.appendingPathComponent(old)
            if fm.fileExists(atPath: url.path) {
                try fm.removeItem(at: url)
                summary.removed.append(old)
            }
        }
        let manifest = Manifest(inputKey: inputKey, files: files.map(\.path).sorted())
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(manifest).write(to: root.appendingPathComponent(Self.manifestName), options: .atomic)
        return summary
    }
}

/// Reads every text file under `folders` into a source tree keyed by path relative to `base`.
func readTree(base: URL, folders: [String]) throws(DiagnosticList) -> SourceTree {
    var files: [String: String] = [:]
    var problems: [String] = []
    let fm = FileManager.default
    for folder in folders {
        let dir = base.appendingPathComponent(folder)
        guard let walker = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else { continue }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let rel = folder + "/" + url.path.dropFirst(dir.path.count + 1)
            guard let data = try? Data(contentsOf: url) else { problems.append("\(rel): error: cannot read the file"); continue }
            guard let text = String(data: data, encoding: .utf8) else { problems.append("\(rel): error: the file is not UTF-8 text"); continue }
            files[rel] = text
        }
    }
    if !problems.isEmpty { throw DiagnosticList(lines: problems) }
    return SourceTree(files: files)
}

struct DiagnosticList: Error {
    var lines: [String]
}
