extension Duration {
    /// Milliseconds the way the chapter writes them in Korean: `60초`, `2분`, `1.5초`, `500밀리초`.
    ///
    /// Whole minutes from two minutes up (a minute reads better as `60초` next to RTOs of seconds);
    /// this is only what is shown: scenario YAML keeps `30s` and `2min`, and JSON keeps milliseconds.
    public static func korean(_ ms: Int) -> String {
        if ms >= 120_000 && ms % 60_000 == 0 { return "\(ms / 60_000)분" }
        if ms % 1_000 == 0 { return "\(ms / 1_000)초" }
        if ms > 1_000 && ms % 100 == 0 { return "\(ms / 1_000).\(ms % 1_000 / 100)초" }
        return "\(ms)밀리초"
    }

    /// A time step's text (`+60000ms`, `+30s`) shown in Korean (`+60초`); other text unchanged.
    public static func koreanStep(_ text: String) -> String {
        var t = text.trimmingSpaces()
        guard t.hasPrefix("+") else { return text }
        t.removeFirst()
        guard let ms = milliseconds(t), ms >= 0 else { return text }
        return "+" + korean(ms)
    }
}
