import CourseModel
import Diagrams
import ScenarioLoading
import SocketSim

/// The textbook's situations, written here rather than read from content/ so that editing the
/// chapter's scenarios never moves the golden files.
enum Scenarios {
    /// Section 6.1: three sends of 1000, 2000 and 5000 bytes, with the receiver's recv calls between.
    static let threeSends = """
    title: "세 번의 send()"
    sqs: 8000
    rqs: 8000
    network: manual
    steps:
      - client: send 1000
      - client: send 2000
      - net: transfer 1500
      - client: send 5000
      - server: recv 2000
      - net: transfer 5000
      - server: recv 4000
      - net: transfer all
      - server: recv 4000
    """

    /// Section 6.2: both ends send SQS + RQS + 1 bytes at once, SQS = RQS = 500.
    static let deadlock = """
    title: "교착상태"
    sqs: 500
    rqs: 500
    network: auto
    steps:
      - client: send 1001
      - server: send 1001
      - client: recv 1001
      - server: recv 1001
    """

    /// Section 6.4.1: the three-way handshake, one segment delivered per step.
    static let handshake = """
    title: "3-way 핸드셰이크"
    network: manual
    steps:
      - server: listen 80
      - client: connect server:80
      - net: deliver
      - net: deliver
      - net: deliver
      - server: accept
    """

    /// Section 6.4.2: the four-way close, the client closing first, then TIME_WAIT running out.
    static let fourWayClose = """
    title: "4-way 핸드셰이크"
    network: manual
    steps:
      - client: close
      - net: deliver
      - net: deliver
      - server: recv 1000
      - server: close
      - net: deliver
      - net: deliver
      - time: +60s
    """

    /// A whole life: open, a little data, close, TIME_WAIT.
    static let lifecycle = """
    title: "소켓의 일생"
    network: manual
    steps:
      - server: listen 80
      - client: connect server:80
      - net: deliver
      - net: deliver
      - net: deliver
      - server: accept
      - client: send 300
      - net: transfer all
      - server: recv 300
      - client: close
      - net: deliver
      - net: deliver
      - server: close
      - net: deliver
      - net: deliver
      - time: +60s
    """

    /// The circular array: fill SendQ, drain half, send a quarter that wraps around.
    static let ring = """
    title: "순환 배열"
    sqs: 500
    rqs: 500
    network: manual
    steps:
      - client: send 500
      - net: transfer 250
      - client: send 125
      - net: transfer all
      - client: send 200
    """

    /// A lost SYN and its retransmission.
    static let lostSyn = """
    title: "SYN 유실"
    network: manual
    rto: 1s
    steps:
      - server: listen 80
      - client: connect server:80
      - net: drop
      - time: +1s
      - net: deliver
      - net: deliver
      - net: deliver
    """

    static func trace(_ yaml: String, file: String = "test.yaml") throws -> Trace {
        try Simulator.run(try ScenarioLoader.load(text: yaml, file: file))
    }

    /// Every figure the golden tests pin, by golden file name.
    static func goldenRequests() throws -> [(name: String, request: FigureRequest)] {
        let three = try trace(threeSends), dead = try trace(deadlock), hs = try trace(handshake)
        let close = try trace(fourWayClose), life = try trace(lifecycle), ringTrace = try trace(ring)
        return [
            ("three-sends-queues", FigureRequest(id: "q3", kind: .queues, trace: three, caption: "세 번의 send() 후 각 큐의 상태")),
            ("three-sends-socket-structure", FigureRequest(id: "ss", kind: .socketStructure, trace: three, after: [4, 9], caption: "소켓 구조체")),
            ("deadlock", FigureRequest(id: "dl", kind: .deadlock, trace: dead, caption: "교착상태 (SQS = RQS = 500)")),
            ("handshake-sequence", FigureRequest(id: "hs", kind: .sequence, trace: hs, caption: "3-way 핸드셰이크")),
            ("handshake-listener", FigureRequest(id: "ls", kind: .listener, trace: hs, host: "server", caption: "SYN마다 새 소켓")),
            ("handshake-socket-structure", FigureRequest(id: "hss", kind: .socketStructure, trace: hs, host: "server", caption: "서버의 소켓 구조체")),
            ("four-way-close-sequence", FigureRequest(id: "fw", kind: .sequence, trace: close, caption: "4-way 핸드셰이크")),
            ("segment-format", FigureRequest(id: "sf", kind: .segmentFormat, caption: "TCP 세그먼트 형식")),
            ("segment-format-syn-ack", FigureRequest(id: "sfa", kind: .segmentFormat, trace: hs, after: [3], caption: "SYN+ACK 세그먼트")),
            ("state-diagram-client", FigureRequest(id: "sd", kind: .stateDiagram, trace: life, after: [2, 4, 10, 12, 16], host: "client", caption: "클라이언트 소켓의 상태 변화")),
            ("state-diagram-server", FigureRequest(id: "sds", kind: .stateDiagram, trace: life, after: [16], host: "server", caption: "서버 소켓의 상태 변화")),
            ("throughput", FigureRequest(id: "tp", kind: .throughput, caption: "버퍼 크기와 처리량",
                                         options: ["sizes": "500,1000,2000,4000,8000,16000,32000,64000", "bytes": "1000000"])),
            ("ring", FigureRequest(id: "rg", kind: .ring, trace: ringTrace, host: "client", queue: "sendq", caption: "순환 배열로 본 SendQ")),
        ]
    }
}
