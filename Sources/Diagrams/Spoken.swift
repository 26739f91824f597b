import SocketSim

/// What a figure says in words (its SVG `<desc>`, which screen readers read and the stepper
/// announces), in Korean. The drawing keeps the chapter's notation (`net: deliver`,
/// `SYN seq=1000`, RFC 9293's arrow labels), which the chapter explains once; the words spell it
/// out, so that no English reaches a Korean sentence. Identifiers stay as they are: state names,
/// call names, host names, SendQ/RecvQ, SYN/ACK/FIN.
enum Spoken {
    /// `3단계 후: 네트워크가 세그먼트 하나를 전달` for the frame label `3단계 후: net: deliver`.
    static func step(_ trace: Trace, _ k: Int) -> String {
        "\(k)단계 후: " + step(trace.steps[k - 1])
    }

    /// A scenario step in words: network and time steps in Korean, program calls as
    /// `host: call` with their flags spelled as the socket options they stand for.
    static func step(_ record: StepRecord) -> String {
        switch record.action {
        case .network(let call):
            return network(call)
        case .advance:
            // As written: `+30s` reads `30초`, whatever unit the scenario used.
            let shown = DurationText.koreanStep(record.text)
            return shown.hasPrefix("+") ? "시간이 \(shown.dropFirst()) 흐름" : "시간: \(shown)"
        case .call:
            let flags = ["reuseaddr": "(SO_REUSEADDR)", "nonblock": "(O_NONBLOCK)"]
            let shown = record.text.split(separator: " ").map { flags[$0.lowercased()] ?? String($0) }.joined(separator: " ")
            return "\(record.actor): \(shown)"
        }
    }

    /// What the network does, in words.
    static func network(_ call: NetworkCall) -> String {
        switch call {
        case .transfer(let limit, _):
            if let limit { return "네트워크가 \(limit)바이트를 옮김" }
            return "네트워크가 보낼 수 있는 바이트를 모두 옮김"
        case .deliver(let count):
            guard let count else { return "네트워크가 날아가는 세그먼트를 모두 전달" }
            return count == 1 ? "네트워크가 세그먼트 하나를 전달" : "네트워크가 세그먼트 \(count)개를 전달"
        case .drop(let count):
            return count == 1 ? "네트워크가 세그먼트 하나를 버림" : "네트워크가 세그먼트 \(count)개를 버림"
        }
    }

    /// `SYN(순서 번호 1000)`, `ACK(확인 번호 2001)`, `데이터 250바이트(순서 번호 2001)`.
    static func segment(_ s: Segment) -> String {
        let seq = s.seq & 0xFFFF_FFFF, ack = s.ack & 0xFFFF_FFFF
        if s.length > 0 {
            return "데이터 \(s.length)바이트(순서 번호 \(seq))" + (s.flags.contains(.fin) ? "와 FIN" : "")
        }
        if s.flags == .ack { return "ACK(확인 번호 \(ack))" }
        if s.flags.contains(.ack) { return "\(s.flags.label)(순서 번호 \(seq), 확인 번호 \(ack))" }
        return "\(s.flags.label)(순서 번호 \(seq))"
    }

    /// RFC 9293's arrow label in Korean (`rcv SYN / snd SYN,ACK` is `SYN 수신 / SYN+ACK 송신`).
    static func cause(_ c: TransitionCause) -> String {
        switch c {
        case .passiveOpen: return "수동 열기"
        case .activeOpen: return "능동 열기 / SYN 송신"
        case .rcvSyn: return "SYN 수신 / SYN+ACK 송신"
        case .rcvSynAck: return "SYN+ACK 수신 / ACK 송신"
        case .rcvAckOfSyn: return "SYN에 대한 ACK 수신"
        case .close: return "close() / FIN 송신"
        case .closeWithoutFin: return "close()"
        case .rcvFin: return "FIN 수신 / ACK 송신"
        case .rcvAckOfFin: return "FIN에 대한 ACK 수신"
        case .rcvFinAckOfFin: return "FIN과 FIN에 대한 ACK 수신 / ACK 송신"
        case .timeout2MSL: return "2MSL 타이머 만료"
        case .rcvRst: return "RST 수신"
        case .retransmissionTimeout: return "재전송 타이머 만료"
        case .finWait2Timeout: return "FIN_WAIT_2 타이머 만료"
        case .listenerClosed: return "듣는 소켓이 닫힘 / RST 송신"
        case .rcvDataAfterClose: return "닫은 뒤 데이터 수신 / RST 송신"
        }
    }

    /// The simulator's note on a segment event in Korean. The notes are the simulator's own
    /// English (its trace and JSON keep them); an unknown one is kept, and the site test that
    /// looks for English in figure descriptions names it.
    static func note(_ note: String) -> String {
        switch note {
        case "lost in the network": return "네트워크에서 사라짐"
        case "the receiving program has closed the socket": return "받을 프로그램이 이미 소켓을 닫음"
        case "no socket for this connection: RST": return "이 연결의 소켓이 없어 RST로 답함"
        case "SYN arrived again": return "SYN이 다시 도착함"
        case "FIN again in TIME_WAIT: ACK and restart the 2MSL timer": return "TIME_WAIT에서 FIN이 다시 옴: ACK로 답하고 2MSL 타이머를 다시 시작"
        default:
            if note.hasPrefix("retransmission "), let n = Int(note.dropFirst("retransmission ".count)) {
                return "\(n)번째 재전송"
            }
            return note
        }
    }
}
