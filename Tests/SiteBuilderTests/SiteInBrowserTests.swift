import Foundation
import Testing
@testable import SiteBuilder

/// The built chapter opened in headless Chromium: pages load with no script error, the step-through
/// controls change the frame, and screenshots land in .build/screenshots for a person to look at
/// (build output, never in the source tree).
@Suite("The site in a real browser", .serialized)
struct SiteInBrowserTests {
    static func buildRealSite() throws -> URL {
        let result = SiteBuilder.build(try realTree(), caches: sharedCaches)
        #expect(result.errors == [])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-site-\(UUID().uuidString)")
        for file in result.files {
            let url = dir.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.contents.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test("every page loads with no script error and its stepper is ready")
    func pagesLoad() throws {
        let site = try Self.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let pages = try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count >= 9)
        #expect(pages.contains("print.html"))
        for page in pages {
            let dom = try Chromium.dumpDOM(url: site.appendingPathComponent(page))
            #expect(!dom.contains("data-errors"), "\(page) reported script errors")
            if page == "print.html" {
                // The printed book shows its chosen frames as they are: no stepper runs there.
                #expect(!dom.contains("data-stepper"), "print.html: a stepper ran in the printed book")
            } else {
                #expect(dom.contains("data-stepper=\"ready\""), "\(page): the stepper script did not run")
            }
        }
    }

    @Test("the step-through controls change the frame")
    func stepping() throws {
        let site = try Self.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let page = site.appendingPathComponent("buffering.html")
        let before = try Chromium.dumpDOM(url: page)
        #expect(before.contains("data-current=\"1\""))
        var components = URLComponents(url: page, resolvingAgainstBaseURL: false)!
        components.query = "step=2"
        let after = try Chromium.dumpDOM(url: components.url!)
        #expect(after.contains("data-current=\"3\""), "two clicks on 'next' show the third frame")
        // Only the current frame is visible once the script runs.
        let figure = try #require(after.range(of: "data-current=\"3\"").map { String(after[$0.lowerBound...].prefix(200_000)) })
        #expect(figure.contains("data-frame=\"1\" hidden=\"hidden\"") || figure.contains("hidden=\"hidden\" data-frame=\"1\"") || figure.contains("hidden=\"\""))
    }

    @Test("screenshots of the index and every section are saved for people to look at")
    func screenshots() throws {
        let site = try Self.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let out = repositoryRoot.appendingPathComponent(".build/screenshots")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for page in ["index", "buffering", "deadlock", "lifecycle", "closing"] {
            let png = out.appendingPathComponent("\(page).png")
            try Chromium.screenshot(url: site.appendingPathComponent("\(page).html"), to: png, width: 1200, height: 1600)
            let data = try Data(contentsOf: png)
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(page).png is not a PNG")
            #expect(data.count > 20_000, "\(page).png is suspiciously small")
        }
    }
}
