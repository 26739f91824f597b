import CourseModel
import Foundation
import SourceFiles
import Testing

/// One malformed input of a corpus folder `Malformed/KIND/` beside a test, with the diagnostics it must earn.
///
/// Each file says what it expects in a comment line `# expect: ID LOCATION` (several lines for
/// several diagnostics), LOCATION being `LINE:COLUMN`, `LINE`, `-` (no line: the whole file) or
/// `FILE:LINE[:COLUMN]` when the diagnostic names another file. Lines count from the file's first line.
/// A file that cannot hold a comment (JSON) has its expectations in `NAME.expect`.
///
/// Shared by the test targets of every loader (scenarios, exercises, answer files, sections, course files).
public struct MalformedCase: CustomTestStringConvertible, Sendable {
    public struct Expectation: Sendable, CustomStringConvertible {
        public var id: String
        public var location: SourceFiles.SourceLocation
        public var description: String { "\(id) at \(location)" }
    }

    public var name: String
    public var bytes: [UInt8]
    public var expectations: [Expectation]
    public var testDescription: String { name }

    /// Every input is small: the corpus checks refusals, so no case may need much memory to refuse.
    public static let maxBytes = 128 * 1024

    /// The cases of `Malformed/KIND/` in the folder of the calling test file.
    public static func load(kind: String, file: String = #filePath) -> [MalformedCase] {
        let dir = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Malformed").appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".expect") }.sorted().map { name in
            let bytes = (try? [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))) ?? []
            var header = String(decoding: bytes.prefix(4096), as: UTF8.self)
            if let side = try? String(contentsOf: dir.appendingPathComponent(name + ".expect"), encoding: .utf8) { header = side }
            return MalformedCase(name: name, bytes: bytes, expectations: expectations(in: header, file: name))
        }
    }

    static func expectations(in text: String, file: String) -> [Expectation] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap { line in
            guard let r = line.range(of: "expect:") else { return nil }
            let parts = line[r.upperBound...].split(separator: " ").map(String.init).filter { $0 != "-->" }
            guard parts.count == 2 else { return nil }
            return Expectation(id: parts[0], location: location(parts[1], file: file))
        }
    }

    static func location(_ text: String, file: String) -> SourceFiles.SourceLocation {
        if text == "-" { return SourceFiles.SourceLocation(file: file) }
        var fields = text.split(separator: ":").map(String.init)
        var path = file
        if let first = fields.first, Int(first) == nil { path = first; fields.removeFirst() }
        return SourceFiles.SourceLocation(file: path, line: fields.first.flatMap { Int($0) }, column: fields.count > 1 ? Int(fields[1]) : nil)
    }

    /// Checks `diagnostics` against the expectations: each expected one is there, exactly.
    public func verify(_ diagnostics: [Diagnostic], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(!expectations.isEmpty, "\(name) has no '# expect: ID LOCATION' line", sourceLocation: sourceLocation)
        #expect(bytes.count <= Self.maxBytes, "\(name) is \(bytes.count) bytes; corpus inputs stay under \(Self.maxBytes)", sourceLocation: sourceLocation)
        let got = diagnostics.map { "\($0.id) at \($0.location)" }.joined(separator: "; ")
        for e in expectations {
            #expect(diagnostics.contains { $0.id.rawValue == e.id && $0.location == e.location },
                    "\(name): expected \(e), got: \(got.isEmpty ? "no diagnostic" : got)", sourceLocation: sourceLocation)
        }
    }
}
