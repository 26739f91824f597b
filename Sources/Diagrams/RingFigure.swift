import SocketSim

/// One queue as the circular array a textbook implements it with: capacity slots, `head` at the oldest
/// byte, `tail` at the next free slot, the occupied arc shaded by the `send` call the bytes came from.
/// Below the ring the same array laid flat, where wrapping around is plain to see.
enum RingFigure {
    static let cx = 250.0, cy = 250.0, outerR = 140.0, innerR = 98.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps = try FrameSteps.steps(request, trace)
        let h = try FrameSteps.host(request.host, in: trace) ?? 0
        let queueName = (request.queue ?? "sendq").lowercased()
        guard queueName == "sendq" || queueName == "recvq" else { throw .unknownQueue(request.queue ?? "") }
        let hostName = trace.hostName(h)
        let shown = queueName == "sendq" ? "SendQ" : "RecvQ"
        guard trace.steps.contains(where: { $0.hosts[h].socket != nil }) else { throw .noSocket(host: hostName) }
        let shading = OriginShading(trace: trace)
        // The legend names the calls whose bytes ever sit in this queue.
        var inQueue = Set<Origin>()
        for step in trace.steps {
            guard let s = step.socket(step.hosts[h].socket) else { continue }
            for r in (queueName == "sendq" ? s.sendq : s.recvq).runs { inQueue.insert(r.origin) }
        }
        let legendList = shading.origins.filter { inQueue.contains($0) }
        let width = 860.0
        var probe = SVG(prefix: "", width: 0, height: 0, title: "", desc: "")
        let legendH = shading.legendRows(legendList, x: 0, y: 0, in: &probe)
        let height = max(600.0, 150 + 130 + 80 + legendH + 40)
        let title = FrameSteps.title(request, fallback: "순환 배열로 본 \(shown)")

        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            let step = trace.steps[k - 1]
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: width, height: height, title: title, desc: "")
            OriginShading.definePatterns(&svg)
            svg.add(text(16, 22, FrameSteps.label(trace, k), "sl-h"))
            svg.add(text(16, 40, CallSummary.result(step, shading: shading), "sl-s sl-dim"))
            let socket = step.socket(step.hosts[h].socket)
            guard let q = socket.map({ queueName == "sendq" ? $0.sendq : $0.recvq }) else {
                svg.add(text(cx, cy, "\(hostName)에 소켓이 아직 없음", "sl-t sl-dim", anchor: .middle))
                svg.desc = "\(Spoken.step(trace, k)). \(hostName)에 아직 소켓이 없다."
                frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
                continue
            }
            drawRing(q, shading: shading, svg: &svg)
            let px = 520.0
            svg.add(text(px, 90, "\(hostName)의 \(shown)", "sl-h"))
            let facts = [
                "용량 \(grouped(q.capacity)) B, 들어 있는 바이트 \(grouped(q.count)) B, 빈 자리 \(grouped(q.capacity - q.count)) B",
                "head = \(q.head): 가장 먼저 나갈 바이트의 자리",
                "tail = \(q.tail): 다음 바이트를 쓸 자리",
                "head부터 시계 방향으로 \(grouped(q.count)) B가 차 있다",
            ]
            for (i, f) in facts.enumerated() { svg.add(text(px, 116 + Double(i) * 20, f, "sl-s")) }
            shading.legendRows(legendList, x: px, y: 200, in: &svg)
            drawStrip(q, y: height - 84, width: width, shading: shading, svg: &svg)
            svg.desc = "\(Spoken.step(trace, k)). \(hostName)의 \(shown): 용량 \(q.capacity) 바이트의 순환 배열에 \(q.count) 바이트, "
                + "head \(q.head), tail \(q.tail)\(CallSummary.runs(q.runs, shading))."
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let description = "\(hostName)의 \(shown)를 순환 배열로 그린 그림. 원 둘레가 배열의 자리 전체(용량)이고, head에서 시계 방향으로 "
            + "tail까지가 바이트가 든 부분이다. 아래 띠는 같은 배열을 펴서 0번 자리부터 보여 준다. \(steps.count)개 단계."
        return Figure(id: request.id, frames: frames, description: description)
    }

    /// Runs of the queue as slot ranges, oldest first, starting at `head`, not yet wrapped.
    static func slots(_ q: QueueSnapshot) -> [(origin: Origin, from: Int, count: Int)] {
        var pos = q.head
        var out: [(origin: Origin, from: Int, count: Int)] = []
        for r in q.runs where r.count > 0 {
            out.append((r.origin, pos, r.count))
            pos += r.count
        }
        return out
    }

    static func sector(_ t0: Double, _ t1: Double) -> String {
        let span = t1 - t0
        if span >= 0.9999 {
            return sector(t0, t0 + 0.5) + " " + sector(t0 + 0.5, t0 + 0.99999)
        }
        let large = span > 0.5 ? 1 : 0
        let a = polar(cx, cy, outerR, turns: t0), b = polar(cx, cy, outerR, turns: t1)
        let c = polar(cx, cy, innerR, turns: t1), d = polar(cx, cy, innerR, turns: t0)
        return "M\(fmt(a.0)) \(fmt(a.1)) A\(fmt(outerR)) \(fmt(outerR)) 0 \(large) 1 \(fmt(b.0)) \(fmt(b.1)) "
            + "L\(fmt(c.0)) \(fmt(c.1)) A\(fmt(innerR)) \(fmt(innerR)) 0 \(large) 0 \(fmt(d.0)) \(fmt(d.1))Z"
    }

    static func drawRing(_ q: QueueSnapshot, shading: OriginShading, svg: inout SVG) {
        let cap = Double(q.capacity)
        // The whole array, empty.
        svg.add(circle(cx, cy, outerR, "sl-empty"))
        svg.add(circle(cx, cy, innerR, "sl-line"))
        for s in slots(q) {
            let t0 = Double(s.from) / cap, t1 = Double(s.from + s.count) / cap
            svg.add(path(sector(t0, t1), "sl-run", extra: [("fill", shading.fill(s.origin, in: svg))]))
            if (t1 - t0) * 2 * Double.pi * (outerR + innerR) / 2 > 30 {
                let mid = polar(cx, cy, (outerR + innerR) / 2, turns: (t0 + t1) / 2)
                svg.add(text(mid.0, mid.1 + 4, shading.tag(s.origin), "sl-onfill", anchor: .middle))
            }
        }
        // Slot numbers at the quarters.
        for i in 0..<4 {
            let t = Double(i) / 4
            let a = polar(cx, cy, innerR, turns: t), b = polar(cx, cy, innerR - 8, turns: t)
            svg.add(line(a.0, a.1, b.0, b.1, "sl-line"))
            let p = polar(cx, cy, innerR - 30, turns: t)
            svg.add(text(p.0, p.1 + 4, "\(q.capacity * i / 4)", "sl-s sl-dim", anchor: .middle))
        }
        svg.add(text(cx, cy - 4, "\(grouped(q.count)) / \(grouped(q.capacity)) B", "sl-b", anchor: .middle))
        svg.add(text(cx, cy + 14, "시계 방향", "sl-s sl-dim", anchor: .middle))
        // head and tail pointers, outside the ring; the labels step apart when the two are close.
        let th = Double(q.head) / cap, tt = Double(q.tail) / cap
        var d = abs(th - tt)
        d = min(d, 1 - d)
        pointer(th, "head \(q.head)", labelR: outerR + 46, cls: "sl-hl", textCls: "sl-b sl-hltext", svg: &svg)
        pointer(tt, "tail \(q.tail)", labelR: outerR + (d < 0.09 ? 78 : 46), cls: "sl-warn", textCls: "sl-b sl-warntext", svg: &svg)
    }

    static func pointer(_ t: Double, _ label: String, labelR: Double, cls: String, textCls: String, svg: inout SVG) {
        let a = polar(cx, cy, outerR + 32, turns: t), b = polar(cx, cy, outerR + 2, turns: t)
        svg.add(line(a.0, a.1, b.0, b.1, cls))
        svg.add(arrowHead(tip: b, from: a, size: 10, cls == "sl-hl" ? "sl-hlfill" : "sl-warnfill"))
        let p = polar(cx, cy, labelR, turns: t)
        let sc = sinCos(turns: t)
        let anchor: Anchor = sc.sin > 0.3 ? .start : sc.sin < -0.3 ? .end : .middle
        svg.add(text(p.0, p.1 + 5, label, textCls, anchor: anchor))
    }

    /// The array laid flat, slot 0 at the left: a queue that wraps shows as two pieces.
    static func drawStrip(_ q: QueueSnapshot, y: Double, width: Double, shading: OriginShading, svg: inout SVG) {
        let x0 = 40.0, w = width - 80, h = 26.0
        svg.add(text(x0, y - 26, "같은 배열을 펴서 본 모습 (0번 자리부터)", "sl-s"))
        svg.add(rect(x0, y, w, h, "sl-empty"))
        let cap = q.capacity
        func xAt(_ slot: Int) -> Double { x0 + w * Double(slot) / Double(cap) }
        for s in slots(q) {
            var from = s.from % cap, left = s.count
            while left > 0 {
                let piece = min(left, cap - from)
                let rx = xAt(from), rw = xAt(from + piece) - rx
                svg.add(rect(rx, y, rw, h, "sl-run", fill: shading.fill(s.origin, in: svg)))
                if rw > 26 { svg.add(text(rx + rw / 2, y + 17, shading.tag(s.origin), "sl-onfill", anchor: .middle)) }
                left -= piece
                from = 0
            }
        }
        // head above the strip (its label beside the arrow, turned inwards near the right end),
        // tail below it; the end marks 0 and the capacity give way to the tail's label.
        let head = "head \(q.head)", tail = "tail \(q.tail)"
        let hx = xAt(q.head)
        svg.add(arrowHead(tip: (hx, y - 1), from: (hx, y - 12), size: 8, "sl-hlfill"))
        if hx + 6 + textWidth(head, size: 11) > x0 + w + 30 {
            svg.add(text(hx - 6, y - 4, head, "sl-s sl-hltext", anchor: .end))
        } else {
            svg.add(text(hx + 6, y - 4, head, "sl-s sl-hltext"))
        }
        let tx = xAt(q.tail)
        svg.add(arrowHead(tip: (tx, y + h + 1), from: (tx, y + h + 12), size: 8, "sl-warnfill"))
        svg.add(text(tx, y + h + 24, tail, "sl-s sl-warntext", anchor: .middle))
        let tailHalf = textWidth(tail, size: 11) / 2
        for (x, mark) in [(x0, "0"), (x0 + w, "\(cap)")] where abs(x - tx) > tailHalf + textWidth(mark, size: 11) / 2 + 4 {
            svg.add(text(x, y + h + 24, mark, "sl-s sl-dim", anchor: .middle))
        }
    }
}
