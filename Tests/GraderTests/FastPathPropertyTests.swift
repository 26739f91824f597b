import Foundation
@testable import Grader
import SocketSim
import Testing

/// Generated answer files of the template's shape and near misses of it (values made of YAML's
/// syntax characters, quotes, escapes, tabs, control characters, comments, keys written twice, odd indentation):
/// whenever the fast path reads one, it gives exactly the sheet the general way gives, where
/// every value is read by Yams.
@Suite struct FastPathAgreesWithYamsOnGeneratedFiles {
    /// Pieces of values: what students type, and every character YAML reads as syntax.
    static let valueTokens = ["a", "SYN", "SYN+ACK", "+", " ", ":", ": ", "#", " #", " # c", ",", ", ", "[", "]", "{", "}", "'", "''",
                              "\"", "\\", "\\n", "\\t", "\\x41", "-", "- ", "~", "null", "Null", "500", "-3", "1,000", "0x1F", "é", "한국어",
                              "\t", "/", "*", "&", "|", ">", "!", "%", "@", "`", "?", "yes", "send 1", "never", "\u{A0}", "  ",
                              "\u{1B}[31m", "\u{7F}", "\u{85}", "\u{2028}", "\r", "\u{FEFF}"]
    static let keyTokens = ["q", "1", "-", "_", "a", "é", " ", ".", "x"]

    static func pick<T>(_ xs: [T], _ rng: inout SplitMix64) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    static func chance(_ percent: UInt64, _ rng: inout SplitMix64) -> Bool { rng.next() % 100 < percent }

    static func tokens(_ from: [String], _ n: ClosedRange<Int>, _ rng: inout SplitMix64) -> String {
        (0..<Int.random(in: n, using: &rng)).map { _ in pick(from, &rng) }.joined()
    }

    /// A scalar, mostly one the template's readers would meet, sometimes quoted.
    static func scalar(_ rng: inout SplitMix64) -> String {
        let plainish = tokens(chance(60, &rng) ? ["a", "SYN", "500", "-3", "é", "한국어", "send 1", " ", "+", ".", "yes"] : valueTokens, 1...4, &rng)
        switch rng.next() % 6 {
        case 0: return "\"" + plainish + "\""
        case 1: return "'" + plainish + "'"
        default: return plainish
        }
    }

    static func value(_ rng: inout SplitMix64) -> String {
        switch rng.next() % 10 {
        case 0: return ""
        case 1, 2: return "[" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in scalar(&rng) }.joined(separator: pick([", ", ",", " , "], &rng)) + "]"
        case 3, 4: return "{" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in scalar(&rng) + pick([": ", ":", " : "], &rng) + scalar(&rng) }.joined(separator: ", ") + "}"
        case 5: return tokens(valueTokens, 1...6, &rng)
        default: return scalar(&rng)
        }
    }

    static func key(_ rng: inout SplitMix64) -> String {
        let k = tokens(keyTokens, 1...3, &rng)
        return chance(10, &rng) ? "\"\(k)\"" : k
    }

    /// Comment and blank lines, sometimes.
    static func filler(_ indent: String, _ rng: inout SplitMix64) -> [String] {
        guard chance(15, &rng) else { return [] }
        return [pick(["", indent + "# 주석", "#", "   ", indent + "  # deeper"], &rng)]
    }

    static func file(_ rng: inout SplitMix64) -> String {
        var lines = filler("", &rng)
        lines.append("student: " + pick(["s001", "\"s001\"", "'s-1.a'", "s001 # 학번", "kim.minji"], &rng))
        lines += filler("", &rng)
        lines.append("exercises:")
        let e = String(repeating: " ", count: Int.random(in: 1...3, using: &rng))
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let f = e + String(repeating: " ", count: Int.random(in: 1...3, using: &rng))
            lines.append(e + pick(["ex-a", "ex-b", "deadlock-n", "\"ex-q\""], &rng) + ":")
            if chance(50, &rng) {
                lines.append(f + "variant: {" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                    pick(["n", "sqs", "mode"], &rng) + ": " + (chance(80, &rng) ? pick(["700", "auto", "1000"], &rng) : scalar(&rng))
                }.joined(separator: ", ") + "}")
            }
            if chance(40, &rng) { lines.append(f + "tag: " + (chance(80, &rng) ? "9f86d081884c7d65" : scalar(&rng))) }
            lines += filler(f, &rng)
            lines.append(f + "answers:")
            let a = f + String(repeating: " ", count: Int.random(in: 1...3, using: &rng))
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let v = value(&rng)
                lines.append(a + key(&rng) + ":" + (v.isEmpty ? "" : " " + v) + (chance(10, &rng) ? pick([" # 답", "  #x", " #"], &rng) : ""))
                lines += filler(a, &rng)
            }
        }
        return lines.joined(separator: chance(5, &rng) ? "\r\n" : "\n") + (chance(90, &rng) ? "\n" : "")
    }

    @Test func fastSheetIsTheGeneralSheet() throws {
        var rng = SplitMix64(seed: 13)
        var fast = 0, total = 0
        for _ in 0..<3_000 {
            let text = Self.file(&rng)
            let bytes = Array(text.utf8)
            total += 1
            guard let sheet = AnswerLineReader.sheet(bytes, file: "f.yaml") else { continue }
            fast += 1
            let general = try? AnswerSheet.parseGeneral(bytes: bytes, file: "f.yaml")
            #expect(general == sheet, "\(text)")
            if general != sheet { break }
        }
        // The generator makes both kinds: files the fast path reads, and files it leaves to Yams.
        #expect(fast >= total / 5 && fast <= total * 9 / 10, "\(fast) of \(total) read fast")
    }
}
