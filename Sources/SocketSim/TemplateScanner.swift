/// The one reading of `{…}` placeholders, shared by every text that has them: scenario steps and
/// values (`send {sqs + 1}`, via `Arithmetic.Template`), exercise texts (`ExerciseText`) and the
/// site's symbolic rendering. Each used to scan braces itself; one scanner means a text's
/// placeholders are the same wherever it is read.
///
/// The rule, on characters (grapheme clusters, so a `{` carrying a combining mark is no brace):
/// a placeholder runs from a `{` to the first `}` after it. Braces do not nest: in `{a{b}c}` the
/// placeholder is `a{b` and `c}` is literal text. A `}` with no `{` before it is literal. A `{` with
/// no `}` after it starts an `unclosed` piece that runs to the end of the text; what that means is
/// the reader's choice (a scenario refuses it, an exercise text shows it as written). `{}` is a
/// placeholder with an empty inside. There are no escapes.
///
/// Pieces are substrings of the scanned text, so each carries its position (`startIndex`,
/// `endIndex` in the text); `range(in:)` gives a placeholder's span with its braces. Empty literal
/// pieces are not produced.
public struct TemplateScanner: Sequence, Sendable {
    public enum Piece: Hashable, Sendable {
        /// Text outside any placeholder, as written.
        case literal(Substring)
        /// The inside of a `{…}`, without the braces (not trimmed).
        case placeholder(Substring)
        /// From a `{` that no `}` closes to the end of the text, the `{` included.
        case unclosed(Substring)

        /// The piece's characters in the scanned text; for a placeholder, the braces included.
        public var range: Range<String.Index> {
            switch self {
            case .literal(let s), .unclosed(let s):
                return s.startIndex..<s.endIndex
            case .placeholder(let s):
                // The braces are one character each, next to the inside.
                let base = s.base
                return base.index(before: s.startIndex)..<base.index(after: s.endIndex)
            }
        }
    }

    let text: Substring

    public init(_ text: String) { self.text = Substring(text) }
    public init(_ text: Substring) { self.text = text }

    /// Whether the text may have a placeholder at all: false when it has no `{` byte, which is
    /// checked on UTF-8 without looking at characters (most texts have none).
    public static func mayHavePlaceholders(_ text: String) -> Bool {
        text.utf8.contains(UInt8(ascii: "{"))
    }

    /// The insides of the text's placeholders, in order (an unclosed `{` has none).
    public var placeholders: [Substring] {
        compactMap { piece -> Substring? in
            guard case .placeholder(let inner) = piece else { return nil }
            return inner
        }
    }

    /// The text with each placeholder replaced by `replace(inside)`; literal text and an unclosed
    /// `{` stay as they are. A text with no `{` is returned without being scanned.
    public static func replacingPlaceholders(in text: String, _ replace: (Substring) throws -> String) rethrows -> String {
        guard mayHavePlaceholders(text) else { return text }
        var out = ""
        for piece in TemplateScanner(text) {
            switch piece {
            case .literal(let s), .unclosed(let s): out += s
            case .placeholder(let inner): out += try replace(inner)
            }
        }
        return out
    }

    /// The text between the braces of a value written whole as `{expr}` (a tolerance, a range
    /// bound): the text starts with `{` and ends with `}`; nil otherwise. Only the two ends are
    /// looked at: a brace inside (`{a}+{b}`) stays in the result, where the expression reader
    /// reports it.
    public static func braced(_ text: String) -> Substring? {
        guard text.hasPrefix("{") && text.hasSuffix("}") else { return nil }
        return text.dropFirst().dropLast()
    }

    public func makeIterator() -> Iterator { Iterator(rest: text) }

    public struct Iterator: IteratorProtocol {
        var rest: Substring
        /// A placeholder found after a literal, given on the next call.
        var pending: Piece?

        public mutating func next() -> Piece? {
            if let p = pending {
                pending = nil
                return p
            }
            guard !rest.isEmpty else { return nil }
            guard let open = rest.firstIndex(of: "{") else {
                defer { rest = rest[rest.endIndex...] }
                return .literal(rest)
            }
            let before = rest[..<open]
            let piece: Piece
            if let close = rest[open...].firstIndex(of: "}") {
                piece = .placeholder(rest[rest.index(after: open)..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                piece = .unclosed(rest[open...])
                rest = rest[rest.endIndex...]
            }
            if before.isEmpty { return piece }
            pending = piece
            return .literal(before)
        }
    }
}
