import Foundation
import Testing
@testable import SiteBuilder

/// The reading aids driven with real key presses in headless Chromium (chromedriver through
/// selenium, installed by scripts/install-deps): synthetic DOM events would skip a slider's own
/// handling of the arrow keys, which is exactly where one press once moved two frames.
@Suite("Stepper, search, permalinks and navigation in a real browser", .serialized)
struct ReaderInBrowserTests {
    struct Control: Decodable { let figure: String; let control: String; let w: Double; let h: Double; let lines: Int; let inside: Bool; let stepperFits: Bool }
    struct Outline: Decodable { let href: String; let found: Bool; let visible: Bool }
    struct Target: Decodable { let href: String; let found: Bool }
    struct Anchors: Decodable { let headings: Int; let bad: [String]; let glossaryRows: Int; let badRows: [String]; let duplicateIds: [String] }
    struct Report: Decodable {
        let frames: Int
        let afterOneRight, afterTwoRights, afterLeft, afterEnd, afterHome: Int
        let liveText: String, frame2Desc: String, liveAttr: String
        let nextAtEnd: Int, focusAtEnd: Bool, nextDisabled: String
        let prevAtStart: Int, focusAtStart: Bool
        let phoneWidth: Int
        let controls: [Control]
        let tocOpenPhone: Bool, tocHeightPhone: Double, tocOpenDesktop: Bool
        let outline: [Outline]
        let slashFocus: String?
        let searchResults: [String]
        let queries: [String: [String]]
        let targets: [Target]
        let anchors: [String: Anchors]
        let linuxLink: Bool
        let afterArrowRight: String, afterArrowLeft: String
        let errors: String?
    }

    static func driver() throws -> String {
        for candidate in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw ChromiumError(description: "chromedriver is not installed; run scripts/install-deps")
    }

    static func run() throws -> Report {
        let site = try SiteInBrowserTests.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let script = site.appendingPathComponent("reader_check.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, site.path, try Chromium.executable(), try driver()]
        let out = site.appendingPathComponent("out.json"), err = site.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + 300) == .timedOut {
            kill(-process.processIdentifier, SIGKILL)
            process.terminate()
            throw ChromiumError(description: "the browser script did not finish in 300 s")
        }
        try outHandle.close()
        try errHandle.close()
        let data = try Data(contentsOf: out)
        guard process.terminationStatus == 0 else {
            let log = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            throw ChromiumError(description: "the browser script failed (exit \(process.terminationStatus)): \(log.suffix(2000))")
        }
        return try JSONDecoder().decode(Report.self, from: data)
    }

    @Test("one key press is one frame, focus stays at the ends, the frame is announced; search, ids and page keys work")
    func reader() throws {
        let r = try Self.run()
        #expect(r.errors == nil, "script errors: \(r.errors ?? "")")
        // Stepper keys, on the focused slider.
        #expect(r.frames >= 3)
        #expect(r.afterOneRight == 2, "one ArrowRight on the slider moved to frame \(r.afterOneRight)")
        #expect(r.afterTwoRights == 3)
        #expect(r.afterLeft == 2)
        #expect(r.afterEnd == r.frames)
        #expect(r.afterHome == 1)
        // The live region says what the frame shows, not only its number.
        #expect(r.liveAttr == "polite")
        #expect(r.liveText.hasPrefix("2 / \(r.frames)단계."), "\(r.liveText)")
        #expect(!r.frame2Desc.isEmpty && r.liveText.contains(r.frame2Desc), "\(r.liveText)")
        // Focus is never lost at the ends.
        #expect(r.nextAtEnd == r.frames && r.focusAtEnd && r.nextDisabled == "true")
        #expect(r.prevAtStart == 1 && r.focusAtStart)
        // Phone: 44 px targets on one line, inside the figure.
        #expect(r.phoneWidth == 390)
        #expect(!r.controls.isEmpty)
        for c in r.controls {
            #expect(c.w >= 44 && c.h >= 44, "\(c.figure) \(c.control): \(c.w)x\(c.h)")
            #expect(c.lines == 1, "\(c.figure) \(c.control) wraps onto \(c.lines) lines")
            #expect(c.inside && c.stepperFits, "\(c.figure) \(c.control) does not fit the figure")
        }
        // The table of contents: folded on a phone, open with the page's outline on a desktop.
        #expect(!r.tocOpenPhone && r.tocHeightPhone < 250, "the phone's contents take \(r.tocHeightPhone) px")
        #expect(r.tocOpenDesktop)
        #expect(r.outline.count >= 3 && r.outline.allSatisfy { $0.found && $0.visible }, "\(r.outline)")
        // Search: "/" focuses it; Korean and identifier queries find the right pages' headings.
        #expect(r.slashFocus == "search")
        #expect(r.searchResults.contains { $0.hasPrefix("deadlock.html") }, "\(r.searchResults)")
        #expect(r.queries["TIME_WAIT"]?.contains { $0.hasPrefix("closing.html#") } == true, "\(r.queries["TIME_WAIT"] ?? [])")
        #expect(r.queries["송신 큐"]?.contains { $0.hasPrefix("glossary.html#") } == true, "\(r.queries["송신 큐"] ?? [])")
        #expect(r.queries["버퍼"]?.contains { $0.hasPrefix("buffering.html") } == true)
        #expect(r.queries["recv"]?.isEmpty == false)
        #expect(r.queries["재전송"]?.isEmpty == false)
        #expect(!r.targets.isEmpty && r.targets.allSatisfy(\.found), "\(r.targets)")
        // Every heading and glossary entry: an id and a visible permalink; ids unique.
        for (page, a) in r.anchors {
            #expect(a.headings > 0 || page == "linux.html", "\(page): no headings")
            #expect(a.bad.isEmpty, "\(page): headings without id or permalink: \(a.bad)")
            #expect(a.badRows.isEmpty, "\(page): glossary rows without id or permalink: \(a.badRows)")
            #expect(a.duplicateIds.isEmpty, "\(page): duplicate ids \(a.duplicateIds)")
        }
        #expect((r.anchors["glossary.html"]?.glossaryRows ?? 0) >= 30)
        #expect(r.linuxLink, "the appendix named in the deadlock section is a link")
        // Previous/next page from the keyboard.
        #expect(r.afterArrowRight == "deadlock.html")
        #expect(r.afterArrowLeft == "buffering.html")
    }

    /// Run by python3 with the site folder, Chromium and chromedriver; prints one JSON object.
    static let script = #"""
# Drives the built site in headless Chromium with real key presses (chromedriver), prints JSON.
import json, sys
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

site = sys.argv[1].rstrip('/')
chromium, driver = sys.argv[2], sys.argv[3]
o = webdriver.ChromeOptions()
o.binary_location = chromium
for a in ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--window-size=1366,900']:
    o.add_argument(a)
d = webdriver.Chrome(service=Service(driver), options=o)
d.set_page_load_timeout(30)
out = {}

def size(w, h):
    d.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {'width': w, 'height': h, 'deviceScaleFactor': 1, 'mobile': False})

def page(name, query=''):
    d.get('file://' + site + '/' + name + query)
    d.execute_script("return document.readyState")

def keys(*ks):
    ActionChains(d).send_keys(*ks).perform()

def current(fig):
    return int(d.execute_script("return arguments[0].getAttribute('data-current')", fig))

try:
    size(1366, 900)
    page('buffering.html')
    fig = d.find_element(By.CSS_SELECTOR, 'figure.stepping')
    frames = int(fig.get_attribute('data-frames'))
    out['frames'] = frames
    rng = fig.find_element(By.CSS_SELECTOR, '.step-range')
    d.execute_script("arguments[0].focus()", rng)
    keys(Keys.ARROW_RIGHT)
    out['afterOneRight'] = current(fig)
    keys(Keys.ARROW_RIGHT)
    out['afterTwoRights'] = current(fig)
    keys(Keys.ARROW_LEFT)
    out['afterLeft'] = current(fig)
    keys(Keys.END)
    out['afterEnd'] = current(fig)
    keys(Keys.HOME)
    out['afterHome'] = current(fig)
    live = fig.find_element(By.CSS_SELECTOR, '.step-live')
    keys(Keys.ARROW_RIGHT)
    out['liveText'] = live.get_attribute('textContent')
    out['frame2Desc'] = d.execute_script("return arguments[0].querySelectorAll('.frame')[1].querySelector('svg desc').textContent", fig)
    out['liveAttr'] = live.get_attribute('aria-live')
    # Next pressed with Enter up to the last frame: focus stays on the button.
    nxt = fig.find_element(By.CSS_SELECTOR, '.step-next')
    d.execute_script("arguments[0].focus()", nxt)
    for _ in range(frames + 2):
        keys(Keys.ENTER)
    out['nextAtEnd'] = current(fig)
    out['focusAtEnd'] = d.execute_script("return document.activeElement === arguments[0]", nxt)
    out['nextDisabled'] = nxt.get_attribute('aria-disabled')
    prv = fig.find_element(By.CSS_SELECTOR, '.step-prev')
    d.execute_script("arguments[0].focus()", prv)
    for _ in range(frames + 2):
        keys(Keys.SPACE)
    out['prevAtStart'] = current(fig)
    out['focusAtStart'] = d.execute_script("return document.activeElement === arguments[0]", prv)

    # Phone: controls 44 px, on one line, inside the figure.
    size(390, 844)
    page('buffering.html')
    out['phoneWidth'] = d.execute_script("return window.innerWidth")
    out['controls'] = d.execute_script("""
      var res = [];
      document.querySelectorAll('figure.stepping').forEach(function (f) {
        var st = f.querySelector('.stepper'), fr = f.getBoundingClientRect(), sr = st.getBoundingClientRect();
        st.querySelectorAll('button, input').forEach(function (c) {
          var r = c.getBoundingClientRect(), lines = 1;
          if (c.tagName === 'BUTTON') {
            var range = document.createRange(); range.selectNodeContents(c);
            var tops = {}; Array.prototype.forEach.call(range.getClientRects(), function (q) { if (q.width > 0) { tops[Math.round(q.top)] = 1; } });
            lines = Object.keys(tops).length;
          }
          res.push({ figure: f.id, control: c.className, w: r.width, h: r.height, lines: lines,
                     inside: r.left >= fr.left - 0.5 && r.right <= fr.right + 0.5, stepperFits: st.scrollWidth <= st.clientWidth + 1 });
        });
      });
      return res;""")
    out['tocOpenPhone'] = d.execute_script("return document.querySelector('details.toc-fold').open")
    out['tocHeightPhone'] = d.execute_script("return document.querySelector('nav.toc').getBoundingClientRect().height")
    size(1366, 900)
    page('buffering.html')
    out['tocOpenDesktop'] = d.execute_script("return document.querySelector('details.toc-fold').open")
    out['outline'] = d.execute_script("""return Array.prototype.map.call(document.querySelectorAll('nav.toc .outline a'), function (a) {
        var t = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))); return { href: a.getAttribute('href'), found: !!t, visible: a.getBoundingClientRect().height > 0 }; })""")

    # Search: "/" focuses the box; a Korean query finds headings of the right pages.
    page('structures.html')
    keys('/')
    out['slashFocus'] = d.execute_script("return document.activeElement && document.activeElement.type")
    keys('교착상태')
    out['searchResults'] = d.execute_script("return Array.prototype.map.call(document.querySelectorAll('.search-results a'), function (a) { return a.getAttribute('href'); })")
    queries = {}
    for q in ['TIME_WAIT', '송신 큐', '버퍼', 'recv', '재전송']:
        page('index.html', '?q=' + q)
        queries[q] = d.execute_script("return Array.prototype.map.call(document.querySelectorAll('.search-results a'), function (a) { return a.getAttribute('href'); })")
    out['queries'] = queries
    # Every result of one query leads to an element that exists.
    targets = []
    for href in queries.get('TIME_WAIT', [])[:8]:
        page(href.split('#')[0])
        frag = href.split('#')[1] if '#' in href else ''
        targets.append({ 'href': href, 'found': frag == '' or d.execute_script("return !!document.getElementById(arguments[0])", frag) })
    out['targets'] = targets

    # Headings and glossary entries: ids and visible permalinks, on every page.
    anchors = {}
    for name in ['structures.html', 'buffering.html', 'deadlock.html', 'performance.html', 'lifecycle.html', 'closing.html', 'glossary.html', 'linux.html', 'exercises.html']:
        page(name)
        anchors[name] = d.execute_script("""
          var hs = document.querySelectorAll('main h2, main h3'), rows = document.querySelectorAll('main tbody tr');
          var bad = [];
          hs.forEach(function (h) { var p = h.querySelector('a.permalink');
            if (!h.id || !p || p.getAttribute('href') !== '#' + h.id || p.getBoundingClientRect().width === 0) { bad.push(h.textContent); } });
          var glossaryRows = 0, badRows = [];
          if (document.body.classList.contains('page-glossary')) {
            rows.forEach(function (r) { glossaryRows += 1; var p = r.querySelector('a.permalink');
              if (!r.id || !p || p.getAttribute('href') !== '#' + r.id) { badRows.push(r.textContent.slice(0, 20)); } });
          }
          var ids = {}, dup = [];
          document.querySelectorAll('[id]').forEach(function (e) { if (ids[e.id]) { dup.push(e.id); } ids[e.id] = 1; });
          return { headings: hs.length, bad: bad, glossaryRows: glossaryRows, badRows: badRows, duplicateIds: dup };""")
    out['anchors'] = anchors
    page('deadlock.html')
    out['linuxLink'] = d.execute_script("return Array.prototype.some.call(document.querySelectorAll('main a[href=\"linux.html\"]'), function (a) { return a.textContent.indexOf('리눅스에서는') >= 0; })")

    # Previous/next page from the keyboard.
    page('buffering.html')
    keys(Keys.ARROW_RIGHT)
    out['afterArrowRight'] = d.current_url.split('/')[-1]
    keys(Keys.ARROW_LEFT)
    out['afterArrowLeft'] = d.current_url.split('/')[-1]
    out['errors'] = d.execute_script("return document.documentElement.getAttribute('data-errors')")
finally:
    d.quit()
print(json.dumps(out, ensure_ascii=False))
"""#
}

/// The printable book, printed by Chromium to A4 and its pages counted with pdfinfo (poppler-utils,
/// installed by scripts/install-deps).
@Suite("The printable book", .serialized)
struct PrintInBrowserTests {
    static func pdfPages(_ pdf: URL) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pdfinfo", pdf.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ChromiumError(description: "pdfinfo failed on \(pdf.path); run scripts/install-deps") }
        let text = String(decoding: data, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Pages:") })
        return try #require(Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)))
    }

    @Test("the whole chapter prints on at most 60 A4 pages")
    func pageCount() throws {
        let site = try SiteInBrowserTests.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let pdf = out.appendingPathComponent("print.pdf")
        try Chromium.printToPDF(url: site.appendingPathComponent("print.html"), to: pdf)
        let pages = try Self.pdfPages(pdf)
        print("print.html: \(pages) A4 pages (\(pdf.path))")
        #expect(pages >= 20, "the whole chapter is there: \(pages) pages")
        #expect(pages <= 60, "print.html prints on \(pages) pages (issue #12: at most 60; 88 before the print stylesheet)")
        // The mediabox is A4 (595 x 842 pt).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pdfinfo", pdf.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let info = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(info.contains("595.2") || info.contains("595.28") || info.contains("(A4)"), "\(info)")
    }
}
