import Crypto
import SocketSim

/// One student's values for an exercise's parameters.
public struct Variant: Sendable, Hashable, CustomStringConvertible {
    /// Parameter values by name.
    public var values: [String: VariantValue]

    public init(_ values: [String: VariantValue]) { self.values = values }

    /// `n=700, mode=auto`, names in alphabetical order: stable for caches, reports and tests.
    public var description: String {
        values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: ", ")
    }

    public var integers: [String: Int] {
        values.compactMapValues { if case .integer(let v) = $0 { return v } else { return nil } }
    }

    public var words: [String: String] {
        values.compactMapValues { if case .text(let s) = $0 { return s } else { return nil } }
    }
}

extension Exercise {
    /// The variant the solutions page shows: each parameter's default.
    public var defaultVariant: Variant {
        Variant(Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) }))
    }

    /// Every variant a student can get (the product of the parameters' candidates), for tests and
    /// for precomputing keys; at most `limit`.
    public func allVariants(limit: Int = 10_000) -> [Variant] {
        var out: [[String: VariantValue]] = [[:]]
        for p in parameters {
            var next: [[String: VariantValue]] = []
            for partial in out {
                for v in p.candidates {
                    var d = partial
                    d[p.name] = v
                    next.append(d)
                    if next.count >= limit { break }
                }
            }
            out = next
        }
        return out.map(Variant.init)
    }

    /// The number of variants: the product of the parameters' numbers of candidates.
    public var variantCount: Int { parameters.reduce(1) { $0 * max(1, $1.candidates.count) } }

    /// The variant with this index (parameters as digits, the first one least significant).
    public func variant(at index: Int) -> Variant {
        var rest = index
        var values: [String: VariantValue] = [:]
        for p in parameters {
            let c = p.candidates
            values[p.name] = c.isEmpty ? p.defaultValue : c[rest % c.count]
            rest /= max(1, c.count)
        }
        return Variant(values)
    }

    /// The index of a variant (`variant(at:)` inverted); nil when a value is not a candidate.
    public func index(of variant: Variant) -> Int? {
        var index = 0, radix = 1
        for p in parameters {
            let c = p.candidates
            guard let v = variant.values[p.name], let i = c.firstIndex(of: v) else { return nil }
            index += i * radix
            radix *= max(1, c.count)
        }
        return index
    }

    /// The scenario to run for a variant: course parameters and the variant's numbers as `{names}`,
    /// its words substituted as text.
    public func run(for variant: Variant) -> ScenarioRun {
        var r = scenario
        for (k, v) in variant.integers { r.variables[k] = v }
        for (k, v) in variant.words { r.textVariables[k] = v }
        return r
    }
}

/// Chooses variants from student ids with a keyed hash, so that the same id always gets the same
/// variant and no one without the course secret can compute another student's.
///
/// The digest is HMAC-SHA256(key: secret, message: exerciseId + "/" + studentId) (exercise ids
/// cannot contain "/", so no two pairs give the same message). Parameter i (in the order the
/// exercise declares them) takes the big-endian 64-bit word i of the digest modulo its number of
/// candidates; a fifth parameter and beyond take words of HMAC(secret, message + "#1"), and so on.
public struct VariantChooser: @unchecked Sendable {
    /// Keyed once and copied per message (the key schedule is half the cost of a short MAC);
    /// immutable once made, though Crypto does not mark it Sendable.
    let keyed: HMAC<SHA256>

    public init(secret: String) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
    }

    public func variant(of exercise: Exercise, for student: String) -> Variant {
        exercise.variant(at: index(of: exercise, for: student))
    }

    /// The student's variant as an index (see `Exercise.variant(at:)`): cheap to hash and compare.
    public func index(of exercise: Exercise, for student: String) -> Int {
        var index = 0, radix = 1
        var words: [UInt64] = []
        let message = Array("\(exercise.id)/\(student)".utf8)
        var block = 0
        for (i, p) in exercise.parameters.enumerated() {
            let candidates = p.candidates
            guard candidates.count > 1 else { continue }
            while i >= words.count {
                let m = block == 0 ? message : message + Array("#\(block)".utf8)
                var h = keyed
                h.update(data: m)
                let mac = h.finalize()
                let bytes = Array(mac)
                for w in 0..<4 {
                    words.append(bytes[(w * 8)..<(w * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                }
                block += 1
            }
            index += Int(words[i] % UInt64(candidates.count)) * radix
            radix *= candidates.count
        }
        return index
    }
}
