import SocketSim

/// The chapter's SendQ / RecvQ / Delivered picture (section 6.1), one frame per step.
///
/// Bytes flow left to right, so in every bar the oldest bytes sit at the right end, next to where
/// they leave. SendQ and RecvQ are drawn to their capacity, Delivered to all the bytes that ever
/// travel that way, so a bar's length means the same in every frame.
enum QueuesFigure {
    struct Direction {
        var from: Int
        var to: Int
        /// Bytes that ever travel this way: Delivered's scale.
        var total: Int
    }

    static let barWidth = 240.0, gap = 56.0, left = 24.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps = try FrameSteps.steps(request, trace)
        guard trace.hosts.count >= 2 else { throw .noSocket(host: trace.hosts.first?.name ?? "?") }
        let shading = OriginShading(trace: trace)
        let dirs = directions(trace)
        let width = left * 2 + barWidth * 3 + gap * 2
        let legendList = shading.origins.filter { o in dirs.contains { $0.from == o.host } }
        var probe = SVG(prefix: "", width: width, height: 0, title: "", desc: "")
        let legendHeight = shading.legendFlow(legendList, x: left, y: 0, maxWidth: width - 2 * left, in: &probe)
        let height = 64 + Double(dirs.count) * 124 + legendHeight + 16
        let title = FrameSteps.title(request, fallback: "SendQ, RecvQ, Delivered")

        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            let step = trace.steps[k - 1]
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: width, height: height,
                          title: title, desc: "")
            OriginShading.definePatterns(&svg)
            svg.add(text(left, 22, FrameSteps.label(trace, k), "sl-h"))
            svg.add(text(left, 42, CallSummary.result(step, shading: shading), "sl-s sl-dim"))
            var descParts: [String] = []
            var y = 64.0
            for d in dirs {
                descParts.append(drawDirection(d, step: step, trace: trace, y: y, shading: shading, svg: &svg))
                y += 124
            }
            shading.legendFlow(legendList, x: left, y: y, maxWidth: width - 2 * left, in: &svg)
            svg.add(text(width - left, y - 10, "바이트는 왼쪽에서 오른쪽으로 흐른다: 막대의 오른쪽 끝이 가장 먼저 보낸 바이트", "sl-s sl-dim", anchor: .end))
            svg.desc = "\(Spoken.step(trace, k)). " + descParts.joined(separator: " ")
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let names = dirs.map { "\(trace.hostName($0.from))에서 \(trace.hostName($0.to))로" }.joined(separator: ", ")
        let description = "\(names) 가는 바이트가 송신자의 SendQ, 수신자의 RecvQ, 수신 프로그램에 전달된 Delivered로 옮겨 가는 모습을 "
            + "\(steps.count)개 단계로 보여 준다. 막대의 무늬와 색은 바이트를 넣은 send() 호출을 나타낸다: "
            + legendList.map { shading.legend($0) }.joined(separator: ", ") + "."
        return Figure(id: request.id, frames: frames, description: description)
    }

    /// Both directions of the first two hosts' connection, keeping those that ever carry data.
    static func directions(_ trace: Trace) -> [Direction] {
        var out: [Direction] = []
        for (a, b) in [(0, 1), (1, 0)] {
            var total = 0
            for step in trace.steps {
                let s = step.socket(step.hosts[a].socket), r = step.socket(step.hosts[b].socket)
                let inFlight = (s?.sendq.count ?? 0) + (r?.recvq.count ?? 0) + (r?.delivered ?? 0)
                total = max(total, inFlight)
            }
            if total > 0 { out.append(Direction(from: a, to: b, total: total)) }
        }
        if out.isEmpty { out.append(Direction(from: 0, to: 1, total: 0)) }
        return out
    }

    /// One row: the sender's SendQ, the receiver's RecvQ and Delivered. Returns the row's description.
    static func drawDirection(_ d: Direction, step: StepRecord, trace: Trace, y: Double, shading: OriginShading,
                              svg: inout SVG) -> String {
        let from = trace.hostName(d.from), to = trace.hostName(d.to)
        let sender = step.socket(step.hosts[d.from].socket), receiver = step.socket(step.hosts[d.to].socket)
        svg.add(text(left, y + 4, "\(from) → \(to)", "sl-b"))
        let barY = y + 34, barH = 30.0
        let xs = [left, left + barWidth + gap, left + 2 * (barWidth + gap)]
        let heads = ["\(from)의 SendQ", "\(to)의 RecvQ", "\(to)의 Delivered (프로그램이 받음)"]
        for i in 0..<3 { svg.add(text(xs[i], barY - 8, heads[i], "sl-t")) }

        let sq = sender?.sendq, rq = receiver?.recvq
        shading.bar(sq?.runs ?? [], x: xs[0], y: barY, width: barWidth, height: barH, scale: sq?.capacity ?? 0,
                    oldestAtRight: true, in: &svg)
        shading.bar(rq?.runs ?? [], x: xs[1], y: barY, width: barWidth, height: barH, scale: rq?.capacity ?? 0,
                    oldestAtRight: true, in: &svg)
        shading.bar(receiver?.deliveredRuns ?? [], x: xs[2], y: barY, width: barWidth, height: barH, scale: d.total,
                    oldestAtRight: true, in: &svg)
        for i in 0..<2 {
            let ax = xs[i] + barWidth + 8
            svg.add(arrow((ax, barY + barH / 2), (ax + gap - 16, barY + barH / 2), line: "sl-line", head: "sl-ink"))
        }
        let sqText = sq.map { "\(grouped($0.count)) / \(grouped($0.capacity)) B" } ?? "소켓 없음"
        let rqText = rq.map { "\(grouped($0.count)) / \(grouped($0.capacity)) B" } ?? "소켓 없음"
        let dvText = "\(grouped(receiver?.delivered ?? 0)) B (전체 \(grouped(d.total)) B 중)"
        svg.add(text(xs[0], barY + barH + 17, sqText, "sl-t"))
        svg.add(text(xs[1], barY + barH + 17, rqText, "sl-t"))
        svg.add(text(xs[2], barY + barH + 17, dvText, "sl-t"))
        if let blocked = step.hosts[d.from].blockedIn {
            svg.add(text(xs[0] + barWidth, barY + barH + 17, "■ \(blocked.text)에서 대기 중", "sl-s sl-warntext", anchor: .end))
        }
        // The receiver's program under Delivered, when it waits for data.
        if let blocked = step.hosts[d.to].blockedIn, blocked.call.kind == .recv {
            svg.add(text(xs[2] + barWidth, barY + barH + 34, "■ \(blocked.text)에서 대기 중", "sl-s sl-warntext", anchor: .end))
        }
        return "\(from)→\(to): \(from)의 SendQ \(sqText)\(CallSummary.runs(sq?.runs ?? [], shading)), "
            + "\(to)의 RecvQ \(rqText)\(CallSummary.runs(rq?.runs ?? [], shading)), "
            + "Delivered \(grouped(receiver?.delivered ?? 0)) B\(CallSummary.runs(receiver?.deliveredRuns ?? [], shading))."
    }
}

/// Words for what a step's call did, shared by the figures that show one step at a time.
enum CallSummary {
    /// `client: send 5000 → 5000 반환`, `→ 블록됨`, `→ 오류 EPIPE`, plus calls that returned meanwhile.
    static func result(_ step: StepRecord, shading: OriginShading?) -> String {
        var s = "\(step.actor): \(step.shownCall)"
        switch step.action {
        case .network: s += " (네트워크)"
        case .advance: s += " (시간 경과)"
        case .call:
            switch step.status {
            case .returned:
                s += " → \(step.result.value.map(grouped) ?? "0") 반환"
                if let sh = shading, !step.result.runs.isEmpty { s += runs(step.result.runs, sh) }
            case .blocked: s += step.deferred ? " → 앞선 호출이 끝나기를 기다림" : " → 블록됨"
            case .error: s += " → 오류 \(step.result.error?.rawValue ?? "?")"
            }
        }
        for c in step.completed {
            s += "; \(c.index)단계의 \(c.actor): \(c.text) 반환"
            if let v = c.result.value { s += " (\(grouped(v)))" }
            if let e = c.result.error { s += " (오류 \(e.rawValue))" }
        }
        return s
    }

    /// ` (send #1 1000 B, send #2 500 B)`, or nothing for no runs.
    static func runs(_ runs: [ByteRun], _ shading: OriginShading) -> String {
        var merged: [(Origin, Int)] = []
        for r in runs where r.count > 0 {
            if let last = merged.last, last.0 == r.origin { merged[merged.count - 1].1 += r.count } else { merged.append((r.origin, r.count)) }
        }
        guard !merged.isEmpty else { return "" }
        return " (" + merged.map { "\(shading.name($0.0)) \(grouped($0.1)) B" }.joined(separator: ", ") + ")"
    }
}
