import SocketSim

/// Which steps a figure draws, and how frames are named and identified.
enum FrameSteps {
    /// The trace a kind needs, or the error that says it is missing or empty.
    static func trace(_ request: FigureRequest) throws(DiagramError) -> Trace {
        guard let trace = request.trace else { throw .missingTrace(request.kind) }
        guard !trace.steps.isEmpty else { throw .emptyTrace(request.kind) }
        return trace
    }

    /// The 1-based steps to draw: `after` when given (checked), otherwise every step.
    static func steps(_ request: FigureRequest, _ trace: Trace) throws(DiagramError) -> [Int] {
        if request.after.isEmpty { return Array(1...trace.steps.count) }
        try check(request.after, trace)
        return request.after
    }

    static func check(_ steps: [Int], _ trace: Trace) throws(DiagramError) {
        for k in steps where k < 1 || k > trace.steps.count {
            throw .stepOutOfRange(step: k, stepCount: trace.steps.count)
        }
    }

    /// `3단계 후: client: send 5000`.
    static func label(_ trace: Trace, _ k: Int) -> String {
        let step = trace.steps[k - 1]
        return "\(k)\(labelSeparator)\(step.actor): \(step.shownCall)"
    }

    /// What comes between a frame's step number and its step (`Frame.labelParts`).
    static let labelSeparator = "단계 후: "

    /// The root id of frame `n` (1-based) of a figure: unique across figures and frames of a page.
    static func prefix(_ request: FigureRequest, frame n: Int) -> String {
        "\(idSafe(request.id))-f\(n)"
    }

    /// The host named in the request, checked against the trace.
    static func host(_ name: String?, in trace: Trace) throws(DiagramError) -> Int? {
        guard let name else { return nil }
        guard let i = trace.hosts.firstIndex(where: { $0.name == name }) else {
            throw .unknownHost(name, known: trace.hosts.map(\.name))
        }
        return i
    }

    /// The caption, or a title made from the trace when the caption is empty.
    static func title(_ request: FigureRequest, fallback: String) -> String {
        request.caption.isEmpty ? fallback : request.caption
    }
}

extension StepRecord {
    /// The step's text as figures show it: a time step's duration in Korean (`+60초`, not
    /// `+60000ms`); calls and network actions as the scenario wrote them.
    var shownCall: String {
        switch action {
        case .advance: return DurationText.koreanStep(text)
        case .call, .network: return text
        }
    }

    func socket(_ id: Int?) -> SocketSnapshot? {
        guard let id else { return nil }
        return sockets.first { $0.id == id }
    }

    func host(_ name: String) -> HostSnapshot? { hosts.first { $0.name == name } }
}

extension Endpoint {
    /// `*:80` as the chapter writes INADDR_ANY.
    var shown: String { description }
}
