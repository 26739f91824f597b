import SocketSim

/// Section 6.2's deadlock: both programs blocked in `send`, both SendQs full, both RecvQs full, so
/// no byte can move and no `send` can return. Drawn from the trace's final step (or the steps in
/// `after`); the blocked calls come from the trace, not from a rule about SQS + RQS.
enum DeadlockFigure {
    static let width = 900.0, panelW = 300.0, left = 16.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps: [Int]
        if request.after.isEmpty { steps = [trace.steps.count] } else {
            try FrameSteps.check(request.after, trace)
            steps = request.after
        }
        guard trace.hosts.count >= 2 else { throw .noSocket(host: trace.hosts.first?.name ?? "?") }
        let shading = OriginShading(trace: trace)
        let title = FrameSteps.title(request, fallback: "교착상태")
        let height = 440.0
        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            let step = trace.steps[k - 1]
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: width, height: height, title: title, desc: "")
            OriginShading.definePatterns(&svg)
            svg.add(text(left, 22, FrameSteps.label(trace, k), "sl-h"))
            var desc: [String] = []
            let xs = [left, width - left - panelW]
            var queues: [(send: QueueSnapshot?, recv: QueueSnapshot?)] = []
            for (i, h) in [0, 1].enumerated() {
                queues.append(drawHost(h, panel: i, x: xs[i], step: step, trace, upTo: k, shading: shading, desc: &desc, into: &svg))
            }
            drawFlows(queues, into: &svg)
            let verdict = verdict(trace, upTo: k)
            svg.add(text(left, 372, verdict, "sl-b"))
            let waiting = trace.steps.filter { $0.deferred && $0.index <= k && ($0.returnedAtStep == nil || $0.returnedAtStep! > k) }
            if !waiting.isEmpty {
                svg.add(text(left, 394, "실행되지 못한 다음 호출: " + waiting.map { "\($0.index)단계 \($0.actor): \($0.text)" }.joined(separator: ", "), "sl-s"))
            }
            svg.add(text(left, 416, "SQS = \(trace.parameters.sqs), RQS = \(trace.parameters.rqs)", "sl-s sl-dim"))
            shading.legendFlow(shading.origins, x: width / 2 + 40, y: 404, maxWidth: width / 2 - 56, in: &svg)
            svg.desc = "\(Spoken.step(trace, k)). " + desc.joined(separator: " ") + " " + verdict
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let description = "두 호스트가 동시에 큰 send()를 호출해 양쪽 SendQ와 RecvQ가 모두 가득 차고, 두 프로그램이 모두 send()에서 "
            + "블록된 채 어느 쪽도 recv()에 이르지 못하는 교착상태 그림."
        return Figure(id: request.id, frames: frames, description: description)
    }

    /// Host `h`'s panel at `x` (panel 0 on the left): the program and the call it is stuck in,
    /// then the socket's queues. Returns the socket's queues; adds their spoken description to `desc`.
    static func drawHost(_ h: Int, panel i: Int, x: Double, step: StepRecord, _ trace: Trace, upTo k: Int, shading: OriginShading,
                         desc: inout [String], into svg: inout SVG) -> (send: QueueSnapshot?, recv: QueueSnapshot?) {
        let hs = step.hosts[h]
        let sock = step.socket(hs.socket)
        svg.add(text(x, 56, trace.hostName(h), "sl-h"))
        // The program and the call it is stuck in.
        let blocked = hs.blockedIn?.text
        svg.add(rect(x, 66, panelW, 64, blocked != nil ? "sl-warn" : "sl-box", rx: 6))
        svg.add(text(x + 10, 86, "응용 프로그램", "sl-s sl-dim"))
        if let blocked {
            let remaining = trace.deadlock?.blocked.first { $0.actor == hs.name }?.remaining
            svg.add(text(x + 10, 106, "\(blocked): 블록됨", "sl-b sl-warntext"))
            if let remaining, k == trace.steps.count {
                svg.add(text(x + 10, 123, "아직 SendQ에 넣지 못한 바이트 \(grouped(remaining)) B", "sl-s"))
            }
            desc.append("\(hs.name)의 프로그램은 \(blocked)에서 블록됨" + (remaining.map { " (남은 바이트 \($0))" } ?? "") + ".")
        } else {
            svg.add(text(x + 10, 106, "실행 중 (블록되지 않음)", "sl-t"))
            desc.append("\(hs.name)의 프로그램은 블록되지 않음.")
        }
        // The socket's queues: SendQ and RecvQ in the order that lines them up with the peer's.
        svg.add(rect(x, 150, panelW, 190, "sl-box", rx: 6))
        svg.add(text(x + 10, 170, "소켓 (\(sock?.state.rawValue ?? "없음"))", "sl-s sl-dim"))
        let rows: [(String, QueueSnapshot?)] = i == 0 ? [("SendQ", sock?.sendq), ("RecvQ", sock?.recvq)]
                                                      : [("RecvQ", sock?.recvq), ("SendQ", sock?.sendq)]
        for (j, (name, q)) in rows.enumerated() {
            let y = 196 + Double(j) * 76
            let full = q.map { $0.count == $0.capacity } ?? false
            svg.add(text(x + 10, y - 6, name + (full ? " — 가득 참" : ""), full ? "sl-b sl-warntext" : "sl-b"))
            shading.bar(q?.runs ?? [], x: x + 10, y: y, width: panelW - 20, height: 28, scale: q?.capacity ?? 0,
                        oldestAtRight: i == 0, in: &svg)
            svg.add(text(x + 10, y + 44, q.map { "\(grouped($0.count)) / \(grouped($0.capacity)) B" } ?? "", "sl-s"))
            desc.append("\(hs.name)의 \(name) \(q.map { "\($0.count)/\($0.capacity)" } ?? "-") 바이트\(full ? " (가득 참)" : "").")
        }
        return (sock?.sendq, sock?.recvq)
    }

    /// Between the two panels: the directions in which nothing can move (a SendQ with bytes, the
    /// peer's RecvQ full).
    static func drawFlows(_ queues: [(send: QueueSnapshot?, recv: QueueSnapshot?)], into svg: inout SVG) {
        let mid0 = left + panelW + 14, mid1 = width - left - panelW - 14
        for (j, (sendQ, recvQ, rightward)) in [(queues[0].send, queues[1].recv, true), (queues[1].send, queues[0].recv, false)].enumerated() {
            let y = 210 + Double(j) * 76
            let stuck = (sendQ?.count ?? 0) > 0 && recvQ.map { $0.count == $0.capacity } ?? false
            let a = rightward ? (mid0, y) : (mid1, y), b = rightward ? (mid1, y) : (mid0, y)
            svg.add(arrow(a, b, line: stuck ? "sl-dash" : "sl-line", head: "sl-ink", size: 10))
            let mx = (mid0 + mid1) / 2
            if stuck {
                svg.add(line(mx - 9, y - 9, mx + 9, y + 9, "sl-warn") + line(mx - 9, y + 9, mx + 9, y - 9, "sl-warn"))
                svg.add(text(mx, y - 14, "옮길 자리 없음 (윈도우 0)", "sl-s sl-warntext", anchor: .middle))
            } else {
                svg.add(text(mx, y - 10, "TCP가 바이트를 옮김", "sl-s", anchor: .middle))
            }
        }
    }

    /// The verdict after step k, from the trace.
    static func verdict(_ trace: Trace, upTo k: Int) -> String {
        if let d = trace.deadlock, k == trace.steps.count {
            return "교착상태: \(d.atStep)단계 이후 어느 호출도 반환하지 못한다 (\(d.blocked.map { "\($0.actor): \($0.text)" }.joined(separator: ", ")))."
        } else if trace.deadlock != nil {
            return "이 시나리오는 \(trace.deadlock!.atStep)단계에서 교착상태에 빠진다."
        } else {
            return "교착상태 없음: 시나리오의 모든 호출이 반환한다."
        }
    }
}
