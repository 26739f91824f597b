import Foundation
import Testing

@Suite struct BrowserHarnessTests {
    /// A page that proves its script ran, with Hangul that must render (not as boxes).
    static let page = """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="ko">
        <head><meta charset="utf-8"/><title>하네스</title></head>
        <body>
        <h1>송신 버퍼 &amp; 수신 버퍼</h1>
        <script>setTimeout(function () { document.documentElement.dataset.state = 'ran'; }, 100);</script>
        </body>
        </html>
        """

    @Test func dumpsTheDOMAfterScriptsRanAndTakesAScreenshot() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("socklab-harness-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pageURL = folder.appendingPathComponent("page.html")
        try Data(Self.page.utf8).write(to: pageURL)

        let dom = try Chromium.dumpDOM(url: pageURL)
        #expect(dom.contains(#"data-state="ran""#), "\(dom)")
        #expect(dom.contains("송신 버퍼"))

        let pngURL = folder.appendingPathComponent("page.png")
        try Chromium.screenshot(url: pageURL, to: pngURL, width: 640, height: 480)
        let png = try Data(contentsOf: pngURL)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        try #require(png.count > 24)
        #expect(Array(png.prefix(8)) == signature)
        // IHDR holds the width and height, big-endian, at bytes 16..<24.
        let header = Array(png[16..<24])
        let width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        #expect((width, height) == (640, 480))
    }
}
