import SocketSim

/// Throughput against buffer size (section 6.3), from `ThroughputModel`: axes with units, a tick per
/// buffer size on a logarithmic x axis, and a table of the numbers under the plot.
enum ThroughputFigure {
    static let width = 880.0, height = 560.0
    static let plotL = 90.0, plotR = 850.0, plotT = 70.0, plotB = 380.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let sizes = try intList(request.options["sizes"], name: "sizes") ?? ThroughputModel.defaultSizes
        let bytes = try int(request.options["bytes"], name: "bytes") ?? ThroughputModel.defaultBytes
        let perByte = try number(request.options["perByteNs"], name: "perByteNs") ?? 1
        let perWait = try number(request.options["perWaitUs"], name: "perWaitUs") ?? 50
        var points: [(size: Int, waits: Int, mbps: Double)] = []
        for s in sizes {
            guard let w = ThroughputModel.waits(size: s, bytes: bytes) else { throw .simulationStuck(size: s) }
            points.append((s, w, ThroughputModel.throughput(bytes: bytes, waits: w, perByteNs: perByte, perWaitUs: perWait)))
        }
        let title = FrameSteps.title(request, fallback: "버퍼 크기와 처리량")
        var svg = SVG(prefix: FrameSteps.prefix(request, frame: 1), width: width, height: height, title: title, desc: "")
        svg.add(text(16, 24, "버퍼 크기(SQS = RQS)에 따른 처리량: \(grouped(bytes)) B를 send() 한 번으로 보낼 때", "sl-h"))
        svg.add(text(16, 44, "시간 = 바이트 수 × \(fmt(perByte)) ns + 대기 횟수 × \(fmt(perWait)) µs, 대기 횟수는 시뮬레이터가 센다 (수신자는 recv S를 반복)", "sl-s sl-dim"))

        // Axes.
        let lo = Double(sizes.min() ?? 1), hi = Double(sizes.max() ?? 1)
        let lmin = log2(lo) - 0.4, lmax = max(log2(hi) + 0.4, lmin + 1)
        func px(_ s: Int) -> Double { plotL + (log2(Double(s)) - lmin) / (lmax - lmin) * (plotR - plotL) }
        let want = max(points.map(\.mbps).max() ?? 1, 0.001) * 1.1
        let step = niceCeil(want / 5)
        let top = (want / step).rounded(.up) * step
        func py(_ v: Double) -> Double { plotB - v / top * (plotB - plotT) }
        svg.add(line(plotL, plotB, plotR, plotB, "sl-line"))
        svg.add(line(plotL, plotT, plotL, plotB, "sl-line"))
        var v = 0.0
        while v <= top + step / 1000 {
            let y = py(v)
            svg.add(line(plotL - 5, y, plotL, y, "sl-line"))
            if v > 0 { svg.add(line(plotL, y, plotR, y, "sl-thin")) }
            svg.add(text(plotL - 9, y + 4, fmt(v), "sl-s", anchor: .end))
            v += step
        }
        var lastLabel = -1_000.0
        for s in sizes.sorted() {
            let x = px(s)
            svg.add(line(x, plotB, x, plotB + 5, "sl-line"))
            if x - lastLabel >= 48 {
                svg.add(text(x, plotB + 19, grouped(s), "sl-s", anchor: .middle))
                lastLabel = x
            }
        }
        svg.add(text((plotL + plotR) / 2, plotB + 42, "버퍼 크기 S = SQS = RQS (바이트, 로그 눈금)", "sl-t", anchor: .middle))
        svg.add(text(24, (plotT + plotB) / 2, "처리량 (MB/s)", "sl-t", anchor: .middle,
                     extra: [("transform", "rotate(-90 24 \(fmt((plotT + plotB) / 2)))")]))

        // The curve and its points.
        let sorted = points.sorted { $0.size < $1.size }
        if sorted.count > 1 {
            let d = sorted.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(fmt(px($0.element.size))) \(fmt(py($0.element.mbps)))" }.joined(separator: " ")
            svg.add(path(d, "sl-hl"))
        }
        for p in sorted {
            let x = px(p.size), y = py(p.mbps)
            svg.add(circle(x, y, 5, "sl-hlfill"))
            svg.add(text(x, y - 11, fixed1(p.mbps), "sl-s sl-halo", anchor: .middle))
        }

        // The numbers, as a table.
        let rowY = plotB + 74
        let colW = min(90.0, (width - 150) / Double(max(1, sorted.count)))
        let heads = ["S (B)", "대기 횟수", "MB/s"]
        for (r, h) in heads.enumerated() { svg.add(text(16, rowY + Double(r) * 20, h, "sl-b")) }
        for (i, p) in sorted.enumerated() {
            let x = 130 + Double(i) * colW + colW - 10
            svg.add(text(x, rowY, grouped(p.size), "sl-s", anchor: .end))
            svg.add(text(x, rowY + 20, grouped(p.waits), "sl-s", anchor: .end))
            svg.add(text(x, rowY + 40, fixed1(p.mbps), "sl-s", anchor: .end))
        }
        svg.add(line(16, rowY + 6, width - 16, rowY + 6, "sl-thin"))
        let words = sorted.map { "버퍼 \($0.size)바이트: 대기 \($0.waits)회, 초당 \(fixed1($0.mbps))메가바이트" }.joined(separator: "; ")
        svg.desc = "버퍼 크기가 클수록 송신자가 SendQ의 빈 자리를 기다리는 횟수가 줄어 처리량이 오른다. " + words + "."
        return Figure(id: request.id, frames: [Frame(label: "", svg: svg.render())], description: svg.desc)
    }

    // MARK: - Options

    static func int(_ s: String?, name: String) throws(DiagramError) -> Int? {
        guard let s else { return nil }
        guard let v = Int(s.filter { $0 != "_" && $0 != "," && $0 != " " }), v > 0, v <= 1 << 32 else {
            throw .badOption(name: name, value: s, expected: "a whole number of bytes greater than 0")
        }
        return v
    }

    static func intList(_ s: String?, name: String) throws(DiagramError) -> [Int]? {
        guard let s else { return nil }
        var out: [Int] = []
        for part in s.split(separator: ",") {
            let t = part.filter { $0 != " " && $0 != "_" }
            guard let v = Int(t), v > 0, v <= 1 << 30 else {
                throw .badOption(name: name, value: s, expected: "buffer sizes separated by commas, e.g. 500,1000,2000")
            }
            out.append(v)
        }
        guard !out.isEmpty else { throw .badOption(name: name, value: s, expected: "at least one buffer size, e.g. 500,1000,2000") }
        return out
    }

    static func number(_ s: String?, name: String) throws(DiagramError) -> Double? {
        guard let s else { return nil }
        guard let v = Double(s.filter { $0 != " " }), v >= 0, v.isFinite else {
            throw .badOption(name: name, value: s, expected: "a number of 0 or more")
        }
        return v
    }

    // MARK: - Scales

    /// log2 by repeated halving plus a short series: the standard library has no logarithm.
    static func log2(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        var e = 0.0, m = x
        while m >= 2 { m /= 2; e += 1 }
        while m < 1 { m *= 2; e -= 1 }
        // ln(m) for m in [1, 2) via atanh series; log2 = ln / ln 2.
        let y = (m - 1) / (m + 1), y2 = y * y
        var term = y, sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= y2
            k += 2
        }
        return e + 2 * sum / 0.693_147_180_559_945_3
    }

    /// The smallest 1, 2 or 5 times a power of ten at or above `x`.
    static func niceCeil(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        var p = 1.0
        while p * 10 <= x { p *= 10 }
        while p > x { p /= 10 }
        for m in [1.0, 2, 5, 10] where m * p >= x { return m * p }
        return 10 * p
    }

    /// Always one decimal, as tables print: `400.0`.
    static func fixed1(_ x: Double) -> String {
        let s = fmt(x)
        return s.contains(".") ? s : s + ".0"
    }
}
