/// Texts made of tokens, for equivalence tests of text readers: every concatenation of up to four
/// `short` tokens, then `random` longer ones drawn from `long` by a fixed linear congruential
/// sequence starting at `seed`, so a failure is the same on every run.
public enum TokenTexts {
    public static func make(short: [String], long: [String], seed: UInt64, random: Int = 3_000) -> [String] {
        var out = [""]
        var layer = [""]
        for _ in 1...4 {
            layer = layer.flatMap { prefix in short.map { prefix + $0 } }
            out += layer
        }
        var seed = seed
        for _ in 0..<random {
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
