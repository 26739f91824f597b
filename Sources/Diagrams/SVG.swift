/// A small SVG writer: elements as strings, numbers in one fixed format, all text escaped.
///
/// Written by hand rather than with an XML library so the output is exactly what we choose, byte for
/// byte, on every platform: the golden files compare whole documents.
struct SVG {
    /// The root element's id; every other id in the document starts with it.
    let prefix: String
    var width: Double
    var height: Double
    var title: String
    var desc: String
    private(set) var defs: [String] = []
    private(set) var body: [String] = []

    init(prefix: String, width: Double, height: Double, title: String, desc: String) {
        self.prefix = prefix
        self.width = width
        self.height = height
        self.title = title
        self.desc = desc
    }

    /// An id unique in the page: the figure id, the frame number, then `local`.
    func id(_ local: String) -> String { "\(prefix)-\(local)" }

    mutating func add(_ element: String) { body.append(element) }
    mutating func def(_ element: String) { defs.append(element) }

    /// The whole document.
    func render() -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(prefix)\" class=\"sl\""
        s += " viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"\(fmt(width))\" height=\"\(fmt(height))\""
        s += " role=\"img\" aria-labelledby=\"\(id("title")) \(id("desc"))\""
        s += " font-family=\"\(Style.fontFamily)\" font-size=\"13\">\n"
        s += "<title id=\"\(id("title"))\">\(esc(title))</title>\n"
        s += "<desc id=\"\(id("desc"))\">\(esc(desc))</desc>\n"
        s += "<style>\(Style.css)</style>\n"
        if !defs.isEmpty {
            s += "<defs>\n" + defs.joined(separator: "\n") + "\n</defs>\n"
        }
        // The figure's own background, light or dark with the theme: opened alone (its "SVG"
        // link), a file without one shows light text on a white viewer in dark mode. Inlined in a
        // page it takes the page's colour through --sl-bg.
        s += rect(0, 0, width, height, "sl-bg") + "\n"
        s += body.joined(separator: "\n")
        s += "\n</svg>\n"
        return s
    }
}

// MARK: - Elements

extension Diagrams {
    /// Escapes text for XML text and attribute values (the site's pages use it too).
    public static func escapeXML(_ text: String) -> String { esc(text) }
}

/// Escapes text and attribute values; drops characters XML 1.0 cannot carry at all.
func esc(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for u in text.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out.unicodeScalars.append(u)
        default:
            let v = u.value
            if v < 0x20 || v == 0xFFFE || v == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
        }
    }
    return out
}

/// A number with at most one decimal, no trailing `.0`, never `-0`: the only way numbers are written.
func fmt(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let tenths = Int((x * 10).rounded())
    if tenths == 0 { return "0" }
    let sign = tenths < 0 ? "-" : ""
    let a = abs(tenths)
    return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
}

func fmt(_ x: Int) -> String { fmt(Double(x)) }

/// Attributes as ` name="value"`, values escaped, in the order given.
func attrs(_ pairs: [(String, String?)]) -> String {
    var s = ""
    for (k, v) in pairs {
        if let v { s += " \(k)=\"\(esc(v))\"" }
    }
    return s
}

func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ cls: String, rx: Double? = nil,
          fill: String? = nil, extra: [(String, String?)] = []) -> String {
    "<rect" + attrs([("x", fmt(x)), ("y", fmt(y)), ("width", fmt(max(0, w))), ("height", fmt(max(0, h))),
                     ("rx", rx.map { fmt($0) }), ("class", cls), ("fill", fill)] + extra) + "/>"
}

func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ cls: String) -> String {
    "<line" + attrs([("x1", fmt(x1)), ("y1", fmt(y1)), ("x2", fmt(x2)), ("y2", fmt(y2)), ("class", cls)]) + "/>"
}

func path(_ d: String, _ cls: String, extra: [(String, String?)] = []) -> String {
    "<path" + attrs([("d", d), ("class", cls)] + extra) + "/>"
}

func circle(_ cx: Double, _ cy: Double, _ r: Double, _ cls: String) -> String {
    "<circle" + attrs([("cx", fmt(cx)), ("cy", fmt(cy)), ("r", fmt(r)), ("class", cls)]) + "/>"
}

enum Anchor: String {
    case start, middle, end
}

/// A line of text; `cls` picks size and weight from the stylesheet.
func text(_ x: Double, _ y: Double, _ s: String, _ cls: String = "sl-t", anchor: Anchor = .start,
          extra: [(String, String?)] = []) -> String {
    "<text" + attrs([("x", fmt(x)), ("y", fmt(y)), ("class", cls),
                     ("text-anchor", anchor == .start ? nil : anchor.rawValue)] + extra) + ">" + esc(s) + "</text>"
}

/// A filled triangle pointing at `tip`, coming from the direction of `from`.
func arrowHead(tip: (Double, Double), from: (Double, Double), size: Double = 8, _ cls: String) -> String {
    let dx = tip.0 - from.0, dy = tip.1 - from.1
    let len = (dx * dx + dy * dy).squareRoot()
    guard len > 0 else { return "" }
    let ux = dx / len, uy = dy / len
    let bx = tip.0 - ux * size, by = tip.1 - uy * size
    let half = size * 0.45
    let p1 = (bx - uy * half, by + ux * half), p2 = (bx + uy * half, by - ux * half)
    return "<polygon" + attrs([("points", "\(fmt(tip.0)),\(fmt(tip.1)) \(fmt(p1.0)),\(fmt(p1.1)) \(fmt(p2.0)),\(fmt(p2.1))"),
                               ("class", cls)]) + "/>"
}

/// A straight arrow from `a` to `b` with its head at `b`.
func arrow(_ a: (Double, Double), _ b: (Double, Double), line lineClass: String, head headClass: String, size: Double = 8) -> String {
    let dx = b.0 - a.0, dy = b.1 - a.1
    let len = (dx * dx + dy * dy).squareRoot()
    guard len > size else { return line(a.0, a.1, b.0, b.1, lineClass) }
    // Stop the shaft inside the head so its end does not poke out of the point.
    let end = (b.0 - dx / len * size * 0.7, b.1 - dy / len * size * 0.7)
    return line(a.0, a.1, end.0, end.1, lineClass) + arrowHead(tip: b, from: a, size: size, headClass)
}

// MARK: - Measuring and geometry

/// An estimate of a string's width in the chapter's fonts: Hangul and CJK are square, Latin narrower.
///
/// Layout only needs it to keep boxes wide enough; it errs on the wide side.
func textWidth(_ s: String, size: Double = 13) -> Double {
    var em = 0.0
    for u in s.unicodeScalars {
        let v = u.value
        if v >= 0x1100 { em += 1.0 }
        else if u == " " { em += 0.3 }
        else if "il.,:;'|!()[]".unicodeScalars.contains(u) { em += 0.32 }
        else if v >= 0x41 && v <= 0x5A { em += 0.68 }
        else if v >= 0x30 && v <= 0x39 { em += 0.58 }
        else if "mw".unicodeScalars.contains(u) { em += 0.85 }
        else { em += 0.56 }
    }
    return em * size
}

/// Sine and cosine of an angle in turns (1 = full circle), computed here so every platform writes the
/// same digits: the standard library has no trigonometry, and Foundation's may differ in the last bit.
func sinCos(turns: Double) -> (sin: Double, cos: Double) {
    var t = turns - (turns).rounded(.down)  // 0 ..< 1
    // Reduce to an octant-free series argument in [-1/8, 1/8] turn with quadrant bookkeeping.
    var quadrant = Int((t * 4).rounded())
    t -= Double(quadrant) / 4
    quadrant &= 3
    let x = t * 2 * Double.pi
    let x2 = x * x
    var s = x, c = 1.0
    var termS = x, termC = 1.0
    for n in 1...10 {
        termS *= -x2 / Double((2 * n) * (2 * n + 1))
        termC *= -x2 / Double((2 * n - 1) * (2 * n))
        s += termS
        c += termC
    }
    switch quadrant {
    case 0: return (s, c)
    case 1: return (c, -s)
    case 2: return (-s, -c)
    default: return (-c, s)
    }
}

/// A point on a circle, 0 turns at twelve o'clock, going clockwise (SVG's y points down).
func polar(_ cx: Double, _ cy: Double, _ r: Double, turns: Double) -> (Double, Double) {
    let sc = sinCos(turns: turns)
    return (cx + r * sc.sin, cy - r * sc.cos)
}

/// An id fragment made only of characters XML ids allow, starting with a letter.
func idSafe(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        let ok = (u.value >= 0x30 && u.value <= 0x39) || (u.value >= 0x41 && u.value <= 0x5A)
            || (u.value >= 0x61 && u.value <= 0x7A) || u == "-" || u == "_"
        out += ok ? String(u) : "_"
    }
    if let f = out.unicodeScalars.first, (f.value >= 0x41 && f.value <= 0x5A) || (f.value >= 0x61 && f.value <= 0x7A) {
        return out
    }
    return "fig-" + out
}

/// Bytes with a thousands separator, the way the chapter writes them: `1,000,000`.
func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}
