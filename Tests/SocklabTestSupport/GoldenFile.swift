import Foundation
import Testing

/// Golden files: rendered output compared byte for byte with a file beside the test that renders it.
///
/// `SOCKLAB_RECORD=1` rewrites the file and records an issue, so a recording run never passes and a
/// recording is never mistaken for a comparison. A difference names the first line that differs.
public enum GoldenFile {
    /// Whether this run re-records golden files instead of comparing them.
    public static var recording: Bool { ProcessInfo.processInfo.environment["SOCKLAB_RECORD"] == "1" }

    public static func check(_ actual: String, file url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        if recording {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
                Issue.record("recorded \(url.path); unset SOCKLAB_RECORD and run the tests again", sourceLocation: sourceLocation)
            } catch {
                Issue.record("could not record \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(url.path); run with SOCKLAB_RECORD=1 to record it, then look at it",
                         sourceLocation: sourceLocation)
            return
        }
        if let difference = firstDifference(expected: expected, actual: actual) {
            Issue.record("""
                \(url.lastPathComponent) differs at line \(difference.line):
                  expected: \(difference.expected)
                  actual:   \(difference.actual)
                If the change is intended, re-record with SOCKLAB_RECORD=1 and look at the result.
                """, sourceLocation: sourceLocation)
        }
    }

    /// The first line (counted from 1) where two texts differ, with both sides; nil when they are equal.
    public static func firstDifference(expected: String, actual: String) -> (line: Int, expected: String, actual: String)? {
        guard expected != actual else { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let i = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
        return (i + 1, i < e.count ? String(e[i]) : "<end>", i < a.count ? String(a[i]) : "<end>")
    }
}
