import Diagrams
import Foundation
import Testing

/// Writes every golden figure's frames as SVG files to `$SOCKLAB_PREVIEW_DIR`, to look at them in a
/// browser; does nothing without the variable.
@Test func writePreviews() throws {
    guard let dir = ProcessInfo.processInfo.environment["SOCKLAB_PREVIEW_DIR"] else { return }
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, request) in try FigureTests.requests() {
        let figure = try Diagrams.render(request)
        for (i, frame) in figure.frames.enumerated() {
            try frame.svg.write(toFile: "\(dir)/\(name)-\(i + 1).svg", atomically: true, encoding: .utf8)
        }
    }
}
