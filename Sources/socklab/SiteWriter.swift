import Foundation
import SiteBuilder

/// Writes a built site into its folder as one transaction: afterwards the folder holds either the
/// previous build or the new one.
///
/// Only files whose bytes changed are written. The commit goes in phases:
/// 1. *check*: every output path is checked (relative, unique, not one of ours) before the disk is touched;
/// 2. *stage*: every changed file is written in full under `.socklab-staging/new/`;
/// 3. *journal*: the manifest is rewritten without an input key, listing the old and the new files,
///    so from here on no later build can take the folder for up to date, and it knows every file that
///    may be ours;
/// 4. *rename*: each staged file is renamed over its place (rename(2) replaces atomically); the file it
///    replaces is first hard-linked under `.socklab-staging/old/`, and a file this build no longer
///    produces is moved there instead of being deleted;
/// 5. *seal*: the manifest is written with the new input key, and the staging folder is removed.
///
/// A failure in phases 3-5 (a rename refused, say) puts every file back from `old/` and restores the
/// old manifest: the folder is the previous build again. A build killed in phases 3-5 leaves the
/// journal, so the next build rebuilds and, comparing every file with its bytes on disk, rewrites
/// whatever is mixed and removes what is not produced. Every build begins by removing a staging
/// folder left by a killed one (and `.NAME.socklab-tmp` files left by versions before this one).
struct SiteWriter {
    static let manifestName = ".socklab-build"
    static let stagingName = ".socklab-staging"
    /// Temporaries of the writer before the staging folder: removed when found.
    static let legacyTemporarySuffix = ".socklab-tmp"

    let root: URL
    /// A test seam: stop the commit after this many renames (see `Fault`).
    var fault: Fault?
    let fm = FileManager.default

    /// How a test makes a commit stop midway. Set from the environment by `Build` only.
    enum Fault {
        /// Throw after `n` renames, as a refused rename would: exercises the rollback.
        case failAfterRenames(Int)
        /// SIGKILL this process after `n` renames: exercises the journal and the next build's repair.
        case killAfterRenames(Int)
    }

    struct Summary {
        var written: [String] = []
        var unchanged = 0
        var removed: [String] = []
        /// Stale temporaries of a killed build, removed before this one.
        var cleaned: [String] = []
    }

    /// `.socklab-build`: what the last build left in the folder.
    struct Manifest: Codable, Equatable {
        /// The input key of the build that wrote `files`; nil while a build is committing (the
        /// journal), which a build killed midway leaves behind: the folder may then be a mix.
        var inputKey: String?
        var files: [String]
    }

    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    var staging: URL { root.appendingPathComponent(Self.stagingName) }
    var manifestURL: URL { root.appendingPathComponent(Self.manifestName) }

    func readManifest() -> Manifest? {
        guard let data = try? Data(contentsOf: manifestURL) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }

    /// True when the last build had the same inputs, was committed in full, and all its files are there.
    func isUpToDate(inputKey: String) -> Bool {
        guard let m = readManifest(), let key = m.inputKey, key == inputKey else { return false }
        guard !fm.fileExists(atPath: staging.path) else { return false }
        return m.files.allSatisfy { fm.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    /// Removes what a killed build left: the staging folder and older versions' `.NAME.socklab-tmp`
    /// files beside the files the manifest lists. Returns the paths removed, relative to the root.
    func removeStaleTemporaries() -> [String] {
        var removed: [String] = []
        if fm.fileExists(atPath: staging.path), (try? fm.removeItem(at: staging)) != nil {
            removed.append(Self.stagingName + "/")
        }
        var folders: Set<String> = [""]
        for f in readManifest()?.files ?? [] {
            if let slash = f.lastIndex(of: "/") { folders.insert(String(f[..<slash])) }
        }
        for folder in folders.sorted() {
            let dir = folder.isEmpty ? root : root.appendingPathComponent(folder)
            for name in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            where name.hasPrefix(".") && name.hasSuffix(Self.legacyTemporarySuffix) {
                if (try? fm.removeItem(at: dir.appendingPathComponent(name))) != nil {
                    removed.append(folder.isEmpty ? name : folder + "/" + name)
                }
            }
        }
        return removed
    }

    /// Why `path` cannot be an output path, or nil when it can.
    static func problem(with path: String) -> String? {
        if path.isEmpty { return "an empty path" }
        if path.hasPrefix("/") { return "an absolute path" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { return "a path with an empty, '.' or '..' part" }
        if parts[0] == Substring(manifestName) || parts[0] == Substring(stagingName) { return "a name the writer keeps for itself" }
        if path.utf8.contains(0) { return "a NUL byte" }
        return nil
    }

    /// Checks every output path before anything is written: relative, inside the folder, unique,
    /// and no file where another needs a folder.
    static func check(_ files: [OutputFile]) throws(WriteError) {
        var seen = Set<String>()
        for f in files {
            if let p = problem(with: f.path) { throw WriteError(description: "cannot write '\(f.path)': \(p)") }
            guard seen.insert(f.path).inserted else { throw WriteError(description: "the build produced '\(f.path)' twice") }
        }
        for f in files {
            var prefix = Substring(f.path)
            while let slash = prefix.lastIndex(of: "/") {
                prefix = prefix[..<slash]
                if seen.contains(String(prefix)) {
                    throw WriteError(description: "the build produced both a file '\(prefix)' and '\(f.path)' inside it")
                }
            }
        }
    }

    func write(_ files: [OutputFile], inputKey: String) throws -> Summary {
        try Self.check(files)
        var summary = Summary()
        summary.cleaned = removeStaleTemporaries()
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let oldManifest = readManifest()

        // What changed: every file is compared with its bytes on disk, so a folder left mixed by a
        // killed build is repaired here.
        var changed: [(path: String, data: Data)] = []
        for file in files {
            let data = Data(file.contents.utf8)
            if let old = try? Data(contentsOf: root.appendingPathComponent(file.path)), old == data {
                summary.unchanged += 1
            } else {
                changed.append((file.path, data))
            }
        }
        let produced = Set(files.map(\.path))
        let stale = (oldManifest?.files ?? []).filter {
            !produced.contains($0) && fm.fileExists(atPath: root.appendingPathComponent($0).path)
        }
        let newManifest = Manifest(inputKey: inputKey, files: produced.sorted())
        if changed.isEmpty && stale.isEmpty {
            if oldManifest != newManifest { try writeManifest(newManifest) }
            return summary
        }

        // Stage. Until the journal is written nothing in the folder has changed.
        let newDir = staging.appendingPathComponent("new"), oldDir = staging.appendingPathComponent("old")
        do {
            for c in changed {
                let tmp = newDir.appendingPathComponent(c.path)
                try fm.createDirectory(at: tmp.deletingLastPathComponent(), withIntermediateDirectories: true)
                try c.data.write(to: tmp)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw WriteError(description: "\(error.localizedDescription); nothing in the folder was changed")
        }

        var undo: [Undo] = []
        do {
            try writeManifest(Manifest(inputKey: nil, files: Set((oldManifest?.files ?? []) + produced).sorted()))
            var renames = 0
            for c in changed {
                let final = root.appendingPathComponent(c.path)
                try fm.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
                let existed = fm.fileExists(atPath: final.path)
                if existed { try keep(c.path, from: final, in: oldDir, link: true) }
                try rename(newDir.appendingPathComponent(c.path), final)
                undo.append(Undo(path: c.path, hadOld: existed))
                renames += 1
                try stopIfAsked(after: renames)
            }
            for path in stale {
                try keep(path, from: root.appendingPathComponent(path), in: oldDir, link: false)
                undo.append(Undo(path: path, hadOld: true))
            }
            try writeManifest(newManifest)
        } catch {
            let restored = rollBack(undo, from: oldDir, manifest: oldManifest)
            throw WriteError(description: "\(error); " + (restored
                ? "every file was put back: the folder holds the previous build"
                : "not every file could be put back: the next build repairs the folder"))
        }
        try? fm.removeItem(at: staging)
        summary.written = changed.map(\.path)
        summary.removed = stale
        return summary
    }

    /// One step of the rename phase, as it is undone: the old file (if any) is back from `old/`.
    private struct Undo {
        var path: String
        var hadOld: Bool
    }

    /// Puts the previous build back: every file from `old/`, new files removed, the old manifest.
    private func rollBack(_ undo: [Undo], from oldDir: URL, manifest: Manifest?) -> Bool {
        var complete = true
        for u in undo.reversed() {
            let final = root.appendingPathComponent(u.path)
            if u.hadOld {
                if (try? rename(oldDir.appendingPathComponent(u.path), final)) == nil { complete = false }
            } else if (try? fm.removeItem(at: final)) == nil {
                complete = false
            }
        }
        // Without a complete rollback the journal stays, and the next build repairs the folder.
        guard complete else { return false }
        do {
            if let manifest { try writeManifest(manifest) } else { try fm.removeItem(at: manifestURL) }
        } catch {
            return false
        }
        try? fm.removeItem(at: staging)
        return true
    }

    /// Keeps the file at `url` under `dir`: as a hard link when it is about to be replaced (so the
    /// path never disappears), moved when it is about to be removed.
    private func keep(_ path: String, from url: URL, in dir: URL, link: Bool) throws {
        let backup = dir.appendingPathComponent(path)
        try fm.createDirectory(at: backup.deletingLastPathComponent(), withIntermediateDirectories: true)
        if link {
            if Foundation.link(url.path, backup.path) != 0 {
                // A file system without hard links: a copy does as well.
                try fm.copyItem(at: url, to: backup)
            }
        } else {
            try rename(url, backup)
        }
    }

    private func rename(_ from: URL, _ to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw WriteError(description: "cannot replace \(to.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The manifest, written by `AtomicFile` with its temporary in the staging folder (which every
    /// build begins by removing, so a killed build's temporary never stays in the site).
    private func writeManifest(_ m: Manifest) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        try AtomicFile.write(try enc.encode(m), to: manifestURL.path, temporaryFolder: staging)
    }

    private func stopIfAsked(after renames: Int) throws {
        switch fault {
        case .failAfterRenames(let n) where n == renames:
            throw WriteError(description: "stopped after \(n) renames (SOCKLAB_BUILD_FAULT)")
        case .killAfterRenames(let n) where n == renames:
            kill(getpid(), SIGKILL)
        case .failAfterRenames, .killAfterRenames, nil:
            break
        }
    }
}

/// Reads every text file under `folders` into a source tree keyed by path relative to `base`.
///
/// Each file's size is checked on the opened file (after symlinks) before it is read: a link to a
/// huge file costs nothing.
func readTree(base: URL, folders: [String]) throws(DiagnosticList) -> SourceTree {
    var files: [String: String] = [:]
    var problems: [String] = []
    var total = 0
    let fm = FileManager.default
    for folder in folders {
        let dir = base.appendingPathComponent(folder)
        guard let walker = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else { continue }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let rel = folder + "/" + url.path.dropFirst(dir.path.count + 1)
            let data: Data
            switch readBounded(url, limit: SourceTree.maxFileBytes) {
            case .success(let d): data = d
            case .failure(let why): problems.append("\(rel): error: \(why.description)"); continue
            }
            guard let text = String(data: data, encoding: .utf8) else { problems.append("\(rel): error: the file is not UTF-8 text"); continue }
            total += data.count
            if total > SourceTree.maxTotalBytes {
                problems.append("\(rel): error: content/ and templates/ hold more than \(SourceTree.maxTotalBytes) bytes; the build reads at most that")
                throw DiagnosticList(lines: problems)
            }
            files[rel] = text
        }
    }
    if !problems.isEmpty { throw DiagnosticList(lines: problems) }
    return SourceTree(files: files)
}

struct ReadProblem: Error, CustomStringConvertible { var description: String }

/// The file's bytes, refused when the opened file is larger than `limit`.
func readBounded(_ url: URL, limit: Int) -> Result<Data, ReadProblem> {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return .failure(ReadProblem(description: "cannot read the file")) }
    defer { try? handle.close() }
    var st = stat()
    guard fstat(handle.fileDescriptor, &st) == 0 else { return .failure(ReadProblem(description: "cannot read the file")) }
    if Int(st.st_size) > limit {
        return .failure(ReadProblem(description: "the file is \(st.st_size) bytes; the build reads files of at most \(limit) bytes"))
    }
    // Read one byte past the limit in case the file grew since fstat.
    guard let data = try? handle.read(upToCount: limit + 1) ?? Data() else { return .failure(ReadProblem(description: "cannot read the file")) }
    if data.count > limit {
        return .failure(ReadProblem(description: "the file is larger than \(limit) bytes; the build reads files of at most \(limit) bytes"))
    }
    return .success(data)
}

struct DiagnosticList: Error {
    var lines: [String]
}
