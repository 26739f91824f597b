import SocketSim

/// The look every figure shares: fonts, the stylesheet, and the shading of byte origins.
///
/// Ink is `currentColor` so an inlined figure takes the page's text colour, and the dark-mode block
/// only has to change that colour and the few fills that are not ink. The stylesheet is the same
/// string in every SVG: inlined several times in one page, its rules agree with each other.
enum Style {
    /// System fonts with Hangul first; no web fonts.
    static let fontFamily = "'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"

    /// Okabe–Ito: orange, sky blue, bluish green, yellow, reddish purple, blue, vermillion, grey.
    static let originColors = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#0072B2", "#D55E00", "#999999"]

    static let css = """
    .sl .sl-bg{fill:var(--sl-bg,#fff);stroke:none}\
    .sl text{fill:currentColor;stroke:var(--sl-bg,#fff);stroke-width:3px;paint-order:stroke;stroke-linejoin:round}\
    .sl .sl-t{font-size:13px}\
    .sl .sl-s{font-size:11px}\
    .sl .sl-b{font-size:13px;font-weight:bold}\
    .sl .sl-h{font-size:15px;font-weight:bold}\
    .sl .sl-m{font-size:12px;font-family:'Noto Sans Mono CJK KR','DejaVu Sans Mono',Menlo,Consolas,monospace}\
    .sl .sl-dim{fill-opacity:.7}\
    .sl .sl-line{stroke:currentColor;stroke-width:1.2;fill:none}\
    .sl .sl-thin{stroke:currentColor;stroke-width:.6;stroke-opacity:.5;fill:none}\
    .sl .sl-dash{stroke:currentColor;stroke-width:1.2;stroke-dasharray:5 4;fill:none}\
    .sl .sl-box{stroke:currentColor;stroke-width:1.2;fill:currentColor;fill-opacity:.04}\
    .sl .sl-box2{stroke:currentColor;stroke-width:1.2;fill:currentColor;fill-opacity:.10}\
    .sl .sl-zone{stroke:currentColor;stroke-width:1;stroke-dasharray:6 4;stroke-opacity:.6;fill:none}\
    .sl .sl-empty{stroke:currentColor;stroke-width:1;fill:currentColor;fill-opacity:.03}\
    .sl .sl-ink{fill:currentColor;stroke:none}\
    .sl .sl-run{stroke:currentColor;stroke-width:.8}\
    .sl .sl-onfill{fill:#000;stroke:#fff;stroke-width:3px;paint-order:stroke;stroke-linejoin:round;font-size:11px;font-weight:bold}\
    .sl .sl-warn{stroke:#D55E00;stroke-width:2;fill:none}\
    .sl .sl-warnfill{fill:#D55E00;stroke:none}\
    .sl text.sl-warntext{fill:#D55E00;font-weight:bold}\
    .sl .sl-hl{stroke:#0072B2;stroke-width:3;fill:none}\
    .sl .sl-hlfill{fill:#0072B2;stroke:none}\
    .sl .sl-hlbox{stroke:#0072B2;stroke-width:3;fill:#0072B2;fill-opacity:.14}\
    .sl text.sl-hltext{fill:#0072B2;font-weight:bold}\
    .sl text.sl-badge{fill:#fff;stroke:#0072B2;font-size:11px;font-weight:bold}\
    .sl .sl-halo{stroke:var(--sl-bg,#fff);stroke-width:4px;paint-order:stroke;stroke-linejoin:round}\
    .sl .sl-hatch{stroke:#000;stroke-opacity:.55;stroke-width:1.3}\
    .sl .sl-hatchdot{fill:#000;fill-opacity:.55}\
    @media (prefers-color-scheme:dark){\
    .sl{color:#e8e8e8}\
    .sl .sl-bg{fill:var(--sl-bg,#1b1b1b)}\
    .sl text,.sl .sl-halo{stroke:var(--sl-bg,#1b1b1b)}\
    .sl .sl-hl{stroke:#56B4E9}\
    .sl .sl-hlfill{fill:#56B4E9}\
    .sl .sl-hlbox{stroke:#56B4E9;fill:#56B4E9;fill-opacity:.18}\
    .sl text.sl-hltext{fill:#56B4E9}\
    .sl text.sl-badge{fill:#000;stroke:#56B4E9}\
    .sl .sl-warn{stroke:#FF8C42}\
    .sl .sl-warnfill{fill:#FF8C42}\
    .sl text.sl-warntext{fill:#FF8C42}\
    }
    """
}

/// Which colour and pattern each `send` call's bytes get in one figure.
///
/// Colour alone would not survive greyscale print or colour-blind eyes, so every origin also has its
/// own pattern, and runs wide enough carry their number as text.
struct OriginShading {
    /// Origins in the order they are numbered, with the size of each call as far as the trace shows.
    private(set) var origins: [Origin] = []
    private var sizes: [Origin: Int] = [:]
    private let requested: [Origin: Int]
    let hostNames: [String]

    init(trace: Trace) {
        hostNames = trace.hosts.map(\.name)
        requested = trace.sendSizes
        var seen = Set<Origin>()
        func note(_ runs: [ByteRun]) {
            for r in runs {
                sizes[r.origin] = max(sizes[r.origin] ?? 0, r.end)
                if seen.insert(r.origin).inserted { origins.append(r.origin) }
            }
        }
        for step in trace.steps {
            for s in step.sockets {
                note(s.sendq.runs)
                note(s.recvq.runs)
                note(s.deliveredRuns)
            }
        }
        origins.sort()
    }

    func index(_ o: Origin) -> Int { origins.firstIndex(of: o) ?? 0 }

    /// The byte count the `send` call asked for (from the trace), else as many of its bytes as it shows.
    func size(_ o: Origin) -> Int { requested[o] ?? sizes[o] ?? 0 }

    func fill(_ o: Origin, in svg: SVG) -> String { "url(#\(svg.id("p\(index(o) % 8)")))" }

    /// `send #2`, or `server send #1` when more than one host sends.
    func name(_ o: Origin) -> String {
        let multi = Set(origins.map(\.host)).count > 1
        let host = o.host < hostNames.count ? hostNames[o.host] : "host \(o.host)"
        return multi ? "\(host) send #\(o.send)" : "send #\(o.send)"
    }

    /// `send #2 (2000 B)`: the legend's words.
    func legend(_ o: Origin) -> String { "\(name(o)) (\(grouped(size(o))) B)" }

    /// Short tag written inside a run: `#2`, or `s#1` for a second host's sends.
    func tag(_ o: Origin) -> String {
        let multi = Set(origins.map(\.host)).count > 1
        guard multi, o.host < hostNames.count, let initial = hostNames[o.host].first else { return "#\(o.send)" }
        return "\(initial)#\(o.send)"
    }

    /// The eight patterns, one per origin slot: colour underneath, black marks on top.
    static func definePatterns(_ svg: inout SVG) {
        for k in 0..<8 {
            let color = Style.originColors[k]
            var marks = ""
            switch k {
            case 0: marks = line(0, 8, 8, 0, "sl-hatch") + line(-2, 2, 2, -2, "sl-hatch") + line(6, 10, 10, 6, "sl-hatch")
            case 1: marks = circle(2, 2, 1.2, "sl-hatchdot") + circle(6, 6, 1.2, "sl-hatchdot")
            case 2: marks = line(0, 4, 8, 4, "sl-hatch")
            case 3: marks = line(0, 0, 8, 8, "sl-hatch") + line(-2, 6, 2, 10, "sl-hatch") + line(6, -2, 10, 2, "sl-hatch")
            case 4: marks = line(0, 0, 8, 8, "sl-hatch") + line(0, 8, 8, 0, "sl-hatch")
            case 5: marks = line(4, 0, 4, 8, "sl-hatch")
            case 6: marks = line(0, 4, 8, 4, "sl-hatch") + line(4, 0, 4, 8, "sl-hatch")
            default: marks = ""
            }
            svg.def("<pattern id=\"\(svg.id("p\(k)"))\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
                    + "<rect width=\"8\" height=\"8\" fill=\"\(color)\"/>" + marks + "</pattern>")
        }
    }
}

extension OriginShading {
    /// Draws `runs` as a bar of `width` for `scale` bytes, oldest run at the `oldestAt` end.
    func bar(_ runs: [ByteRun], x: Double, y: Double, width: Double, height: Double, scale: Int,
             oldestAtRight: Bool, in svg: inout SVG) {
        svg.add(rect(x, y, width, height, "sl-empty"))
        guard scale > 0 else { return }
        var offset = 0.0
        for r in runs where r.count > 0 {
            let w = width * Double(r.count) / Double(scale)
            let rx = oldestAtRight ? x + width - offset - w : x + offset
            svg.add(rect(rx, y, w, height, "sl-run", fill: fill(r.origin, in: svg)))
            let label = tag(r.origin)
            if w >= textWidth(label, size: 11) + 6 && height >= 14 {
                svg.add(text(rx + w / 2, y + height / 2 + 4, label, "sl-onfill", anchor: .middle))
            }
            offset += w
        }
    }

    /// A legend row per origin; returns the height used.
    @discardableResult
    func legendRows(_ list: [Origin], x: Double, y: Double, in svg: inout SVG) -> Double {
        var yy = y
        for o in list {
            svg.add(rect(x, yy, 22, 14, "sl-run", fill: fill(o, in: svg)))
            svg.add(text(x + 30, yy + 11.5, legend(o), "sl-s"))
            yy += 20
        }
        return yy - y
    }

    /// The legend laid out in a row, wrapping at `maxWidth`; returns the height used.
    @discardableResult
    func legendFlow(_ list: [Origin], x: Double, y: Double, maxWidth: Double, in svg: inout SVG) -> Double {
        var xx = x, yy = y
        for o in list {
            let w = 30 + textWidth(legend(o), size: 11) + 18
            if xx > x && xx + w > x + maxWidth {
                xx = x
                yy += 20
            }
            svg.add(rect(xx, yy, 22, 14, "sl-run", fill: fill(o, in: svg)))
            svg.add(text(xx + 30, yy + 11.5, legend(o), "sl-s"))
            xx += w
        }
        return list.isEmpty ? 0 : yy - y + 20
    }
}
