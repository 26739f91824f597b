@testable import ClassReport
import Foundation
import SocketSim
import Testing

/// `CopyDetector.significant` works the three digits out by arithmetic and formats only near a
/// rounding boundary; it must give exactly what formatting gives (`%.2e` read back), which is
/// what report.json has always printed.
@Suite struct SignificantTests {
    static func formatted(_ x: Double) -> Double { Double(String(format: "%.2e", x)) ?? x }

    @Test("significant is %.2e read back, for chances of every size")
    func significantIsFormatting() {
        var rng = SplitMix64(seed: 2026)
        func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var xs: [Double] = [0, 1, 0.5, 0.125, 1.125, 0.995, 0.9995, 9.995e-5, 1e-5, 1e-4, 0.001, 0.1, 0.0999999,
                            1e-300, 1e-310, .leastNonzeroMagnitude, .leastNormalMagnitude, 5e-324, 123, 999.5, 1e300,
                            .greatestFiniteMagnitude, .infinity, .nan]
        for _ in 0..<20_000 {
            // Spread over every exponent a Poisson tail can have...
            xs.append(pow(10, -320 * unit()))
            // ...and on and next to the halfway points between two three-digit values, where
            // arithmetic and formatting could round apart.
            let half = (Double(100 + Int(rng.next() % 900)) + 0.5) * pow(10, Double(-Int(rng.next() % 300)) - 3)
            xs += [half, half.nextUp, half.nextDown, half.nextUp.nextUp, half.nextDown.nextDown]
        }
        var mismatches: [String] = []
        for x in xs {
            let fast = CopyDetector.significant(x), slow = x > 0 && x.isFinite ? Self.formatted(x) : x
            if fast.bitPattern != slow.bitPattern && !(fast.isNaN && slow.isNaN) { mismatches.append("\(x): \(fast) vs \(slow)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}

/// The report's CSV cells (RFC 4180 quoting, formula guard), checked byte by byte now that
/// `csvCell` scans bytes rather than characters.
@Suite struct CSVCellTests {
    @Test("cells are quoted exactly when RFC 4180 needs it, quotes doubled, formulas guarded", arguments: [
        ("plain", "plain"), ("a=200, b=300", "\"a=200, b=300\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        (" lead", "\" lead\""), ("trail ", "\"trail \""), ("two\nlines", "\"two\nlines\""),
        // A CRLF is one Character, equal to neither "\r" nor "\n": bytes see it.
        ("two\r\nlines", "\"two\r\nlines\""), (",\u{301}", "\",\u{301}\""),
        ("=1+2", "'=1+2"), ("-5", "-5"), ("+x", "'+x"), ("@sum", "'@sum"), ("-x, y", "\"'-x, y\""),
        ("한국어", "한국어"), ("", ""),
    ])
    func quoting(cell: String, expected: String) {
        #expect(ClassReport.csvCell(cell) == expected)
    }
}
