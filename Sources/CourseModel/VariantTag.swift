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
        var out: [UInt8] = [0]
        out += Array("socklab-variant-tag-1".utf8)
        out.append(0)
        func field(_ s: String) {
            out += Array(String(s.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out += Array(s.utf8)
        }
        field(student)
        field(exercise)
        field(String(values.count))
        for (name, value) in values.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            field(name)
            field(value)
        }
        return out
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
        let message = VariantTag.message(student: student, exercise: exercise, values: values)
        return VariantTag.hex(message.withUnsafeBytes { mac($0) })
    }

    /// The tag of a variant, its values written as the template writes them.
    public func tag(student: String, exercise: String, variant: Variant) -> String {
        tag(student: student, exercise: exercise, values: variant.values.map { ($0.key, $0.value.description) })
    }

    /// Whether `written` is the tag of these values, compared in constant time (a timing
    /// difference must not tell a forger how many leading digits are right). Case-insensitive hex.
    public func verify(tag written: String, student: String, exercise: String,
                       values: [(name: String, value: String)]) -> VariantSeal {
        let expected = Array(tag(student: student, exercise: exercise, values: values).utf8)
        let given = Array(written.utf8).map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") ? $0 + 32 : $0 }
        guard given.count == expected.count else { return .forged }
        var difference: UInt8 = 0
        for i in expected.indices { difference |= expected[i] ^ given[i] }
        return difference == 0 ? .valid : .forged
    }
}
