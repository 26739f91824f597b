import SocketSim

/// The chapter's first figure: a program holds a descriptor, the descriptor leads to a socket
/// structure in the TCP implementation, and the structure holds the addresses, the state and the
/// two queues.
enum SocketStructureFigure {
    static let rowH = 178.0, hostW = 430.0, left = 16.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps = try FrameSteps.steps(request, trace)
        let hosts: [Int]
        if let h = try FrameSteps.host(request.host, in: trace) { hosts = [h] } else { hosts = Array(trace.hosts.indices) }
        let shading = OriginShading(trace: trace)
        let all: Bool
        switch request.options["sockets"] {
        case nil, "fd": all = false
        case "all": all = true
        case let other?: throw .badOption(name: "sockets", value: other, expected: "'fd' (sockets a descriptor refers to, the default) or 'all' (also structures that outlive their descriptor)")
        }

        // The same canvas for every frame: as many rows as the busiest frame needs.
        var rows = 1
        for k in steps {
            for h in hosts { rows = max(rows, shown(trace.steps[k - 1], host: trace.hostName(h), all: all).count) }
        }
        let width = left * 2 + Double(hosts.count) * hostW + Double(hosts.count - 1) * 16
        let legendH = shading.origins.isEmpty ? 0.0 : 30.0
        let height = 96 + Double(rows) * rowH + legendH + 10
        let title = FrameSteps.title(request, fallback: "소켓 구조체")

        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            let step = trace.steps[k - 1]
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: width, height: height, title: title, desc: "")
            OriginShading.definePatterns(&svg)
            svg.add(text(left, 22, FrameSteps.label(trace, k), "sl-h"))
            svg.add(text(left, 40, CallSummary.result(step, shading: shading), "sl-s sl-dim"))
            var desc: [String] = []
            for (j, h) in hosts.enumerated() {
                let x = left + Double(j) * (hostW + 16)
                desc.append(drawHost(trace, h, step: step, x: x, y: 56, rows: rows, all: all, shading: shading, svg: &svg))
            }
            if !shading.origins.isEmpty {
                shading.legendFlow(shading.origins, x: left, y: height - legendH - 4, maxWidth: width - 2 * left, in: &svg)
            }
            svg.desc = "\(Spoken.step(trace, k)). " + desc.joined(separator: " ")
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let who = hosts.map { trace.hostName($0) }.joined(separator: ", ")
        let description = "\(who)의 프로그램이 가진 식별자(fd)가 TCP 구현 안의 소켓 구조체를 가리키는 모습. 구조체에는 지역 주소와 포트, "
            + "원격 주소와 포트, TCP 상태, 송신 큐(SendQ)와 수신 큐(RecvQ)가 있다. \(steps.count)개 단계로 보여 준다."
        return Figure(id: request.id, frames: frames, description: description)
    }

    /// The sockets a frame shows for a host: those a descriptor refers to, by descriptor, then (with
    /// `all`) the structures no descriptor refers to: connections still in the handshake, and closed
    /// ones finishing their close handshake or TIME_WAIT.
    static func shown(_ step: StepRecord, host: String, all: Bool) -> [SocketSnapshot] {
        let withFD = step.sockets.filter { $0.host == host && $0.fd != nil }.sorted { ($0.fd ?? 0, $0.id) < ($1.fd ?? 0, $1.id) }
        guard all else { return withFD }
        return withFD + step.sockets.filter { $0.host == host && $0.fd == nil }.sorted { $0.id < $1.id }
    }

    static func drawHost(_ trace: Trace, _ h: Int, step: StepRecord, x: Double, y: Double, rows: Int, all: Bool,
                         shading: OriginShading, svg: inout SVG) -> String {
        let config = trace.hosts[h]
        svg.add(text(x, y + 12, "\(config.name) (\(config.addresses.joined(separator: ", ")))", "sl-b"))
        let zoneTop = y + 22, zoneH = Double(rows) * rowH + 8
        let appW = 96.0, gap = 34.0
        svg.add(rect(x, zoneTop, appW, zoneH, "sl-zone", rx: 6))
        svg.add(text(x + appW / 2, zoneTop + 16, "응용 프로그램", "sl-s", anchor: .middle))
        let tcpX = x + appW + gap, tcpW = hostW - appW - gap
        svg.add(rect(tcpX, zoneTop, tcpW, zoneH, "sl-zone", rx: 6))
        svg.add(text(tcpX + tcpW / 2, zoneTop + 16, "소켓/TCP 구현", "sl-s", anchor: .middle))

        let list = shown(step, host: config.name, all: all)
        if list.isEmpty {
            svg.add(text(tcpX + tcpW / 2, zoneTop + 60, "열린 소켓 없음", "sl-t sl-dim", anchor: .middle))
            return "\(config.name): 열린 소켓 없음."
        }
        var words: [String] = []
        for (i, s) in list.enumerated() {
            let rowTop = zoneTop + 26 + Double(i) * rowH
            let fdY = rowTop + 16
            let boxX = tcpX + 12, boxW = tcpW - 24
            if let fd = s.fd {
                svg.add(rect(x + 14, fdY, appW - 28, 30, "sl-box2", rx: 4))
                svg.add(text(x + appW / 2, fdY + 20, "fd \(fd)", "sl-b", anchor: .middle))
                svg.add(text(x + appW / 2, fdY + 46, "식별자", "sl-s sl-dim", anchor: .middle))
                svg.add(arrow((x + appW - 14, fdY + 15), (boxX, fdY + 15), line: "sl-line", head: "sl-ink"))
            } else {
                svg.add(text(x + appW / 2, fdY + 20, "식별자 없음", "sl-s sl-dim", anchor: .middle))
            }
            words.append(structure(s, x: boxX, y: rowTop, w: boxW, shading: shading, svg: &svg))
        }
        return "\(config.name): " + words.joined(separator: " ")
    }

    /// One socket structure box; returns its description.
    static func structure(_ s: SocketSnapshot, x: Double, y: Double, w: Double, shading: OriginShading, svg: inout SVG) -> String {
        let h = rowH - 18
        svg.add(rect(x, y, w, h, "sl-box", rx: 4))
        svg.add(rect(x, y, w, 22, "sl-box2", rx: 4))
        svg.add(text(x + 8, y + 16, "소켓 구조체 #\(s.id)", "sl-b"))
        let local = s.local?.shown ?? "(미지정)", remote = s.remote?.shown ?? "(미지정)"
        let fields: [(String, String)] = [
            ("TCP 상태", s.state.rawValue),
            ("지역 IP:포트", local),
            ("원격 IP:포트", remote),
        ]
        var yy = y + 42
        let valueX = x + 98
        for (k, v) in fields {
            svg.add(text(x + 8, yy, k, "sl-s sl-dim"))
            svg.add(text(valueX, yy, v, k == "TCP 상태" ? "sl-b" : "sl-m"))
            yy += 20
        }
        var queueWords: [String] = []
        for (name, q) in [("SendQ", s.sendq), ("RecvQ", s.recvq)] {
            svg.add(text(x + 8, yy, name, "sl-s sl-dim"))
            let barW = w - 98 - 8 - 104
            shading.bar(q.runs, x: valueX, y: yy - 11, width: barW, height: 14, scale: q.capacity, oldestAtRight: true, in: &svg)
            svg.add(text(valueX + barW + 6, yy, "\(grouped(q.count)) / \(grouped(q.capacity)) B", "sl-s"))
            queueWords.append("\(name) \(grouped(q.count))/\(grouped(q.capacity)) 바이트")
            yy += 20
        }
        if s.isListening {
            svg.add(text(x + 8, yy, "연결 대기", "sl-s sl-dim"))
            svg.add(text(valueX, yy, "미완료 \(s.incomplete.count)개, 완료 \(s.completed.count)개", "sl-s"))
        }
        return (s.fd.map { "fd \($0) → " } ?? "식별자 없는 ") + "소켓 구조체 #\(s.id): 상태 \(s.state.rawValue), 지역 \(local), 원격 \(remote), "
            + queueWords.joined(separator: ", ") + "."
    }
}
