import SourceFiles
@preconcurrency import Crypto
import Foundation
import SocketSim
import TraceQueries

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
    /// for sampling; at most `limit`, the first `limit` by index. Built from indices, so a
    /// parameter with a billion values costs no more than one with ten.
    public func allVariants(limit: Int = 10_000) -> [Variant] {
        (0..<Swift.min(limit, variantCount)).map { variant(at: $0) }
    }

    /// A few variants that between them move every parameter: the default; the default with one
    /// parameter at its first, middle and last value, for each parameter in turn; and eight
    /// indices spread over the whole space. For telling which placeholders depend on the student
    /// (the first `n` indices of a space whose first parameter has a billion values would move
    /// that parameter only). Computed from indices: the space is never listed.
    public func sampleVariants() -> [Variant] {
        var out = [defaultVariant]
        for p in parameters where p.candidateCount > 1 {
            let n = p.candidateCount
            for i in Set([0, n / 2, n - 1]).sorted() {
                var v = defaultVariant
                v.values[p.name] = p.candidate(at: i)
                out.append(v)
            }
        }
        let count = variantCount
        if count > 1 && count < Int.max {
            // k * (count - 1) / 7, written so that it cannot overflow for any count.
            let (q, r) = (count - 1).quotientAndRemainder(dividingBy: 7)
            out += (0...7).map { k in variant(at: q * k + r * k / 7) }
        }
        var seen = Set<Variant>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The number of variants: the product of the parameters' numbers of candidates. The loader
    /// refuses an exercise with more than `VariantBounds.maxVariants`, so this never overflows
    /// for a loaded exercise; for one made in code it saturates at `Int.max` rather than trap.
    public var variantCount: Int {
        var product = 1
        for p in parameters {
            let (next, over) = product.multipliedReportingOverflow(by: Swift.max(1, p.candidateCount))
            if over { return Int.max }
            product = next
        }
        return product
    }

    /// The variant with this index (parameters as digits, the first one least significant).
    public func variant(at index: Int) -> Variant {
        var rest = index
        var values: [String: VariantValue] = [:]
        for p in parameters {
            let n = p.candidateCount
            values[p.name] = n == 0 ? p.defaultValue : p.candidate(at: rest % n)
            rest /= max(1, n)
        }
        return Variant(values)
    }

    /// The index of a variant (`variant(at:)` inverted); nil when a value is not a candidate
    /// (a variant frozen in an answer file before the ranges changed, say) or a name is missing
    /// or extra.
    public func index(of variant: Variant) -> Int? {
        guard variant.values.count == parameters.count else { return nil }
        return index { variant.values[$0.name] }
    }

    /// The index of the variant whose value for each parameter `value` gives; nil when one is
    /// missing or not a candidate. An exercise made in code with `Int.max` or more variants (the
    /// loader refuses those) has no indices, so the arithmetic below cannot overflow.
    public func index(_ value: (ParameterSpec) -> VariantValue?) -> Int? {
        guard variantCount < Int.max else { return nil }
        var index = 0, radix = 1
        for p in parameters {
            guard let v = value(p), let i = p.candidateIndex(of: v) else { return nil }
            index += i * radix
            radix *= Swift.max(1, p.candidateCount)
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
public struct VariantChooser: Sendable {
    /// HMAC-SHA256 (RFC 2104) keyed once: SHA-256 states that have absorbed the key XOR ipad and
    /// XOR opad, copied per message. The same MAC as `HMAC<SHA256>` (a test holds them to it), at
    /// a fraction of its cost per message. Immutable once made (each message updates a copy, and
    /// a copy shares the keyed state only until it is updated); Crypto has not annotated `SHA256`
    /// for concurrency, hence `@preconcurrency import Crypto` above rather than an unchecked
    /// conformance of this struct.
    let inner: SHA256
    let outer: SHA256

    public init(secret: String) {
        var key = Array(secret.utf8)
        if key.count > 64 { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var i = SHA256()
        i.update(data: key.map { $0 ^ 0x36 })
        var o = SHA256()
        o.update(data: key.map { $0 ^ 0x5C })
        inner = i
        outer = o
    }

    /// HMAC-SHA256(secret, message).
    func mac(_ message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var h = inner
        h.update(bufferPointer: message)
        let innerDigest = h.finalize()
        var o = outer
        innerDigest.withUnsafeBytes { o.update(bufferPointer: $0) }
        return o.finalize()
    }

    public func variant(of exercise: Exercise, for student: String) -> Variant {
        exercise.variant(at: index(of: exercise, for: student))
    }

    /// The student's variant as an index (see `Exercise.variant(at:)`): cheap to hash and compare.
    public func index(of exercise: Exercise, for student: String) -> Int {
        index(exercise: exercise.id, candidateCounts: exercise.parameters.map(\.candidateCount), for: student)
    }

    /// The same from the exercise's id and its parameters' numbers of candidates (what a grading
    /// run keeps of each exercise, so as not to copy exercises per student).
    public func index(exercise id: String, candidateCounts: [Int], for student: String) -> Int {
        var index = 0, radix = 1
        var words = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var loaded = -1
        for (i, count) in candidateCounts.enumerated() {
            guard count > 1 else { continue }
            if i / 4 != loaded {
                loaded = i / 4
                words = digestWords(id, student, block: loaded)
            }
            let word: UInt64
            switch i % 4 {
            case 0: word = words.0
            case 1: word = words.1
            case 2: word = words.2
            default: word = words.3
            }
            index += Int(word % UInt64(count)) * radix
            radix *= count
        }
        return index
    }

    /// HMAC(secret, exercise + "/" + student), with "#block" appended after block 0, as four
    /// big-endian 64-bit words.
    func digestWords(_ exercise: String, _ student: String, block: Int) -> (UInt64, UInt64, UInt64, UInt64) {
        let suffix = block > 0 ? "#\(block)" : ""
        let length = exercise.utf8.count + 1 + student.utf8.count + suffix.utf8.count
        // The message in a stack buffer: no allocation per student and exercise.
        let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            var at = 0
            for part in [exercise, "/", student, suffix] {
                for b in part.utf8 { buffer[at] = b; at += 1 }
            }
            return mac(UnsafeRawBufferPointer(buffer))
        }
        return digest.withUnsafeBytes { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        }
    }
}

/// The bounds the exercise loader holds parameters to, so that choosing and indexing variants is
/// plain integer arithmetic that cannot overflow, and no parameter space is ever listed.
///
/// A range's bounds lie within ± `maxMagnitude` (2^40: every size SockLab simulates, and far
/// beyond any byte count an exercise asks about); an exercise has at most `maxVariants` (2^48)
/// variants, the product of its parameters' numbers of values. `range: [1, 1073741824]` is fine
/// (a billion values, each computed from its index when a student gets it); `range: [0, 2^41]`,
/// or three parameters of a million values each, is refused with the parameter's line.
public enum VariantBounds {
    public static let maxMagnitude = 1 << 40
    public static let maxVariants = 1 << 48
}
