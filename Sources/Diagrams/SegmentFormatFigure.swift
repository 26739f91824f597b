import SocketSim

/// The TCP header, 32 bits to a row, with a bit ruler; filled in with a real segment's values when
/// the request names a step of a trace.
enum SegmentFormatFigure {
    static let bitW = 24.0, left = 60.0, rowH = 46.0, rulerTop = 58.0

    struct Field {
        var bits: Int
        var name: String
        var english: String
        var value: String?
        var highlighted = false
    }

    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        var segment: Segment?
        var heading = "TCP 세그먼트의 헤더 형식 (한 줄 = 32비트)"
        var stepLabel = ""
        var spokenStep = "", spokenHeading = ""
        if let trace = request.trace, !request.after.isEmpty {
            guard request.after.count == 1 else { throw .tooManySteps(.segmentFormat, given: request.after.count) }
            try FrameSteps.check(request.after, trace)
            let k = request.after[0]
            guard let e = trace.steps[k - 1].segments.first(where: { $0.kind == .sent || $0.kind == .retransmitted }) else {
                throw .noSegment(step: k)
            }
            segment = e.segment
            stepLabel = FrameSteps.label(trace, k)
            spokenStep = Spoken.step(trace, k)
            heading = "\(k)단계에 \(trace.hostName(e.segment.fromHost))가 보낸 세그먼트: \(SequenceFigure.label(e.segment))"
                + " (\(e.segment.source.shown) → \(e.segment.destination.shown))"
            spokenHeading = "\(k)단계에 \(trace.hostName(e.segment.fromHost))가 보낸 세그먼트: \(Spoken.segment(e.segment))"
                + " (\(e.segment.source.shown) → \(e.segment.destination.shown))"
        }
        let rows = layout(segment)
        let width = left + 32 * bitW + 40
        let height = rulerTop + 30 + Double(rows.count) * rowH + 20 + 56
        let title = FrameSteps.title(request, fallback: "TCP 세그먼트 형식")
        var svg = SVG(prefix: FrameSteps.prefix(request, frame: 1), width: width, height: height, title: title, desc: "")
        svg.add(text(16, 24, heading, "sl-h"))

        // Bit ruler: tens above units, as RFC 9293 draws it.
        for b in 0..<32 {
            let x = left + Double(b) * bitW + bitW / 2
            if b % 10 == 0 { svg.add(text(x, rulerTop, "\(b / 10)", "sl-s sl-dim", anchor: .middle)) }
            svg.add(text(x, rulerTop + 15, "\(b % 10)", "sl-s sl-dim", anchor: .middle))
        }
        svg.add(text(left + 16 * bitW, rulerTop - 16, "비트", "sl-s sl-dim", anchor: .middle))
        let top = rulerTop + 24
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * rowH
            let variable = row.count == 1 && row[0].bits == 0
            if r < 5 { svg.add(text(left - 10, y + 28, "\(r * 4)", "sl-s sl-dim", anchor: .end)) }
            var bit = 0
            for f in row {
                let bits = f.bits == 0 ? 32 : f.bits
                let x = left + Double(bit) * bitW, w = Double(bits) * bitW
                svg.add(rect(x, y, w, rowH, f.highlighted ? "sl-hlbox" : variable ? "sl-zone" : "sl-box"))
                if bits == 1 {
                    svg.add(text(x + w / 2, y + 18, f.english, "sl-s", anchor: .middle))
                    svg.add(text(x + w / 2, y + 36, f.value ?? "", f.highlighted ? "sl-b sl-hltext" : "sl-t", anchor: .middle))
                } else if let v = f.value {
                    svg.add(text(x + w / 2, y + 17, "\(f.name) (\(f.english))", "sl-s sl-dim", anchor: .middle))
                    svg.add(text(x + w / 2, y + 36, v, "sl-b sl-hltext", anchor: .middle))
                } else {
                    svg.add(text(x + w / 2, y + 20, f.name, "sl-t", anchor: .middle))
                    svg.add(text(x + w / 2, y + 36, f.english + (f.bits > 0 ? " · \(f.bits)비트" : ""), "sl-s sl-dim", anchor: .middle))
                }
                bit += bits
            }
        }
        let noteY = top + Double(rows.count) * rowH + 24
        svg.add(text(16, noteY, "왼쪽 숫자는 헤더 시작부터의 바이트 위치. 옵션이 없으면 헤더는 20바이트(헤더 길이 5 × 4바이트).", "sl-s sl-dim"))
        if segment != nil {
            svg.add(text(16, noteY + 18, "체크섬은 시뮬레이터가 계산하지 않으므로 비워 둔다. 파란 칸은 이 세그먼트에서 값이 1인 제어 비트.", "sl-s sl-dim"))
        }
        let words = rows.flatMap { $0 }.map { "\($0.name)" + ($0.bits > 0 ? " \($0.bits)비트" : "") + ($0.value.map { " = \($0)" } ?? "") }
        svg.desc = (spokenStep.isEmpty ? "" : "\(spokenStep). \(spokenHeading). ") + "TCP 헤더의 필드를 32비트 줄 단위로: " + words.joined(separator: ", ") + "."
        return Figure(id: request.id, frames: [Frame(label: stepLabel, svg: svg.render())], description: svg.desc)
    }

    static func layout(_ s: Segment?) -> [[Field]] {
        func v(_ f: (Segment) -> String) -> String? { s.map(f) }
        func flag(_ name: String, _ bit: TCPFlags?) -> Field {
            let set = s.map { seg in bit.map { seg.flags.contains($0) } ?? false } ?? false
            return Field(bits: 1, name: name, english: name, value: s == nil ? nil : (set ? "1" : "0"), highlighted: set)
        }
        let data: String? = s.map { seg in
            guard seg.length > 0 else { return "없음 (0바이트)" }
            let from = seg.payload.first.map { " — send #\($0.origin.send)의 \($0.start)번째 바이트부터" } ?? ""
            return "\(seg.length)바이트\(from)"
        }
        return [
            [Field(bits: 16, name: "발신지 포트", english: "Source Port", value: v { "\($0.source.port)" }),
             Field(bits: 16, name: "목적지 포트", english: "Destination Port", value: v { "\($0.destination.port)" })],
            [Field(bits: 32, name: "순서 번호", english: "Sequence Number", value: v { "\($0.seq & 0xFFFF_FFFF)" })],
            [Field(bits: 32, name: "확인 응답 번호", english: "Acknowledgment Number",
                   value: v { $0.flags.contains(.ack) ? "\($0.ack & 0xFFFF_FFFF)" : "0 (ACK 비트가 0이라 무시)" })],
            [Field(bits: 4, name: "헤더 길이", english: "Offset", value: v { _ in "5" }),
             Field(bits: 6, name: "예약", english: "Reserved", value: v { _ in "0" }),
             flag("URG", nil), flag("ACK", .ack), flag("PSH", .psh), flag("RST", .rst), flag("SYN", .syn), flag("FIN", .fin),
             Field(bits: 16, name: "윈도우 크기", english: "Window", value: v { "\($0.window)" })],
            [Field(bits: 16, name: "체크섬", english: "Checksum", value: v { _ in "(계산 생략)" }),
             Field(bits: 16, name: "긴급 포인터", english: "Urgent Pointer", value: v { _ in "0" })],
            [Field(bits: 0, name: "옵션과 채움", english: "Options + Padding (가변 길이)", value: v { _ in "없음" })],
            [Field(bits: 0, name: "데이터", english: "Data (가변 길이)", value: data)],
        ]
    }
}
