extension AnswerValue {
    /// The rendering students read (Korean): 예/아니요, "반환하지 않음" for a call that never returns.
    public var korean: String {
        switch self {
        case .boolean(let b): return b ? "예" : "아니요"
        case .never: return "반환하지 않음"
        case .counts(let c):
            if c.isEmpty { return "없음" }
            return AnswerValue.sortedCountKeys(c).map { "\($0): \(c[$0]!)바이트" }.joined(separator: ", ")
        case .list(let items): return items.isEmpty ? "없음" : items.joined(separator: ", ")
        case .integer, .text: return display
        }
    }
}
