import Foundation
import Testing
@testable import socklab

/// `AtomicFile`, the one writer of every command's output: a write that fails midway, or cannot
/// put its file in place, leaves the old file as it was and no temporary beside it; a killed
/// run's temporary goes with the next write.
@Suite("Atomic file writes")
struct AtomicFileTests {
    struct Interrupted: Error {}

    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func names(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    @Test("a write replaces the file and leaves nothing else")
    func replaces() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("grades.csv").path
        try AtomicFile.write("old\n", to: path)
        try AtomicFile.write(to: path) { write in
            try write("new ")
            try write("report\n")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new report\n")
        #expect(try Self.names(dir) == ["grades.csv"])
    }

    @Test("a write interrupted midway leaves the old file and no temporary")
    func interrupted() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("grades.csv").path
        try AtomicFile.write("old\n", to: path)
        #expect(throws: (any Error).self) {
            try AtomicFile.write(to: path) { write in
                try write("half a rep")
                throw Interrupted()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try Self.names(dir) == ["grades.csv"])
    }

    @Test("a file that cannot be put in place (a folder there) is an error naming it, and leaves no temporary")
    func renameRefused() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("results.json")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: false)
        let error = #expect(throws: (any Error).self) { try AtomicFile.write("{}\n", to: target.path) }
        #expect(error.map { "\($0)" }?.contains("cannot write \(target.path)") == true, "\(String(describing: error))")
        #expect(try Self.names(dir) == ["results.json"])
        #expect(try Self.names(target) == ["inside"])
    }

    @Test("a program that fails to make the file (zip) leaves the old file and no temporary")
    func producerFails() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("autograder.zip").path
        try AtomicFile.write(Data([1, 2, 3]), to: path)
        #expect(throws: (any Error).self) {
            try AtomicFile.write(to: path) { (temporary: URL) in
                try Data([9]).write(to: temporary)
                throw Interrupted()
            }
        }
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
        #expect(try Self.names(dir) == ["autograder.zip"])
    }

    @Test("a killed run's temporary is removed by the next write; a live run's is left alone")
    func staleTemporaries() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A process that has exited: its id names no process any more.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = ".grades.csv.tmp-\(gone.processIdentifier)"
        let live = ".grades.csv.tmp-1"  // init never exits
        for name in [stale, live] { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data("half".utf8)) }
        try AtomicFile.write("whole\n", to: dir.appendingPathComponent("grades.csv").path)
        #expect(try Self.names(dir) == [live, "grades.csv"])
    }

    @Test("the temporary goes into the folder the caller names, and leaves it empty")
    func temporaryFolder() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let staging = dir.appendingPathComponent(".staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        var seen: URL?
        try AtomicFile.write(to: dir.appendingPathComponent("manifest").path, temporaryFolder: staging) { (temporary: URL) in
            seen = temporary
            try Data("{}".utf8).write(to: temporary)
        }
        #expect(seen?.deletingLastPathComponent().lastPathComponent == ".staging")
        #expect(try Self.names(staging) == [])
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("manifest").path) == Data("{}".utf8))
    }
}
