import SocketSim
import SourceFiles
import TraceQueries

extension AnswerValue {
    /// The rendering students read (Korean): 예/아니요, "반환하지 않음" for a call that never returns.
    public var korean: String {
        switch self {
        case .boolean(let b): return b ? "예" : "아니요"
        case .never: return "반환하지 않음"
        case .counts(let c):
            if c.isEmpty { return "없음" }
            return AnswerValue.sortedCountKeys(c).map { "\($0): \(c[$0]!)바이트" }.joined(separator: ", ")
        case .list(let items):
            // `recvs` lists a call that never returns as `never`: in Korean as the value alone reads.
            return items.isEmpty ? "없음" : items.map { $0 == AnswerValue.never.display ? AnswerValue.never.korean : $0 }.joined(separator: ", ")
        case .integer, .text: return display
        }
    }

    /// `korean` as Markdown: a choice (`none`, `*:80`) in a code span, as the question lists its
    /// choices; a TCP state by its name (`TIME_WAIT`, as prose writes states) and other values as
    /// Korean text.
    public var koreanMarkdown: String { isShownAsCode ? "`\(korean)`" : korean }

    /// Whether the value is shown as code: a choice (a text that is no TCP state).
    public var isShownAsCode: Bool {
        if case .text(let s) = self { return TCPState(spelling: s) == nil && !s.contains("`") }
        return false
    }
}
