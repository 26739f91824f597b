import SocketSim

/// The figures the chapter draws, each redrawn from a simulation trace.
public enum FigureKind: String, CaseIterable, Sendable {
    case socketStructure = "socket-structure", listener, queues, ring, deadlock, throughput, sequence
    case segmentFormat = "segment-format", stateDiagram = "state-diagram"
}

/// What the site asks for: one figure of one page.
public struct FigureRequest: Sendable {
    /// Figure id, unique in the page; every SVG id attribute starts with it.
    public var id: String
    public var kind: FigureKind
    /// The run to draw; nil for `segment-format` (an empty header) and `throughput`.
    public var trace: Trace?
    /// 1-based step indices to draw; empty means the kind's default (every step, or the last).
    public var after: [Int]
    public var host: String?
    /// `sendq` or `recvq`, for `ring`.
    public var queue: String?
    /// Korean caption; it becomes each frame's `<title>`.
    public var caption: String
    /// Kind-specific settings, e.g. throughput's `sizes` = `500,1000,2000`, `bytes` = `1000000`.
    public var options: [String: String]

    public init(id: String, kind: FigureKind, trace: Trace? = nil, after: [Int] = [], host: String? = nil,
                queue: String? = nil, caption: String = "", options: [String: String] = [:]) {
        self.id = id
        self.kind = kind
        self.trace = trace
        self.after = after
        self.host = host
        self.queue = queue
        self.caption = caption
        self.options = options
    }
}

/// One picture of a figure, a complete standalone SVG document.
public struct Frame: Sendable, Hashable {
    /// What the frame shows, e.g. `3단계 후: client: send 5000`.
    public var label: String
    public var svg: String

    public init(label: String, svg: String) {
        self.label = label
        self.svg = svg
    }

    /// `label` split where the step in the scenario's notation begins (`3단계 후: ` and
    /// `client: send 5000`), so that a page can show the notation as code inside the Korean
    /// words; the whole label and "" when it names no step.
    public var labelParts: (words: String, step: String) {
        guard let r = label.firstRange(of: FrameSteps.labelSeparator) else { return (label, "") }
        return (String(label[..<r.upperBound]), String(label[r.upperBound...]))
    }
}

/// A rendered figure: its frames in order and a Korean text alternative for the whole.
public struct Figure: Sendable, Hashable {
    public var id: String
    public var frames: [Frame]
    public var description: String

    public init(id: String, frames: [Frame], description: String) {
        self.id = id
        self.frames = frames
        self.description = description
    }
}

/// Why a figure could not be drawn; each message says what was asked and what would work.
public enum DiagramError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingTrace(FigureKind)
    case emptyTrace(FigureKind)
    case stepOutOfRange(step: Int, stepCount: Int)
    case unknownHost(String, known: [String])
    case unknownQueue(String)
    case badOption(name: String, value: String, expected: String)
    case tooManySteps(FigureKind, given: Int)
    case noSegment(step: Int)
    case noListener(host: String?)
    case noSocket(host: String)
    case simulationStuck(size: Int)

    public var description: String {
        switch self {
        case .missingTrace(let kind):
            return "a \(kind.rawValue) figure needs a scenario: give the figure a scenario to draw"
        case .emptyTrace(let kind):
            return "the scenario has no steps, so a \(kind.rawValue) figure has nothing to show"
        case .stepOutOfRange(let step, let count):
            return "step \(step) is out of range: the scenario has \(count) step\(count == 1 ? "" : "s"), so 'after' takes numbers from 1 to \(count)"
        case .unknownHost(let name, let known):
            return "unknown host '\(name)': the scenario's hosts are \(known.joined(separator: ", "))"
        case .unknownQueue(let name):
            return "unknown queue '\(name)': a ring figure draws 'sendq' or 'recvq'"
        case .badOption(let name, let value, let expected):
            return "option \(name)='\(value)' is not valid: expected \(expected)"
        case .tooManySteps(let kind, let given):
            return "a \(kind.rawValue) figure draws one step, but 'after' names \(given): give a single step"
        case .noSegment(let step):
            return "step \(step) sends no segment: choose a step that sends one (for example a connect, a close or a net: deliver that answers)"
        case .noListener(let host):
            if let host { return "host '\(host)' never has a listening socket in this scenario: a listener figure needs a 'listen' step" }
            return "no host has a listening socket in this scenario: a listener figure needs a 'listen' step"
        case .noSocket(let host):
            return "host '\(host)' has no socket in this scenario"
        case .simulationStuck(let size):
            return "the throughput model's send did not finish for buffer size \(size): the simulation made no progress"
        }
    }
}

/// Trace -> SVG: pure functions returning strings.
public enum Diagrams {
    /// Renders one figure. Same request, byte-identical output.
    public static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        switch request.kind {
        case .socketStructure: return try SocketStructureFigure.render(request)
        case .listener: return try ListenerFigure.render(request)
        case .queues: return try QueuesFigure.render(request)
        case .ring: return try RingFigure.render(request)
        case .deadlock: return try DeadlockFigure.render(request)
        case .throughput: return try ThroughputFigure.render(request)
        case .sequence: return try SequenceFigure.render(request)
        case .segmentFormat: return try SegmentFormatFigure.render(request)
        case .stateDiagram: return try StateDiagramFigure.render(request)
        }
    }
}
