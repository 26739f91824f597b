/// Texts with `{…}` placeholders in every awkward arrangement, for the tests that check each reader
/// of exercise texts (`ExerciseText`, the site's symbolic rendering) against the loop it had before
/// `TemplateScanner`: every concatenation of up to four short tokens (unbalanced `{`, `}}`, `{}`,
/// nested braces, Korean, a combining mark that turns `{` into another character, a newline), then
/// longer ones from a fixed pseudo-random sequence, so a failure is the same on every run.
public enum TemplateTexts {
    public static func all(names: [String]) -> [String] {
        let short = ["{", "}", "한국 ", "\u{301}", "{}", "\n"] + names.prefix(3).map { $0 }
        var out = [""]
        var layer = [""]
        for _ in 1...4 {
            layer = layer.flatMap { prefix in short.map { prefix + $0 } }
            out += layer
        }
        let long = short + names + ["{{", "}}", "{ n }", "`", "é", "e\u{301}", "1/0", " ", "(", ")"]
        var seed: UInt64 = 0x7e57
        for _ in 0..<3_000 {
            var s = ""
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0..<Int(seed >> 60) + 4 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                s += long[Int(seed >> 33) % long.count]
            }
            out.append(s)
        }
        return out
    }
}
