import Foundation
import Testing
@testable import SiteBuilder

/// Every frame of every figure of the real built site, measured in headless Chromium as placed in
/// the page, at a 1366 px desktop and a 390 px phone: label sizes in CSS px, each figure's scale
/// against its natural size, labels overlapping each other, labels crossing a stroke with no halo,
/// labels outside the drawing, and the page never scrolling sideways. The measurement runs over
/// whatever figures the chapter has, so a new figure kind is measured without a new test.
///
/// The screenshots it measured (whole pages, both widths) are written to a temporary folder whose
/// path the test prints, never into the repository.
@Suite("Figures are legible in the browser", .serialized)
struct FigureLegibilityTests {
    struct Measurement: Decodable {
        struct FigureEntry: Decodable { let id: String; let frames: [FrameEntry] }
        struct FrameEntry: Decodable {
            let frame: Int
            let scale: Double
            let minFont: Double?
            let texts: Int
            let overlaps: [[String]]
            let unhaloed: [String]
            let offscreen: [String]
        }
        let width: Int
        let page: String
        let height: Int
        let pageOverflow: Bool
        let figures: [FigureEntry]
    }

    struct Screen { let name: String; let width: Int; let height: Int; let minFont: Double; let scaleRange: ClosedRange<Double>? }
    static let screens = [
        Screen(name: "desktop", width: 1366, height: 900, minFont: 11, scaleRange: 0.8...1.4),
        Screen(name: "phone", width: 390, height: 844, minFont: 9, scaleRange: nil),
    ]

    /// Copies of every page with the measuring script added; returns the copies' names by page.
    static func instrument(_ site: URL) throws -> [(page: String, copy: String)] {
        try measureScript.write(to: site.appendingPathComponent("measure-figures.js"), atomically: true, encoding: .utf8)
        var out: [(String, String)] = []
        for page in try FileManager.default.contentsOfDirectory(atPath: site.path).sorted() where page.hasSuffix(".html") {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            // print.html shows only the frames chosen for print; it is measured as printed, by page count.
            guard html.contains("sim-figure"), page != "print.html" else { continue }
            let copy = "measure-" + page
            let instrumented = html.replacingOccurrences(of: "</body>", with: "<script src=\"measure-figures.js\"></script>\n</body>")
            try instrumented.write(to: site.appendingPathComponent(copy), atomically: true, encoding: .utf8)
            // Headless windows are never narrower than 500 px: a phone is a 390 x 844 frame.
            let phone = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head><body style=\"margin:0\">"
                + "<iframe src=\"\(copy)\" width=\"390\" height=\"844\" style=\"border:0;display:block\"></iframe></body></html>"
            try phone.write(to: site.appendingPathComponent("phone-" + page), atomically: true, encoding: .utf8)
            out.append((page, copy))
        }
        return out
    }

    static func measurement(in dom: String) throws -> Measurement {
        let open = "<script type=\"application/json\" id=\"socklab-measure\">"
        let start = try #require(dom.range(of: open), "the measuring script wrote no result")
        let end = try #require(dom.range(of: "</script>", range: start.upperBound..<dom.endIndex))
        return try JSONDecoder().decode(Measurement.self, from: Data(dom[start.upperBound..<end.lowerBound].utf8))
    }

    @Test("every label of every frame is legible, in scale, apart from other labels, and haloed on lines")
    func legible() throws {
        let site = try SiteInBrowserTests.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-figure-screenshots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        print("figure screenshots: \(shots.path)")
        let pages = try Self.instrument(site)
        #expect(pages.count >= 6, "the chapter's pages with figures")
        var frameCount = 0
        for screen in Self.screens {
            for (page, copy) in pages {
                let phone = screen.width < 500
                let url = site.appendingPathComponent(phone ? "phone-" + page : copy)
                let dom = try Chromium.dumpDOM(url: url, budgetMs: 4000, width: phone ? 1366 : screen.width, height: screen.height,
                                               extra: phone ? ["--allow-file-access-from-files"] : [])
                let m = try Self.measurement(in: dom)
                #expect(m.width == screen.width, "\(page): the window was \(m.width) px wide, not \(screen.width)")
                #expect(!m.pageOverflow, "\(page) at \(screen.name): the page scrolls sideways")
                #expect(!m.figures.isEmpty, "\(page): no figure measured")
                for figure in m.figures {
                    for f in figure.frames {
                        frameCount += 1
                        let at = "\(page) \(figure.id) frame \(f.frame) (\(screen.name))"
                        #expect(f.texts > 0, "\(at): no labels measured")
                        let minFont = try #require(f.minFont, "\(at): no font size")
                        #expect(minFont >= screen.minFont - 0.01,
                                "\(at): smallest label \(String(format: "%.2f", minFont)) px < \(screen.minFont) px")
                        if let range = screen.scaleRange {
                            #expect(range.contains(f.scale), "\(at): drawn at \(String(format: "%.2f", f.scale))x its natural size")
                        }
                        #expect(f.overlaps.isEmpty, "\(at): labels overlap: \(f.overlaps.prefix(5))")
                        #expect(f.unhaloed.isEmpty, "\(at): labels on a line without a halo: \(f.unhaloed.prefix(5))")
                        #expect(f.offscreen.isEmpty, "\(at): labels outside the drawing: \(f.offscreen.prefix(5))")
                    }
                }
                // The page as measured, whole, for a person to look at.
                let png = shots.appendingPathComponent("\(page.dropLast(5))-\(screen.name).png")
                let tall = min(max(m.height, screen.height), 16_000)
                if phone {
                    let frame = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head><body style=\"margin:0\">"
                        + "<iframe src=\"\(page)\" width=\"390\" height=\"\(tall)\" style=\"border:0;display:block\"></iframe></body></html>"
                    let shot = site.appendingPathComponent("shot-" + page)
                    try frame.write(to: shot, atomically: true, encoding: .utf8)
                    try Chromium.screenshot(url: shot, to: png, width: 500, height: tall)
                } else {
                    try Chromium.screenshot(url: site.appendingPathComponent(page), to: png, width: screen.width, height: tall)
                }
            }
        }
        #expect(frameCount > 100, "every frame of every figure, at both widths")
    }

    /// The standalone SVG files (a figure's own "SVG" link) paint their own background, light or
    /// dark, so their text never sits on a page colour it was not drawn for.
    @Test("standalone SVG files carry their own background in light and dark themes")
    func standaloneBackground() throws {
        let site = try SiteInBrowserTests.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let figures = site.appendingPathComponent("figures")
        let svgs = try FileManager.default.contentsOfDirectory(atPath: figures.path).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(svgs.count > 50)
        // Each standalone file, alone in a bare page (no site stylesheet), reports the colour of its
        // background and of its text, as the browser computes them.
        let probe = #"""
        <script>window.addEventListener('load', function () {
          var out = [];
          document.querySelectorAll('svg.sl').forEach(function (svg) {
            var bg = svg.querySelector('.sl-bg'), t = svg.querySelector('text:not([class*="hltext"]):not([class*="warntext"]):not(.sl-badge):not(.sl-onfill)');
            out.push({ bg: bg ? getComputedStyle(bg).fill : 'none', ink: getComputedStyle(t).fill,
                       covers: bg ? bg.getBBox().width >= svg.viewBox.baseVal.width && bg.getBBox().height >= svg.viewBox.baseVal.height : false });
          });
          var s = document.createElement('pre'); s.id = 'probe'; s.textContent = JSON.stringify(out); document.body.appendChild(s);
        });</script>
        """#
        var body = ""
        for name in svgs {
            body += try String(contentsOf: figures.appendingPathComponent(name), encoding: .utf8)
                .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
        }
        let bare = site.appendingPathComponent("bare-svgs.html")
        try "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head><body>\(body)\(probe)</body></html>".write(to: bare, atomically: true, encoding: .utf8)
        struct Probe: Decodable { let bg: String; let ink: String; let covers: Bool }
        for (theme, flags) in [("light", [String]()), ("dark", ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"])] {
            let dom = try Chromium.dumpDOM(url: bare, budgetMs: 3000, extra: flags)
            let start = try #require(dom.range(of: "<pre id=\"probe\">"))
            let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
            let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
            let probes = try JSONDecoder().decode([Probe].self, from: Data(json.utf8))
            #expect(probes.count == svgs.count)
            for (name, p) in zip(svgs, probes) {
                #expect(p.covers, "\(name): no background covering the drawing")
                let bg = try #require(Self.rgb(p.bg), "\(name) (\(theme)): background \(p.bg)")
                let ink = try #require(Self.rgb(p.ink), "\(name) (\(theme)): ink \(p.ink)")
                #expect(Self.contrast(bg, ink) >= 7, "\(name) (\(theme)): text \(p.ink) on \(p.bg)")
                let light = Self.luminance(bg) > 0.5
                #expect(light == (theme == "light"), "\(name): a \(light ? "light" : "dark") background in the \(theme) theme")
            }
        }
    }

    static func rgb(_ css: String) -> (Double, Double, Double)? {
        guard css.hasPrefix("rgb") else { return nil }
        let nums = css.split { !"0123456789.".contains($0) }.compactMap { Double($0) }
        guard nums.count >= 3 else { return nil }
        return (nums[0], nums[1], nums[2])
    }

    static func luminance(_ c: (Double, Double, Double)) -> Double {
        func lin(_ v: Double) -> Double { let s = v / 255; return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4) }
        return 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
    }

    static func contrast(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
        let la = luminance(a), lb = luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// Injected into a copy of each page: measures every frame (each shown in turn) and writes the
    /// result as JSON into a `<script type="application/json" id="socklab-measure">` element.
    static let measureScript = #"""
// Measures every frame of every figure as placed in the page: font sizes in CSS px, the figure's
// scale against its natural size, label overlaps, and labels crossing strokes without a halo.
(function () {
  'use strict';
  function box(t) {
    var fs = parseFloat(getComputedStyle(t).fontSize);
    var bb = t.getBBox();
    var n = t.getNumberOfChars();
    if (n === 0 || bb.width === 0) { return null; }
    var base = t.getStartPositionOfChar(0).y;
    // The ink of Hangul and Latin capitals: about 0.8 em above the baseline, 0.2 em below.
    return { x0: bb.x, x1: bb.x + bb.width, y0: base - 0.8 * fs, y1: base + 0.2 * fs, fs: fs };
  }
  // A box from an element's own user space into its svg's user space (corners, then bounds).
  function toRoot(b, m) {
    var xs = [], ys = [];
    [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]].forEach(function (p) {
      xs.push(m.a * p[0] + m.c * p[1] + m.e); ys.push(m.b * p[0] + m.d * p[1] + m.f);
    });
    return { x0: Math.min.apply(null, xs), x1: Math.max.apply(null, xs), y0: Math.min.apply(null, ys), y1: Math.max.apply(null, ys) };
  }
  function relative(el, svg) { return svg.getCTM().inverse().multiply(el.getCTM()); }
  function hasHalo(t) {
    var cs = getComputedStyle(t);
    return /^stroke/.test(cs.paintOrder) && cs.stroke !== 'none' && parseFloat(cs.strokeWidth) >= 2;
  }
  function strokeSamples(el, svg) {
    var cs = getComputedStyle(el);
    if (cs.stroke === 'none' || parseFloat(cs.strokeWidth) === 0 || parseFloat(cs.strokeOpacity) === 0) { return []; }
    var m = relative(el, svg), pts = [];
    var len = el.getTotalLength();
    var step = 1.5;
    for (var d = 0; d <= len; d += step) {
      var p = el.getPointAtLength(d);
      pts.push([m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]);
    }
    return pts;
  }
  function measureFrame(svg) {
    var natural = parseFloat(svg.getAttribute('width'));
    var rect = svg.getBoundingClientRect();
    var result = { scale: rect.width / natural, minFont: Infinity, texts: 0, overlaps: [], unhaloed: [], offscreen: [] };
    var texts = Array.prototype.slice.call(svg.querySelectorAll('text'));
    var boxes = [];
    texts.forEach(function (t) {
      var b = box(t);
      if (!b) { return; }
      var ctm = t.getScreenCTM();
      var px = b.fs * Math.sqrt(ctm.a * ctm.a + ctm.b * ctm.b);
      result.minFont = Math.min(result.minFont, px);
      result.texts += 1;
      boxes.push({ t: t, b: toRoot(b, relative(t, svg)), label: t.textContent });
    });
    var overlapTolerance = 0.5;
    for (var i = 0; i < boxes.length; i += 1) {
      for (var j = i + 1; j < boxes.length; j += 1) {
        var a = boxes[i].b, c = boxes[j].b;
        var w = Math.min(a.x1, c.x1) - Math.max(a.x0, c.x0), h = Math.min(a.y1, c.y1) - Math.max(a.y0, c.y0);
        if (w > overlapTolerance && h > overlapTolerance) { result.overlaps.push([boxes[i].label, boxes[j].label]); }
      }
    }
    var strokes = [];
    svg.querySelectorAll('line, path, polyline, polygon, rect, circle, ellipse').forEach(function (el) {
      if (el.closest('defs, pattern, marker, clipPath')) { return; }
      var s = strokeSamples(el, svg);
      if (s.length) { strokes.push(s); }
    });
    var vb = svg.viewBox.baseVal;
    boxes.forEach(function (e) {
      var b = e.b, inset = 1;
      if (b.x0 < vb.x - 0.5 || b.x1 > vb.x + vb.width + 0.5 || b.y0 < vb.y - 0.5 || b.y1 > vb.y + vb.height + 0.5) { result.offscreen.push(e.label); }
      if (hasHalo(e.t)) { return; }
      for (var k = 0; k < strokes.length; k += 1) {
        var hit = strokes[k].some(function (p) { return p[0] > b.x0 + inset && p[0] < b.x1 - inset && p[1] > b.y0 + inset && p[1] < b.y1 - inset; });
        if (hit) { result.unhaloed.push(e.label); return; }
      }
    });
    if (result.minFont === Infinity) { result.minFont = null; }
    return result;
  }
  function run() {
    var out = { width: window.innerWidth, height: document.documentElement.scrollHeight, page: location.pathname.split('/').pop(), figures: [], pageOverflow: document.documentElement.scrollWidth > window.innerWidth + 1 };
    document.querySelectorAll('figure.sim-figure').forEach(function (fig) {
      var frames = fig.querySelectorAll('.frame');
      var hidden = [];
      frames.forEach(function (f) { hidden.push(f.hasAttribute('hidden')); });
      var entry = { id: fig.id, frames: [] };
      frames.forEach(function (f, i) {
        frames.forEach(function (g, k) { if (k === i) { g.removeAttribute('hidden'); } else { g.setAttribute('hidden', 'hidden'); } });
        var svg = f.querySelector('svg');
        var m = measureFrame(svg);
        m.frame = i + 1;
        entry.frames.push(m);
      });
      frames.forEach(function (g, k) { if (hidden[k]) { g.setAttribute('hidden', 'hidden'); } else { g.removeAttribute('hidden'); } });
      out.figures.push(entry);
    });
    // Measured inside a phone-sized frame (headless windows are never narrower than 500 px), the
    // result goes to the page that holds the frame.
    var doc = document;
    try { if (window.parent !== window && window.parent.document) { doc = window.parent.document; } } catch (e) { doc = document; }
    var pre = doc.createElement('script');
    pre.type = 'application/json';
    pre.id = 'socklab-measure';
    pre.textContent = JSON.stringify(out).replace(/</g, '\\u003c');
    doc.body.appendChild(pre);
  }
  if (document.readyState === 'complete') { run(); } else { window.addEventListener('load', run); }
}());
"""#
}
