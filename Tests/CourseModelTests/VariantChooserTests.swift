@testable import CourseModel
import Crypto
import Testing

/// The variant chooser's own HMAC gives exactly HMAC<SHA256>, so every student keeps the variant
/// the first version of the chooser gave them.
@Suite struct VariantChooserMAC {
    @Test(arguments: ["", "k", "socklab-bench-secret", String(repeating: "x", count: 64), String(repeating: "y", count: 65),
                      "한국어 비밀 " + String(repeating: "z", count: 90)])
    func sameAsCryptoHMAC(secret: String) {
        let chooser = VariantChooser(secret: secret)
        let key = SymmetricKey(data: Array(secret.utf8))
        for message in ["", "a/b", "deadlock-smallest-n/s2024001", "x/y#1", String(repeating: "m", count: 200)] {
            let bytes = Array(message.utf8)
            let ours = bytes.withUnsafeBytes { Array(chooser.mac($0)) }
            let reference = Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
            #expect(ours == reference, "\(message)")
        }
    }

    /// The index as the first version computed it: HMAC<SHA256> over "exercise/student" (and
    /// "#block" for parameters past the fourth), big-endian words modulo the number of candidates.
    static func referenceIndex(_ e: Exercise, _ student: String, secret: String) -> Int {
        let key = SymmetricKey(data: Array(secret.utf8))
        var words: [UInt64] = []
        var index = 0, radix = 1
        for (i, p) in e.parameters.enumerated() {
            let candidates = p.candidates
            guard candidates.count > 1 else { continue }
            while i >= words.count {
                let block = words.count / 4
                let message = "\(e.id)/\(student)" + (block == 0 ? "" : "#\(block)")
                let mac = Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
                for w in 0..<4 { words.append(mac[(w * 8)..<(w * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) }
            }
            index += Int(words[i] % UInt64(candidates.count)) * radix
            radix *= candidates.count
        }
        return index
    }

    @Test func indicesMatchTheReference() throws {
        let c = try Content.load()
        let chooser = VariantChooser(secret: "test-secret")
        var varied = 0
        for e in c.catalog.exercises {
            for n in 0..<40 {
                let student = "s\(2024000 + n)"
                #expect(chooser.index(of: e, for: student) == Self.referenceIndex(e, student, secret: "test-secret"), "\(e.id) \(student)")
            }
            if e.hasVariants { varied += 1 }
            // Candidates without making the list agree with the list.
            for p in e.parameters {
                #expect(p.candidateCount == p.candidates.count)
                for (i, v) in p.candidates.enumerated() {
                    #expect(p.candidate(at: i) == v)
                    #expect(p.candidateIndex(of: v) == i)
                }
            }
        }
        #expect(varied >= 20)
    }
}
