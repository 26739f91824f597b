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

extension Duration {
    /// Text shown to students with every `30000ms` written the Korean way (`30초`), so a duration
    /// an exercise computes (`MSL = {msl}ms`) reads like the chapter's prose. Code spans
    /// (between backticks) are kept: there `+30000ms` is scenario notation a student may type.
    /// A number counts only as a whole word: `x30ms`, `1.5ms` and `30msg` are left alone.
    /// `marker`, when given, is text that stands for a number not known yet (the site's
    /// placeholder for a value that differs per student): `MARKERms` becomes `MARKER밀리초`.
    public static func koreanMilliseconds(in text: String, markerSuffix: String? = nil) -> String {
        guard text.contains("ms") else { return text }
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = 0
        var inCode = false
        func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }
        while i < chars.count {
            let c = chars[i]
            if c == "`" { inCode.toggle(); out.append(c); i += 1; continue }
            if !inCode, c == "m", i + 1 < chars.count, chars[i + 1] == "s",
               i + 2 >= chars.count || !(chars[i + 2].isASCII && chars[i + 2].isLetter) {
                // Digits just before, as a whole word.
                var start = out.endIndex
                var digits = ""
                while start > out.startIndex {
                    let p = out.index(before: start)
                    guard out[p].isASCII, out[p].isNumber else { break }
                    digits.insert(out[p], at: digits.startIndex)
                    start = p
                }
                let before = start > out.startIndex ? out[out.index(before: start)] : nil
                if !digits.isEmpty, digits.count <= 12, before.map({ !isWordChar($0) }) ?? true, let ms = Int(digits) {
                    out.removeSubrange(start...)
                    out += korean(ms)
                    i += 2
                    continue
                }
                if let markerSuffix, out.hasSuffix(markerSuffix) {
                    out += "밀리초"
                    i += 2
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
