import Diagrams
import Foundation
import SocklabTestSupport
import Testing

/// The textbook's figures, rendered from scenarios built in Scenarios.swift and compared byte for
/// byte with the files in Golden/. `SOCKLAB_RECORD=1` rewrites the files and fails the test, so a
/// recording is never mistaken for a pass.
@Suite struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static let names: [String] = (try? Scenarios.goldenRequests().map(\.name)) ?? []

    /// Every frame with its label, then the figure's description: one text file per figure.
    static func serialize(_ figure: Figure) -> String {
        var s = "figure \(figure.id): \(figure.frames.count) frame(s)\n"
        s += "description: \(figure.description)\n"
        for (i, frame) in figure.frames.enumerated() {
            s += "\n=== frame \(i + 1): \(frame.label)\n"
            s += frame.svg
        }
        return s
    }

    @Test(arguments: names)
    func matchesGolden(_ name: String) throws {
        let request = try #require(try Scenarios.goldenRequests().first { $0.name == name }?.request)
        let actual = Self.serialize(try Diagrams.render(request))
        GoldenFile.check(actual, file: Self.folder.appendingPathComponent("\(name).txt"))
    }

    @Test func everyGoldenFileHasAFigure() throws {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder.path)) ?? []
        let stale = files.filter { $0.hasSuffix(".txt") && !Self.names.contains(String($0.dropLast(4))) }
        #expect(stale.isEmpty, "golden files no test renders: \(stale)")
    }
}
