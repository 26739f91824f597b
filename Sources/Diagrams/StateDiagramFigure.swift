import SocketSim

/// RFC 9293's state diagram (Figure 5), laid out by hand on the RFC's grid, with the path one
/// socket of the trace took drawn over it: states visited, arrows taken, numbered in order.
///
/// CLOSED appears twice, as in the RFC: the one at the top where sockets start and a passive or
/// simultaneous-open socket gives up, the one at the bottom where a closed connection ends. Arrows
/// that RFC 9293's figure leaves out (aborts by RST, giving up on retransmissions, the FIN_WAIT_2
/// timer) are drawn only when the path takes them.
enum StateDiagramFigure {
    enum Node: Hashable {
        case state(TCPState)
        case closedBottom
    }

    struct Route {
        var points: [(Double, Double)]
        /// Where the label's first line goes, and its anchor.
        var label: (Double, Double)
        var anchor: Anchor
        /// Drawn only when taken: not in RFC 9293's Figure 5.
        var extra = false
    }

    static let boxW = 140.0, boxH = 44.0, width = 980.0, diagramH = 940.0

    static let centers: [Node: (Double, Double)] = [
        .state(.closed): (470, 60), .state(.listen): (470, 190),
        .state(.synReceived): (130, 320), .state(.synSent): (810, 320),
        .state(.established): (470, 450),
        .state(.finWait1): (130, 590), .state(.closeWait): (810, 590),
        .state(.finWait2): (130, 730), .state(.closing): (470, 730), .state(.lastAck): (810, 730),
        .state(.timeWait): (470, 860), .closedBottom: (810, 860),
    ]

    /// The node an arrow into `to` from `from` ends at: the top CLOSED for the opening states.
    static func target(_ from: TCPState, _ to: TCPState) -> Node {
        guard to == .closed else { return .state(to) }
        switch from {
        case .listen, .synSent: return .state(.closed)
        case .closed, .synReceived, .established, .finWait1, .finWait2, .closeWait, .closing, .lastAck, .timeWait:
            return .closedBottom
        }
    }

    /// Every arrow of `Transition.rfc9293`, routed by hand.
    static let routes: [Transition: Route] = [
        Transition(.closed, .listen): Route(points: [(450, 82), (450, 168)], label: (432, 120), anchor: .end),
        Transition(.listen, .closed): Route(points: [(490, 168), (490, 82)], label: (498, 120), anchor: .start),
        Transition(.closed, .synSent): Route(points: [(540, 52), (830, 52), (830, 298)], label: (680, 22), anchor: .middle),
        Transition(.synSent, .closed): Route(points: [(790, 298), (790, 70), (540, 70)], label: (782, 130), anchor: .end),
        Transition(.listen, .synReceived): Route(points: [(400, 205), (200, 305)], label: (290, 236), anchor: .end),
        Transition(.listen, .synSent): Route(points: [(540, 205), (740, 305)], label: (650, 236), anchor: .start),
        Transition(.synReceived, .listen): Route(points: [(100, 298), (100, 178), (400, 178)], label: (110, 158), anchor: .start),
        Transition(.synSent, .synReceived): Route(points: [(740, 320), (200, 320)], label: (470, 302), anchor: .middle),
        Transition(.synReceived, .established): Route(points: [(200, 336), (400, 438)], label: (280, 400), anchor: .end),
        Transition(.synSent, .established): Route(points: [(740, 336), (540, 438)], label: (660, 400), anchor: .start),
        Transition(.synReceived, .finWait1): Route(points: [(130, 342), (130, 568)], label: (122, 460), anchor: .end),
        Transition(.synReceived, .closed): Route(points: [(60, 330), (24, 330), (24, 916), (790, 916), (790, 882)],
                                                 label: (30, 700), anchor: .start, extra: true),
        Transition(.established, .finWait1): Route(points: [(400, 465), (200, 575)], label: (290, 540), anchor: .end),
        Transition(.established, .closeWait): Route(points: [(540, 465), (740, 575)], label: (650, 540), anchor: .start),
        Transition(.established, .closed): Route(points: [(540, 450), (956, 450), (956, 850), (880, 850)],
                                                 label: (950, 470), anchor: .end, extra: true),
        Transition(.finWait1, .finWait2): Route(points: [(130, 612), (130, 708)], label: (122, 655), anchor: .end),
        Transition(.finWait1, .closing): Route(points: [(200, 605), (400, 712)], label: (300, 622), anchor: .start),
        Transition(.finWait1, .timeWait): Route(points: [(180, 612), (420, 838)], label: (268, 792), anchor: .start),
        Transition(.finWait1, .closed): Route(points: [(60, 600), (36, 600), (36, 904), (780, 904), (780, 882)],
                                              label: (42, 620), anchor: .start, extra: true),
        Transition(.finWait2, .timeWait): Route(points: [(130, 752), (130, 860), (400, 860)], label: (250, 842), anchor: .middle),
        Transition(.finWait2, .closed): Route(points: [(60, 740), (48, 740), (48, 896), (770, 896), (770, 882)],
                                              label: (54, 760), anchor: .start, extra: true),
        Transition(.closing, .timeWait): Route(points: [(470, 752), (470, 838)], label: (478, 795), anchor: .start),
        Transition(.closing, .closed): Route(points: [(540, 745), (760, 838)], label: (640, 772), anchor: .start, extra: true),
        Transition(.closeWait, .lastAck): Route(points: [(810, 612), (810, 708)], label: (818, 655), anchor: .start),
        Transition(.closeWait, .closed): Route(points: [(880, 600), (940, 600), (940, 840), (880, 840)],
                                               label: (934, 680), anchor: .end, extra: true),
        Transition(.lastAck, .closed): Route(points: [(810, 752), (810, 838)], label: (818, 795), anchor: .start),
        Transition(.timeWait, .closed): Route(points: [(540, 860), (740, 860)], label: (640, 842), anchor: .middle),
    ]

    /// The label each arrow of the RFC's figure carries; extras are labelled with the cause the path took.
    static let labels: [Transition: String] = [
        Transition(.closed, .listen): TransitionCause.passiveOpen.rawValue,
        Transition(.listen, .closed): TransitionCause.closeWithoutFin.rawValue,
        Transition(.closed, .synSent): TransitionCause.activeOpen.rawValue,
        Transition(.synSent, .closed): TransitionCause.closeWithoutFin.rawValue,
        Transition(.listen, .synReceived): TransitionCause.rcvSyn.rawValue,
        Transition(.listen, .synSent): "SEND / snd SYN",
        Transition(.synReceived, .listen): TransitionCause.rcvRst.rawValue,
        Transition(.synSent, .synReceived): TransitionCause.rcvSyn.rawValue,
        Transition(.synReceived, .established): TransitionCause.rcvAckOfSyn.rawValue,
        Transition(.synSent, .established): TransitionCause.rcvSynAck.rawValue,
        Transition(.synReceived, .finWait1): TransitionCause.close.rawValue,
        Transition(.established, .finWait1): TransitionCause.close.rawValue,
        Transition(.established, .closeWait): TransitionCause.rcvFin.rawValue,
        Transition(.finWait1, .finWait2): TransitionCause.rcvAckOfFin.rawValue,
        Transition(.finWait1, .closing): TransitionCause.rcvFin.rawValue,
        Transition(.finWait1, .timeWait): TransitionCause.rcvFinAckOfFin.rawValue,
        Transition(.finWait2, .timeWait): TransitionCause.rcvFin.rawValue,
        Transition(.closing, .timeWait): TransitionCause.rcvAckOfFin.rawValue,
        Transition(.closeWait, .lastAck): TransitionCause.close.rawValue,
        Transition(.lastAck, .closed): TransitionCause.rcvAckOfFin.rawValue,
        Transition(.timeWait, .closed): TransitionCause.timeout2MSL.rawValue,
    ]

    struct Taken {
        var change: StateChange
        var step: Int
    }

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps = try FrameSteps.steps(request, trace)
        let h = try FrameSteps.host(request.host, in: trace)
            ?? trace.hosts.firstIndex { h in trace.transitions.contains { $0.host == h.name } } ?? 0
        let hostName = trace.hostName(h)
        let (socket, path) = followed(trace, host: hostName)
        let listRows = (path.count + 1) / 2
        let height = diagramH + 40 + Double(max(1, listRows)) * 18 + 16
        let title = FrameSteps.title(request, fallback: "TCP 상태 다이어그램 (RFC 9293)")
        let extrasTaken = Set(path.map { Transition($0.change.from, $0.change.to) }).filter { routes[$0]?.extra == true }

        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: width, height: height, title: title, desc: "")
            let upTo = path.filter { $0.step <= k }
            let current: Node? = currentNode(trace, socket: socket, step: k, taken: upTo)
            draw(upTo, current: current, extras: extrasTaken, into: &svg)
            svg.add(text(16, 24, FrameSteps.label(trace, k), "sl-h"))
            svg.add(text(16, 42, "\(hostName)의 소켓" + (socket.map { " #\($0)" } ?? "") + "이 지나온 길 (파란색, 번호는 순서)"
                         + (current.map { ", 현재 상태: \(name($0)) (겹테두리)" } ?? ""), "sl-s sl-dim"))
            // The numbered path, in words.
            let listTop = diagramH + 30
            svg.add(line(16, listTop - 16, width - 16, listTop - 16, "sl-thin"))
            if path.isEmpty {
                svg.add(text(16, listTop, "\(hostName)의 소켓은 이 시나리오에서 상태가 바뀌지 않는다.", "sl-s"))
            }
            for (i, t) in path.enumerated() {
                let col = Double(i / max(1, listRows)), row = Double(i % max(1, listRows))
                let x = 16 + col * (width / 2), y = listTop + row * 18
                let s = "\(i + 1). \(t.change.from.rawValue) → \(t.change.to.rawValue): \(t.change.cause.rawValue) (\(t.step)단계)"
                svg.add(text(x, y, s, t.step <= k ? "sl-s" : "sl-s sl-dim", extra: t.step <= k ? [] : [("opacity", "0.45")]))
            }
            let words = upTo.enumerated().map { "\($0.offset + 1). \($0.element.change.from.rawValue)에서 \($0.element.change.to.rawValue)로 (\(Spoken.cause($0.element.change.cause)))" }
            svg.desc = "\(Spoken.step(trace, k)). RFC 9293 상태 다이어그램 위에 \(hostName)의 소켓이 지나온 길: "
                + (words.isEmpty ? "아직 상태 변화 없음" : words.joined(separator: ", "))
                + (current.map { ". 현재 상태: \(name($0))" } ?? "") + "."
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let description = "RFC 9293의 TCP 상태 다이어그램(11개 상태와 사건/동작이 붙은 화살표)에 \(hostName)의 소켓이 거친 상태와 화살표를 "
            + "순서대로 번호를 붙여 강조한 그림. 차례로: "
            + (path.isEmpty ? "상태 변화 없음" : path.map { "\($0.change.from.rawValue)→\($0.change.to.rawValue)" }.joined(separator: ", ")) + "."
        return Figure(id: request.id, frames: frames, description: description)
    }

    /// The socket whose life the figure follows, and its state changes with their steps.
    ///
    /// It is the host's connection socket at the end of the run; a socket born from a listener for an
    /// arriving SYN starts from LISTEN, so the listener's own way to LISTEN comes first, as the
    /// textbook tells the server's story.
    static func followed(_ trace: Trace, host: String) -> (Int?, [Taken]) {
        var all: [Taken] = []
        for step in trace.steps {
            for c in step.transitions where c.host == host { all.append(Taken(change: c, step: step.index)) }
        }
        let sid = trace.steps.last?.host(host)?.socket ?? all.last?.change.socket
        guard let sid else { return (nil, []) }
        var mine = all.filter { $0.change.socket == sid }
        if let first = mine.first, first.change.from == .listen,
           let birth = all.firstIndex(where: { $0.change.socket == sid }) {
            // The listener this socket came from: the latest one to reach LISTEN before the birth.
            if let l = all[..<birth].last(where: { $0.change.to == .listen })?.change.socket {
                mine = all[..<birth].filter { $0.change.socket == l && $0.change.to == .listen } + mine
            }
        }
        return (sid, mine)
    }

    static func currentNode(_ trace: Trace, socket: Int?, step k: Int, taken: [Taken]) -> Node? {
        if let last = taken.last { return target(last.change.from, last.change.to) }
        guard let s = trace.steps[k - 1].socket(socket) else { return nil }
        return .state(s.state)
    }

    static func name(_ n: Node) -> String {
        switch n {
        case .state(let s): return s.rawValue
        case .closedBottom: return TCPState.closed.rawValue
        }
    }

    static func draw(_ taken: [Taken], current: Node?, extras: Set<Transition>, into svg: inout SVG) {
        var visited = Set<Node>()
        var numbers: [Transition: [Int]] = [:]
        for (i, t) in taken.enumerated() {
            let tr = Transition(t.change.from, t.change.to)
            if i == 0 { visited.insert(.state(t.change.from)) }
            visited.insert(target(t.change.from, t.change.to))
            numbers[tr, default: []].append(i + 1)
        }
        // Arrows first, states on top.
        let order = routes.keys.sorted { ($0.from.rawValue, $0.to.rawValue) < ($1.from.rawValue, $1.to.rawValue) }
        var badges: [String] = []
        for tr in order {
            guard let r = routes[tr] else { continue }
            if r.extra && !extras.contains(tr) { continue }
            let hl = numbers[tr] != nil
            let d = r.points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(fmt($0.element.0)) \(fmt($0.element.1))" }.joined(separator: " ")
            svg.add(path(d, hl ? "sl-hl" : (r.extra ? "sl-dash" : "sl-line")))
            let n = r.points.count
            svg.add(arrowHead(tip: r.points[n - 1], from: r.points[n - 2], size: hl ? 12 : 9, hl ? "sl-hlfill" : "sl-ink"))
            var label = labels[tr] ?? ""
            if let first = taken.first(where: { Transition($0.change.from, $0.change.to) == tr }), labels[tr] == nil {
                label = first.change.cause.rawValue
            }
            let parts = label.split(separator: " / ").map(String.init)
            for (j, p) in parts.enumerated() {
                svg.add(text(r.label.0, r.label.1 + Double(j) * 13, p, hl ? "sl-s sl-hltext sl-halo" : "sl-s sl-halo", anchor: r.anchor))
            }
            if let ns = numbers[tr] {
                // The badge sits just after the arrow leaves its state, clear of the label in the middle.
                let a = r.points[0], b = r.points[1]
                let len = max(1, ((b.0 - a.0) * (b.0 - a.0) + (b.1 - a.1) * (b.1 - a.1)).squareRoot())
                let along = min(28, len / 2)
                let bx = a.0 + (b.0 - a.0) / len * along, by = a.1 + (b.1 - a.1) / len * along
                let s = ns.map(String.init).joined(separator: ",")
                let w = max(20, textWidth(s, size: 11) + 10)
                badges.append(rect(bx - w / 2, by - 10, w, 20, "sl-hlfill", rx: 10) + text(bx, by + 4, s, "sl-badge", anchor: .middle))
            }
        }
        for (node, c) in centers.sorted(by: { ($0.value.1, $0.value.0) < ($1.value.1, $1.value.0) }) {
            let isCurrent = node == current
            let cls = visited.contains(node) || isCurrent ? "sl-hlbox" : "sl-box"
            svg.add(rect(c.0 - boxW / 2, c.1 - boxH / 2, boxW, boxH, cls, rx: 8))
            if isCurrent {
                svg.add(rect(c.0 - boxW / 2 - 5, c.1 - boxH / 2 - 5, boxW + 10, boxH + 10, "sl-hl", rx: 11))
            }
            svg.add(text(c.0, c.1 + 5, name(node), visited.contains(node) || isCurrent ? "sl-b sl-hltext" : "sl-b", anchor: .middle))
        }
        for b in badges { svg.add(b) }
    }
}
