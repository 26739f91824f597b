import SocketSim

/// "A new socket per SYN" (section 6.4.1): the listening socket keeps LISTEN, and every arriving SYN
/// makes a new socket structure that waits in the incomplete list, moves to the completed list when
/// the handshake's last ACK arrives, and leaves it when `accept` hands it a descriptor.
enum ListenerFigure {
    static let colW = 270.0, cardH = 82.0, left = 16.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps = try FrameSteps.steps(request, trace)
        let hostName: String
        if let h = try FrameSteps.host(request.host, in: trace) {
            hostName = trace.hostName(h)
        } else {
            guard let first = trace.steps.lazy.flatMap(\.sockets).first(where: { $0.isListening })?.host else {
                throw .noListener(host: nil)
            }
            hostName = first
        }
        guard trace.steps.contains(where: { $0.sockets.contains { $0.host == hostName && $0.isListening } }) else {
            throw .noListener(host: hostName)
        }
        var cards = 1, listeners = 1
        for k in steps {
            let c = columns(trace.steps[k - 1], host: hostName)
            cards = max(cards, c.incomplete.count, c.completed.count, c.accepted.count)
            listeners = max(listeners, c.listeners.count)
        }
        let width = left * 2 + colW * 3 + 2 * 16
        let listenerH = 70.0 * Double(listeners)
        let colTop = 60 + listenerH + 40
        let height = colTop + 30 + Double(cards) * (cardH + 10) + 16
        let title = FrameSteps.title(request, fallback: "듣고 있는 소켓과 새 소켓들")

        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            let step = trace.steps[k - 1]
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: width, height: height, title: title, desc: "")
            svg.add(text(left, 22, FrameSteps.label(trace, k), "sl-h"))
            svg.add(text(left, 40, CallSummary.result(step, shading: nil), "sl-s sl-dim"))
            let c = columns(step, host: hostName)
            var desc: [String] = []
            // The listening socket(s).
            let lx = left + colW + 16
            if c.listeners.isEmpty {
                svg.add(rect(lx, 58, colW, 56, "sl-zone", rx: 6))
                svg.add(text(lx + colW / 2, 90, "\(hostName): LISTEN 상태의 소켓 없음", "sl-t sl-dim", anchor: .middle))
                desc.append("\(hostName)에 듣고 있는 소켓이 없다.")
            }
            for (i, l) in c.listeners.enumerated() {
                let y = 58 + Double(i) * 70
                svg.add(rect(lx, y, colW, 56, "sl-hlbox", rx: 6))
                svg.add(text(lx + 10, y + 20, "듣고 있는 소켓 #\(l.id)" + (l.fd.map { " (fd \($0))" } ?? ""), "sl-b"))
                svg.add(text(lx + 10, y + 40, "\(l.state.rawValue)  지역 \(l.local?.shown ?? "?")", "sl-m"))
                desc.append("듣고 있는 소켓 #\(l.id): \(l.state.rawValue), 지역 \(l.local?.shown ?? "?"), 미완료 \(l.incomplete.count)개, 완료 \(l.completed.count)개.")
            }
            let heads = ["미완료 연결 (핸드셰이크 중)", "완료 연결 (accept 대기)", "accept()로 받은 소켓"]
            let lists = [c.incomplete, c.completed, c.accepted]
            for i in 0..<3 {
                let x = left + Double(i) * (colW + 16)
                svg.add(rect(x, colTop, colW, height - colTop - 10, "sl-zone", rx: 6))
                svg.add(text(x + 10, colTop + 20, heads[i], "sl-b"))
                if !c.listeners.isEmpty && i < 2 {
                    let from = (lx + colW / 2 + Double(i == 0 ? -60 : 60), 58 + listenerH - 14)
                    svg.add(arrow(from, (x + colW / 2, colTop - 2), line: "sl-dash", head: "sl-ink"))
                }
                for (j, s) in lists[i].enumerated() {
                    card(s, x: x + 10, y: colTop + 32 + Double(j) * (cardH + 10), w: colW - 20, svg: &svg)
                }
                if lists[i].isEmpty {
                    svg.add(text(x + colW / 2, colTop + 60, "(비어 있음)", "sl-s sl-dim", anchor: .middle))
                }
                let names = lists[i].map { "#\($0.id) \($0.state.rawValue) 원격 \($0.remote?.shown ?? "?")" }
                desc.append("\(heads[i]): " + (names.isEmpty ? "없음" : names.joined(separator: ", ")) + ".")
            }
            svg.desc = "\(Spoken.step(trace, k)). " + desc.joined(separator: " ")
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let description = "\(hostName)의 듣고 있는 소켓은 LISTEN 상태를 유지하고, SYN이 도착할 때마다 새 소켓 구조체가 만들어져 "
            + "미완료 연결 리스트에 들어갔다가, 마지막 ACK가 오면 완료 연결 리스트로 옮겨지고, accept()가 식별자를 주며 꺼내 가는 과정을 "
            + "\(steps.count)개 단계로 보여 준다."
        return Figure(id: request.id, frames: frames, description: description)
    }

    struct Columns {
        var listeners: [SocketSnapshot] = []
        var incomplete: [SocketSnapshot] = []
        var completed: [SocketSnapshot] = []
        var accepted: [SocketSnapshot] = []
    }

    static func columns(_ step: StepRecord, host: String) -> Columns {
        var c = Columns()
        c.listeners = step.sockets.filter { $0.host == host && $0.isListening }
        let ports = Set(c.listeners.compactMap { $0.local?.port })
        for l in c.listeners {
            c.incomplete += l.incomplete.compactMap { step.socket($0) }
            c.completed += l.completed.compactMap { step.socket($0) }
        }
        // Accepted: connected sockets with a descriptor on a listening port of this host.
        c.accepted = step.sockets.filter { s in
            s.host == host && !s.isListening && s.fd != nil && s.remote != nil
                && (ports.isEmpty || ports.contains(s.local?.port ?? -1))
        }
        return c
    }

    static func card(_ s: SocketSnapshot, x: Double, y: Double, w: Double, svg: inout SVG) {
        svg.add(rect(x, y, w, cardH, "sl-box", rx: 4))
        svg.add(text(x + 8, y + 18, "새 소켓 #\(s.id)" + (s.fd.map { " (fd \($0))" } ?? " (식별자 없음)"), "sl-b"))
        svg.add(text(x + 8, y + 38, s.state.rawValue, "sl-b"))
        svg.add(text(x + 8, y + 56, "지역 \(s.local?.shown ?? "?")", "sl-m"))
        svg.add(text(x + 8, y + 73, "원격 \(s.remote?.shown ?? "?")", "sl-m"))
    }
}
