extension DurationText {
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

extension DurationText {
    /// Text shown to students with every `30000ms` written the Korean way (`30초`), so a duration
    /// an exercise computes (`MSL = {msl}ms`) reads like the chapter's prose. Code spans
    /// (between backticks) are kept: there `+30000ms` is scenario notation a student may type.
    /// A number counts only as a whole word: `x30ms`, `1.5ms` and `30msg` are left alone.
    /// `marker`, when given, is text that stands for a number not known yet (the site's
    /// placeholder for a value that differs per student): `MARKERms` becomes `MARKER밀리초`.
    public static func koreanMilliseconds(in text: String, markerSuffix: String? = nil) -> String {
        guard text.contains("ms") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var at = 0
        for edit in koreanMillisecondEdits(in: scalars, markerSuffix: markerSuffix) {
            out.append(contentsOf: scalars[at..<edit.range.lowerBound])
            out.append(contentsOf: edit.replacement.unicodeScalars)
            at = edit.range.upperBound
        }
        out.append(contentsOf: scalars[at...])
        return String(out)
    }

    /// One rewrite `koreanMilliseconds` makes: the scalars `range` (a number and its `ms`, or the
    /// `ms` after a marker) become `replacement`; `digits` is where the number was (empty after a
    /// marker). The hint check applies the same rewrites to a traced text, so it reads exactly
    /// what students read and still knows which part of it came from which placeholder.
    public struct KoreanEdit: Sendable, Hashable {
        public var range: Range<Int>
        public var digits: Range<Int>
        public var replacement: String
    }

    /// The rewrites of `koreanMilliseconds(in:markerSuffix:)`, in order, not overlapping.
    public static func koreanMillisecondEdits(in t: [Unicode.Scalar], markerSuffix: String? = nil) -> [KoreanEdit] {
        var edits: [KoreanEdit] = []
        let marker = markerSuffix.map { Array($0.unicodeScalars) } ?? []
        func isWordScalar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "."
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        var inCode = false
        var i = 0
        while i < t.count {
            let c = t[i]
            if c == "`" { inCode.toggle(); i += 1; continue }
            guard !inCode, c == "m", i + 1 < t.count, t[i + 1] == "s",
                  i + 2 >= t.count || !(t[i + 2].isASCII && t[i + 2].properties.isAlphabetic) else { i += 1; continue }
            // Digits just before, as a whole word.
            var start = i
            while start > 0, isDigit(t[start - 1]) { start -= 1 }
            let wordBefore = start > 0 && isWordScalar(t[start - 1])
            if start < i, i - start <= 12, !wordBefore, let ms = Int(String(String.UnicodeScalarView(t[start..<i]))) {
                edits.append(KoreanEdit(range: start..<(i + 2), digits: start..<i, replacement: korean(ms)))
            } else if !marker.isEmpty, i >= marker.count, Array(t[(i - marker.count)..<i]) == marker {
                edits.append(KoreanEdit(range: i..<(i + 2), digits: i..<i, replacement: "밀리초"))
            } else {
                i += 1
                continue
            }
            i += 2
        }
        return edits
    }
}
