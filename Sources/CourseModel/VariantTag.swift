import SourceFiles
/// The tag that seals a student's variant into their answer file.
///
/// `socklab template` writes, beside each exercise's `variant:`, a `tag:` that is
/// HMAC-SHA256(course secret, message) in lowercase hex, where the message encodes the student
/// id, the exercise id and the variant's names and values (as written, names sorted). Grading
/// verifies the tag and then grades against the values in the file, so an instructor who widens
/// a range mid-semester moves no one, and a student who edits a value (or copies a classmate's
/// block) fails the tag. Without the secret a tag cannot be made, so a template cannot be forged.
///
/// The message is `0x00 "socklab-variant-tag-1" 0x00` followed by length-prefixed fields
/// (`<decimal byte count>:<bytes>`): student, exercise, the number of parameters, then each name
/// and value. Length prefixes make it unambiguous whatever a value contains; the leading NUL
/// keeps it apart from the chooser's messages (`exercise/student`, which start with a letter or
/// digit), so a tag never reveals a variant choice.
public enum VariantTag {
    /// Hex digits in a tag: the whole SHA-256 MAC.
    public static let length = 64

    /// The message a tag authenticates (see the type's comment).
    public static func message(student: String, exercise: String, values: [(name: String, value: String)]) -> [UInt8] {
        withMessage(student: student, exercise: exercise, values: values) { Array($0) }
    }

    static let domain = Array("socklab-variant-tag-1".utf8)

    /// Calls `body` with the message in a stack buffer: grading verifies one tag per exercise per
    /// file, so the message is written without allocating (values sorted by name only when the
    /// file did not already list them so, as the template does).
    static func withMessage<R>(student: String, exercise: String, values: [(name: String, value: String)],
                               _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withMessage(student: student, exercise: exercise, values: values, name: \.name, value: \.value, body)
    }

    /// The same over any collection of entries, read through `name` and `value` (the grader's
    /// `variant:` entries, without making tuples of them).
    static func withMessage<C: Collection, R>(student: String, exercise: String, values: C, name: (C.Element) -> String,
                                              value: (C.Element) -> String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let sorted = zip(values, values.dropFirst()).allSatisfy { !name($1).utf8.lexicographicallyPrecedes(name($0).utf8) }
        let ordered = sorted ? Array(values) : values.sorted { name($0).utf8.lexicographicallyPrecedes(name($1).utf8) }
        func digits(_ n: Int) -> Int { n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : String(n).utf8.count }
        func size(_ n: Int) -> Int { digits(n) + 1 + n }
        var length = 2 + domain.count + size(student.utf8.count) + size(exercise.utf8.count) + size(digits(ordered.count))
        for entry in ordered { length += size(name(entry).utf8.count) + size(value(entry).utf8.count) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            var at = 0
            func put(_ b: UInt8) { buffer[at] = b; at += 1 }
            func put<S: Sequence>(_ bytes: S) where S.Element == UInt8 { for b in bytes { put(b) } }
            func field<S: Collection>(_ bytes: S) where S.Element == UInt8 {
                put(String(bytes.count).utf8)
                put(UInt8(ascii: ":"))
                put(bytes)
            }
            put(0)
            put(domain)
            put(0)
            field(student.utf8)
            field(exercise.utf8)
            field(String(ordered.count).utf8)
            for entry in ordered {
                field(name(entry).utf8)
                field(value(entry).utf8)
            }
            precondition(at == length, "tag message length")
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Lowercase hex of bytes.
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What a written tag says about the variant beside it.
public enum VariantSeal: Sendable, Equatable {
    /// The tag is the course's MAC over this student, exercise and variant: grade with these values.
    case valid
    /// A tag is written but does not match: the variant, the tag, the student id or the exercise
    /// id was edited, or the file was made with another course secret.
    case forged
}

extension VariantChooser {
    /// The tag of a variant (`VariantTag`): what `socklab template` writes beside `variant:`.
    public func tag(student: String, exercise: String, values: [(name: String, value: String)]) -> String {
        VariantTag.hex(VariantTag.withMessage(student: student, exercise: exercise, values: values) { mac($0) })
    }

    /// The tag of a variant, its values written as the template writes them.
    public func tag(student: String, exercise: String, variant: Variant) -> String {
        tag(student: student, exercise: exercise, values: variant.values.map { ($0.key, $0.value.description) })
    }

    /// Whether `written` is the tag of these values (hex digits in either case), compared in
    /// constant time: a timing difference must not tell a forger how many leading digits are right.
    public func verify(tag written: String, student: String, exercise: String,
                       values: [(name: String, value: String)]) -> VariantSeal {
        verify(tag: written, student: student, exercise: exercise, values: values, name: \.name, value: \.value)
    }

    /// The same over any collection of entries, read through `name` and `value`.
    public func verify<C: Collection>(tag written: String, student: String, exercise: String, values: C,
                                      name: (C.Element) -> String, value: (C.Element) -> String) -> VariantSeal {
        let digest = VariantTag.withMessage(student: student, exercise: exercise, values: values, name: name, value: value) { mac($0) }
        var given = written.utf8.makeIterator()
        var difference: UInt8 = 0
        var count = 0
        var valid = true
        for expected in digest {
            guard let hi = given.next().flatMap(Self.nibble), let lo = given.next().flatMap(Self.nibble) else { valid = false; break }
            difference |= expected ^ (hi << 4 | lo)
            count += 1
        }
        guard valid, count == 32, given.next() == nil else { return .forged }
        return difference == 0 ? .valid : .forged
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
