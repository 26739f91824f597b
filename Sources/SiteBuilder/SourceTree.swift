import CourseModel
import SourceFiles

/// The build's inputs as text, keyed by path relative to the project (`content/course.yaml`,
/// `templates/page.mustache`). The command reads the folders; the builder never touches the disk.
public struct SourceTree: Sendable, Hashable {
    public var files: [String: String]

    /// The largest file the command reads into a tree (the same bound as a YAML document's).
    public static let maxFileBytes = YAMLDocument.maxBytes
    /// The most the command reads in all: well above a real course, far below the machine's memory.
    public static let maxTotalBytes = 64_000_000

    public init(files: [String: String]) { self.files = files }

    public subscript(path: String) -> String? { files[path] }

    /// Paths under `folder/` ending in `suffix`, sorted.
    public func paths(under folder: String, suffix: String) -> [String] {
        files.keys.filter { $0.hasPrefix(folder + "/") && $0.hasSuffix(suffix) }.sorted()
    }
}

/// A Markdown file split into its YAML front matter and its body, keeping file line numbers.
struct FrontMatterFile {
    /// The front matter, preceded by blank lines so that YAML line numbers are the file's.
    var yaml: String
    var body: String
    /// File line number of the body's first line.
    var bodyLine: Int

    static func split(_ text: String, file: String) throws(DiagnosticError) -> FrontMatterFile {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard lines.first == "---" else {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: .contentFrontMatter,
                                             "a page must start with '---' and a YAML front matter (id, title, figures, values)"))
        }
        guard let end = lines.dropFirst().firstIndex(of: "---") else {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1), id: .contentFrontMatter,
                                             "the front matter that starts on line 1 has no closing '---'"))
        }
        let yaml = "\n" + lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return FrontMatterFile(yaml: yaml, body: body, bodyLine: end + 2)
    }
}

/// A small, stable 64-bit FNV-1a hash: the build's cache key for "nothing changed".
public struct StableHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ s: String) {
        for b in s.utf8 {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01b3
        }
        value ^= 0xff
        value = value &* 0x0000_0100_0000_01b3
    }

    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
