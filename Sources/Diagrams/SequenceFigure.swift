import SocketSim

/// The sequence diagram of a run: one time line per host, an arrow per segment from where it was
/// sent to where it arrived, and each end's TCP state written on its line where it changes.
///
/// Time runs down in steps, not milliseconds: in manual mode a segment sent in step 2 and delivered
/// in step 3 slants across the rows between, which is what the textbook's pictures show. Frame k draws
/// everything up to step k inside the same canvas as the last frame, so stepping never rescales.
enum SequenceFigure {
    enum ItemKind {
        case event(SegmentEvent)
        case state(StateChange)
        /// Segments of this step left out of the picture (see `maxSegmentsPerStep`).
        case elided(Int)
    }

    /// The most segments drawn for one step: the first and last halves, with a row saying how many
    /// are left out between. A step that sends SQS + RQS of a gigabyte makes millions of segments;
    /// drawn, they would make the figure (and the build) as large as the byte count.
    static let maxSegmentsPerStep = 24

    struct Item {
        var kind: ItemKind
        var step: Int
        var y: Double
    }

    struct StepBand {
        var step: Int
        var top: Double
        var bottom: Double
        var lines: [String]
    }

    struct Layout {
        var items: [Item] = []
        var bands: [StepBand] = []
        var laneX: [Double] = []
        var initial: [TCPState] = []
        var height = 0.0
        var width = 0.0
        /// Hosts with more than one socket changing state: their state labels name the socket.
        var multiSocketHosts: Set<String> = []
        /// Segments not drawn nor described, by id.
        var hidden: Set<Int> = []
    }

    static let rowH = 24.0, top = 92.0, labelColumn = 250.0

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        let trace = try FrameSteps.trace(request)
        let steps = try FrameSteps.steps(request, trace)
        let layout = makeLayout(trace)
        let title = FrameSteps.title(request, fallback: "시퀀스 다이어그램")
        var frames: [Frame] = []
        for (n, k) in steps.enumerated() {
            var svg = SVG(prefix: FrameSteps.prefix(request, frame: n + 1), width: layout.width, height: layout.height,
                          title: title, desc: "")
            draw(trace, layout, upTo: k, into: &svg)
            svg.desc = "\(Spoken.step(trace, k)). " + describe(trace, layout, step: k)
            frames.append(Frame(label: FrameSteps.label(trace, k), svg: svg.render()))
        }
        let all = trace.segmentEvents.filter { $0.kind != .delivered && !layout.hidden.contains($0.segment.id) }.map { e in
            "\(trace.hostName(e.segment.fromHost))→\(trace.hostName(e.segment.toHost)) \(Spoken.segment(e.segment))\(e.kind == .dropped ? " 유실" : e.kind == .retransmitted ? " 재전송" : "")"
        }
        let description = "\(trace.hosts.map(\.name).joined(separator: ", "))의 시간선 사이를 오가는 세그먼트를 단계별로 보여 주는 시퀀스 다이어그램. "
            + (all.isEmpty ? "세그먼트가 없다." : "차례로: " + all.joined(separator: "; ") + ".")
            + (layout.hidden.isEmpty ? "" : " 그 밖의 세그먼트 \(layout.hidden.count)개는 생략했다.")
        return Figure(id: request.id, frames: frames, description: description)
    }

    // MARK: - Labels

    /// `SYN seq=1000`, `SYN+ACK seq=2000 ack=1001`, `ACK ack=2001`, `FIN+ACK seq=1001 ack=2001`, `DATA seq=1001 len=300`.
    static func label(_ s: Segment) -> String {
        let seq = s.seq & 0xFFFF_FFFF, ack = s.ack & 0xFFFF_FFFF
        if s.length > 0 { return "DATA seq=\(seq) len=\(s.length)" + (s.flags.contains(.fin) ? " +FIN" : "") }
        let name = s.flags.label
        if s.flags == .ack { return "ACK ack=\(ack)" }
        if s.flags.contains(.ack) { return "\(name) seq=\(seq) ack=\(ack)" }
        return "\(name) seq=\(seq)"
    }

    // MARK: - Layout

    static func makeLayout(_ trace: Trace) -> Layout {
        var L = Layout()
        let n = trace.hosts.count
        let span = n <= 2 ? 460.0 : max(260.0, 920.0 / Double(n - 1))
        L.laneX = (0..<n).map { labelColumn + 70 + Double($0) * span }
        L.width = (L.laneX.last ?? labelColumn) + 150
        var socketsByHost: [String: Set<Int>] = [:]
        for c in trace.transitions { socketsByHost[c.host, default: []].insert(c.socket) }
        L.multiSocketHosts = Set(socketsByHost.filter { $0.value.count > 1 }.keys)
        L.initial = trace.hosts.map { h in
            if let first = trace.transitions.first(where: { $0.host == h.name }) { return first.from }
            return trace.steps[0].host(h.name)?.state ?? .closed
        }

        // Segments first sent in a step beyond the step's first and last halves are left out.
        var seen = Set<Int>()
        for step in trace.steps {
            var fresh: [Int] = []
            for e in step.segments where seen.insert(e.segment.id).inserted { fresh.append(e.segment.id) }
            if fresh.count > maxSegmentsPerStep {
                L.hidden.formUnion(fresh[(maxSegmentsPerStep / 2)..<(fresh.count - maxSegmentsPerStep / 2)])
            }
        }

        var y = top
        for step in trace.steps {
            var ordered = order(step, trace)
            if !L.hidden.isEmpty {
                var kept: [ItemKind] = []
                var left = Set<Int>()
                for kind in ordered {
                    if case .event(let e) = kind, L.hidden.contains(e.segment.id) {
                        if left.isEmpty { kept.append(.elided(0)) }
                        left.insert(e.segment.id)
                    } else {
                        kept.append(kind)
                    }
                }
                ordered = kept.map { if case .elided = $0 { return .elided(left.count) } else { return $0 } }
            }
            let lines = stepLines(step)
            let start = y + 8
            var iy = start + 6
            for kind in ordered {
                L.items.append(Item(kind: kind, step: step.index, y: iy))
                iy += rowH
            }
            let bottom = max(iy, start + 6 + Double(lines.count) * 15) + 2
            L.bands.append(StepBand(step: step.index, top: start - 4, bottom: bottom, lines: lines))
            y = bottom
        }
        let most = trace.steps.map { step in trace.hosts.map { currentSockets(step, host: $0.name).count }.max() ?? 0 }.max() ?? 0
        L.height = y + 18 + Double(max(1, most)) * 22
        return L
    }

    /// The step's events and state changes in the order they happened.
    ///
    /// A trace lists a step's segment events and state changes separately, so they are put back
    /// together by cause: a change made by a call or a timer comes first or last, one made by an
    /// arriving segment right after the first delivery to that host that could have caused it.
    static func order(_ step: StepRecord, _ trace: Trace) -> [ItemKind] {
        var before: [StateChange] = [], after: [StateChange] = []
        var byEvent: [Int: [StateChange]] = [:]
        var cursor: [String: Int] = [:]
        for c in step.transitions {
            var byCall = false
            switch c.cause {
            case .passiveOpen, .activeOpen, .close, .closeWithoutFin, .listenerClosed:
                // A call's change on another host than the caller's: something arrived and made it.
                byCall = c.host == step.actor
            case .timeout2MSL, .retransmissionTimeout, .finWait2Timeout:
                after.append(c)
                continue
            case .rcvSyn, .rcvSynAck, .rcvAckOfSyn, .rcvFin, .rcvAckOfFin, .rcvFinAckOfFin, .rcvRst, .rcvDataAfterClose:
                break
            }
            if byCall {
                before.append(c)
            } else {
                let from = cursor[c.host] ?? 0
                let match = step.segments.indices.first { i in
                    i >= from && step.segments[i].kind == .delivered
                        && trace.hostName(step.segments[i].segment.toHost) == c.host && causes(step.segments[i].segment.flags, c.cause)
                }
                if let i = match {
                    byEvent[i, default: []].append(c)
                    cursor[c.host] = i
                } else {
                    after.append(c)
                }
            }
        }
        var out = before.map(ItemKind.state)
        for (i, e) in step.segments.enumerated() {
            out.append(.event(e))
            out += (byEvent[i] ?? []).map(ItemKind.state)
        }
        return out + after.map(ItemKind.state)
    }

    static func causes(_ flags: TCPFlags, _ cause: TransitionCause) -> Bool {
        switch cause {
        case .rcvSyn: return flags.contains(.syn)
        case .rcvSynAck: return flags.contains(.syn) && flags.contains(.ack)
        case .rcvAckOfSyn, .rcvAckOfFin: return flags.contains(.ack)
        case .rcvFin, .rcvFinAckOfFin: return flags.contains(.fin)
        case .rcvRst: return flags.contains(.rst)
        case .rcvDataAfterClose: return flags.contains(.psh)
        // A call's or a timer's cause (a call's change on another host than the caller's): the first
        // delivery to that host stands for whatever arrived and made it.
        case .passiveOpen, .activeOpen, .close, .closeWithoutFin, .timeout2MSL, .retransmissionTimeout,
             .finWait2Timeout, .listenerClosed:
            return true
        }
    }

    /// The step's text in the left column: the call, what it did, and calls that returned meanwhile.
    static func stepLines(_ step: StepRecord) -> [String] {
        var lines = ["\(step.index). \(step.actor): \(step.shownCall)"]
        if case .call = step.action {
            switch step.status {
            case .returned: lines.append("→ \(step.result.value.map(grouped) ?? "0") 반환")
            case .blocked: lines.append(step.deferred ? "→ 앞선 호출을 기다림" : "→ 블록됨")
            case .error: lines.append("→ 오류 \(step.result.error?.rawValue ?? "?")")
            }
        }
        for c in step.completed {
            lines.append("→ \(c.index)단계 \(c.call.kind.rawValue) 반환")
        }
        return lines
    }

    // MARK: - Drawing

    static func draw(_ trace: Trace, _ L: Layout, upTo k: Int, into svg: inout SVG) {
        let bottomY = L.bands[k - 1].bottom
        // The current step's band, behind everything.
        let band = L.bands[k - 1]
        svg.add(rect(8, band.top, L.width - 16, band.bottom - band.top, "sl-box2", extra: [("stroke", "none")]))
        svg.add(text(16, 24, FrameSteps.label(trace, k), "sl-h"))
        var chips = drawHosts(trace, L, into: &svg)
        drawStepLabels(L, upTo: k, into: &svg)
        var marks = drawItems(trace, L, upTo: k, chips: &chips, into: &svg)
        addInFlight(marks.pending, L, bottomY: bottomY, to: &marks)
        drawLanes(trace, L, chips: chips, bottomY: bottomY, into: &svg)
        for a in marks.arrows { svg.add(a) }
        for l in marks.labels { svg.add(l) }
        // The state of each socket structure the host has after step k, under its line.
        for (i, h) in trace.hosts.enumerated() {
            for (j, s) in currentSockets(trace.steps[k - 1], host: h.name).enumerated() {
                let name = L.multiSocketHosts.contains(h.name) ? "\(s.state.rawValue) (소켓 \(s.id))" : s.state.rawValue
                chip(name, x: L.laneX[i], y: bottomY + 16 + Double(j) * 22, current: true, into: &svg)
            }
        }
    }

    /// Host headers and their first state; returns lane -> chip centre ys, to break the lane line
    /// around them.
    static func drawHosts(_ trace: Trace, _ L: Layout, into svg: inout SVG) -> [Int: [Double]] {
        var chips: [Int: [Double]] = [:]
        for (i, h) in trace.hosts.enumerated() {
            let x = L.laneX[i]
            let w = max(110, textWidth(h.name, size: 13) + 24)
            svg.add(rect(x - w / 2, 40, w, 30, "sl-box", rx: 4))
            svg.add(text(x, 55, h.name, "sl-b", anchor: .middle))
            svg.add(text(x, 67, h.addresses.first ?? "", "sl-s sl-dim", anchor: .middle))
            chip(L.initial[i].rawValue, x: x, y: top - 4, current: false, into: &svg)
            chips[i, default: []].append(top - 4)
        }
        return chips
    }

    /// The left column's text of every step up to k, the current one in bold.
    static func drawStepLabels(_ L: Layout, upTo k: Int, into svg: inout SVG) {
        for b in L.bands where b.step <= k {
            for (j, l) in b.lines.enumerated() {
                svg.add(text(16, b.top + 16 + Double(j) * 15, l, j == 0 ? (b.step == k ? "sl-b" : "sl-t") : "sl-s sl-dim"))
            }
            if b.step < k { svg.add(line(16, b.bottom, L.width - 16, b.bottom, "sl-thin")) }
        }
    }

    /// The segments' arrows and labels, drawn after the lane lines so that they lie on top; and
    /// the sends no arrival or loss up to the frame's step has matched yet, by segment id.
    struct SegmentMarks {
        var arrows: [String] = []
        var labels: [String] = []
        var pending: [Int: [(y: Double, event: SegmentEvent)]] = [:]
    }

    /// The items up to step k, in order: state chips drawn at once (their ys added to `chips`),
    /// segments returned as marks, each arrival or loss matched to the send that started it.
    static func drawItems(_ trace: Trace, _ L: Layout, upTo k: Int, chips: inout [Int: [Double]], into svg: inout SVG) -> SegmentMarks {
        var marks = SegmentMarks()
        for item in L.items where item.step <= k {
            switch item.kind {
            case .elided(let n):
                let mid = ((L.laneX.first ?? 0) + (L.laneX.last ?? 0)) / 2
                marks.labels.append(text(mid, item.y + 4, "⋯ 세그먼트 \(grouped(n))개 생략 ⋯", "sl-s sl-dim", anchor: .middle))
            case .state(let c):
                guard let lane = trace.hosts.firstIndex(where: { $0.name == c.host }) else { continue }
                let name = L.multiSocketHosts.contains(c.host) ? "\(c.to.rawValue) (소켓 \(c.socket))" : c.to.rawValue
                chip(name, x: L.laneX[lane], y: item.y, current: false, into: &svg)
                chips[lane, default: []].append(item.y)
            case .event(let e):
                let seg = e.segment
                switch e.kind {
                case .sent, .retransmitted:
                    marks.pending[seg.id, default: []].append((item.y, e))
                case .delivered, .dropped:
                    guard var list = marks.pending[seg.id], !list.isEmpty else { continue }
                    let start = list.removeFirst()
                    marks.pending[seg.id] = list
                    addArrow(seg, from: start, to: item.y, lost: e.kind == .dropped, L, to: &marks)
                }
            }
        }
        return marks
    }

    /// The arrow of a segment sent at `start` and delivered (or lost on the way) at `y`.
    static func addArrow(_ seg: Segment, from start: (y: Double, event: SegmentEvent), to y: Double, lost: Bool, _ L: Layout,
                         to marks: inout SegmentMarks) {
        let a = (L.laneX[seg.fromHost], start.y), b = (L.laneX[seg.toHost], y)
        let retx = start.event.kind == .retransmitted
        let text0 = (retx ? "재전송 " : "") + label(seg)
        if !lost {
            marks.arrows.append(arrow(a, b, line: retx ? "sl-dash" : "sl-line", head: "sl-ink", size: 9))
            marks.labels.append(arrowLabel(text0, a, b))
        } else {
            let x = a.0 + (b.0 - a.0) * 0.55
            let yy = a.1 + (b.1 - a.1) * 0.9
            marks.arrows.append(line(a.0, a.1, x, yy, retx ? "sl-dash" : "sl-line"))
            marks.arrows.append(line(x - 6, yy - 6, x + 6, yy + 6, "sl-warn") + line(x - 6, yy + 6, x + 6, yy - 6, "sl-warn"))
            marks.labels.append(text(x + 10, yy + 4, "유실", "sl-s sl-warntext"))
            marks.labels.append(arrowLabel(text0, a, (x, yy)))
        }
    }

    /// Segments still in flight after the frame's step: a dashed stub heading for the receiver.
    static func addInFlight(_ pending: [Int: [(y: Double, event: SegmentEvent)]], _ L: Layout, bottomY: Double,
                            to marks: inout SegmentMarks) {
        for id in pending.keys.sorted() {
            for start in pending[id] ?? [] {
                let seg = start.event.segment
                let a = (L.laneX[seg.fromHost], start.y)
                let b = (a.0 + (L.laneX[seg.toHost] - a.0) * 0.45, max(start.y + 14, bottomY - 6))
                marks.arrows.append(arrow(a, b, line: "sl-dash", head: "sl-ink", size: 8))
                let retx = start.event.kind == .retransmitted
                marks.labels.append(arrowLabel((retx ? "재전송 " : "") + label(seg) + " (전송 중)", a, b))
            }
        }
    }

    /// Lane lines, broken around state chips.
    static func drawLanes(_ trace: Trace, _ L: Layout, chips: [Int: [Double]], bottomY: Double, into svg: inout SVG) {
        for i in trace.hosts.indices {
            let x = L.laneX[i]
            var y0 = 70.0
            for cy in (chips[i] ?? []).sorted() {
                if cy - 10 > y0 { svg.add(line(x, y0, x, cy - 10, "sl-line")) }
                y0 = cy + 10
            }
            if bottomY > y0 { svg.add(line(x, y0, x, bottomY, "sl-line")) }
        }
    }

    /// The host's socket structures after a step, oldest first: a closed and reclaimed one is gone.
    static func currentSockets(_ step: StepRecord, host: String) -> [SocketSnapshot] {
        step.sockets.filter { $0.host == host && ($0.state != .closed || $0.fd != nil) }.sorted { $0.id < $1.id }
    }

    static func chip(_ name: String, x: Double, y: Double, current: Bool, into svg: inout SVG) {
        let w = textWidth(name, size: 11) + 14
        svg.add(rect(x - w / 2, y - 9, w, 18, current ? "sl-hlbox" : "sl-box2", rx: 9))
        svg.add(text(x, y + 4, name, current ? "sl-s sl-hltext" : "sl-s", anchor: .middle))
    }

    static func arrowLabel(_ s: String, _ a: (Double, Double), _ b: (Double, Double)) -> String {
        // Above the arrow: lift the text by how much the arrow rises under half its width.
        let mx = (a.0 + b.0) / 2, my = (a.1 + b.1) / 2
        let dx = abs(b.0 - a.0), dy = abs(b.1 - a.1)
        let rise = dx > 0 ? dy / dx * textWidth(s, size: 11) / 2 : 0
        return text(mx, my - 5 - min(rise, 30), s, "sl-s sl-halo", anchor: .middle)
    }

    // MARK: - Words

    static func describe(_ trace: Trace, _ L: Layout, step k: Int) -> String {
        let step = trace.steps[k - 1]
        var parts: [String] = []
        var left = 0
        for e in step.segments {
            if L.hidden.contains(e.segment.id) {
                left += 1
                continue
            }
            let who = "\(trace.hostName(e.segment.fromHost))→\(trace.hostName(e.segment.toHost))"
            let what: String
            switch e.kind {
            case .sent: what = "송신"
            case .retransmitted: what = "재전송"
            case .delivered: what = "도착"
            case .dropped: what = "유실"
            }
            parts.append("\(who) \(Spoken.segment(e.segment)) \(what)" + (e.note.map { " (\(Spoken.note($0)))" } ?? ""))
        }
        if left > 0 { parts.append("그 밖의 세그먼트 사건 \(left)개") }
        for c in step.transitions { parts.append("\(c.host)의 소켓 \(c.socket): \(c.from.rawValue) → \(c.to.rawValue) (\(Spoken.cause(c.cause)))") }
        let states = trace.hosts.map { h in
            "\(h.name) " + (currentSockets(step, host: h.name).map { "\($0.state.rawValue)(소켓 \($0.id))" }.joined(separator: "·").nilIfEmpty ?? "소켓 없음")
        }
        return (parts.isEmpty ? "이 단계에는 세그먼트가 없다." : "이 단계: " + parts.joined(separator: "; ") + ".")
            + " 현재 상태: " + states.joined(separator: ", ") + "."
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
