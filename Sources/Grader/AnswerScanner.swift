import CourseModel
import Foundation
import SourceFiles

/// The fast path: an answer file of the template's shape read straight into an `AnswerSheet`,
/// without building a tree or calling Yams.
///
/// ```yaml
/// student: s2024001
/// exercises:
///   some-exercise:
///     variant: {n: 700}
///     tag: 3e1f…
///     answers:
///       q1: 500
///       q2: [SYN, SYN+ACK, ACK]
/// ```
/// Comments and blank lines may come anywhere, indentation is any number of spaces. Anything else
/// (block lists, a `variant:` written as a block, JSON, anchors, a tab anywhere, and every file
/// with a mistake in it) gives nil, and the file goes the general way (`AnswerLineReader.read`,
/// which has Yams read every value, then `SheetBuilder`), which reads around every slip and words
/// its diagnostic. Both ways give the same sheet; tests hold them to it, on fixtures and on
/// generated files.
///
/// The values it reads on their line (plain and quoted scalars, one-line flow lists and mappings)
/// are the only YAML this project parses by hand; the general reader asks `isOneLineValue` only
/// to know where such a value ends (what it buys alone: README, "How grading is fast").
extension AnswerLineReader {
    static func sheet(_ bytes: [UInt8], file: String) -> AnswerSheet? {
        // A tab is whitespace to YAML where a plain scalar ends and before a comment; this reader
        // does not weigh it, Yams does.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.withUnsafeBufferPointer({ memchr($0.baseAddress!, 9, $0.count) != nil }) { return nil }
        var r = AnswerLineReader(bytes, file: file)
        return r.readSheet(file: file)
    }

    /// The line's content at exactly `indent` spaces, or nil when the block ends there (a line
    /// indented less, or the end of the file); `.failure` when the line cannot belong here.
    mutating func entry(at indent: Int) -> (line: Range<Int>, start: Int)?? {
        skipBlank()
        guard index < lines.count else { return .some(nil) }
        let line = lines[index]
        let i = self.indent(line)
        if i - line.lowerBound < indent { return .some(nil) }
        guard i - line.lowerBound == indent else { return nil }
        return (line, i)
    }

    /// After a key with nothing behind its colon: the indentation of the block nested under it, or
    /// nil when there is none (an empty value). A nested list (`- item`) is not read here: `.failure`.
    mutating func nestedIndent(under indent: Int) -> Int?? {
        index += 1
        skipBlank()
        guard index < lines.count else { return .some(nil) }
        let next = lines[index]
        let ni = self.indent(next) - next.lowerBound
        if ni > indent || (ni == indent && isDash(next, next.lowerBound + ni)) {
            return isDash(next, next.lowerBound + ni) ? nil : ni
        }
        return .some(nil)
    }

    func emptyValue(_ line: Range<Int>, after colon: Int) -> Bool {
        let c = skipSpaces(line, colon + 1)
        return c == line.upperBound || bytes[c] == Self.hash
    }

    func location(_ file: String, _ i: Int) -> SourceLocation {
        SourceLocation(file: file, line: index + 1, column: column(i, in: lines[index]))
    }

    mutating func readSheet(file: String) -> AnswerSheet? {
        var student: String?
        var studentLocation = SourceLocation(file: file, line: 1)
        var exercises: [ExerciseAnswers]?
        while true {
            guard let next = entry(at: 0) else { return nil }
            guard let (line, i) = next, let (key, _, colon) = mappingKeyText(line, from: i) else { break }
            switch key {
            case "student" where student == nil:
                let c = skipSpaces(line, colon + 1)
                guard c < line.upperBound, let (s, end) = scalarText(line, from: c), restIsComment(line, from: end) else { return nil }
                let id = s.trimmed()
                guard AnswerSheet.isValidStudentID(id) else { return nil }
                student = id
                studentLocation = location(file, c)
                index += 1
            case "exercises" where exercises == nil:
                guard emptyValue(line, after: colon), let nested = nestedIndent(under: 0) else { return nil }
                if let ni = nested {
                    guard let list = readExercises(at: ni, file: file) else { return nil }
                    exercises = list
                } else {
                    exercises = []
                }
            default:
                return nil
            }
        }
        guard index == lines.count, let student, let exercises else { return nil }
        return AnswerSheet(file: file, student: student, studentLocation: studentLocation, exercises: exercises)
    }

    mutating func readExercises(at indent: Int, file: String) -> [ExerciseAnswers]? {
        var out: [ExerciseAnswers] = []
        out.reserveCapacity(32)
        var seen: Set<String> = []
        seen.reserveCapacity(32)
        while true {
            guard let next = entry(at: indent) else { return nil }
            guard let (line, i) = next else { return out }
            guard let (key, _, colon) = mappingKeyText(line, from: i), case let id = key.trimmed(), seen.insert(id).inserted,
                  emptyValue(line, after: colon) else { return nil }
            var ex = ExerciseAnswers(id: id, location: location(file, i))
            guard let nested = nestedIndent(under: indent) else { return nil }
            if let ni = nested, !readFields(at: ni, into: &ex, file: file) { return nil }
            out.append(ex)
        }
    }

    mutating func readFields(at indent: Int, into ex: inout ExerciseAnswers, file: String) -> Bool {
        var sawAnswers = false
        while true {
            guard let next = entry(at: indent) else { return false }
            guard let (line, i) = next, let (key, _, colon) = mappingKeyText(line, from: i) else { return next == nil }
            switch key {
            case "variant" where ex.variantEntries == nil:
                let c = skipSpaces(line, colon + 1)
                var values: [VariantEntry] = []
                guard c < line.upperBound, bytes[c] == Self.openBrace,
                      let end = flowMapping(line, from: c, { k, v in
                          guard !values.contains(where: { $0.name == k }) else { return false }
                          values.append(VariantEntry(name: k, value: v.trimmed()))
                          return true
                      }),
                      restIsComment(line, from: end) else { return false }
                ex.variantEntries = values
                ex.variantLocation = location(file, c)
                index += 1
            case "tag" where ex.tag == nil:
                let c = skipSpaces(line, colon + 1)
                guard c < line.upperBound, let (s, end) = scalarText(line, from: c), restIsComment(line, from: end) else { return false }
                ex.tag = s.trimmed()
                ex.tagLocation = location(file, c)
                index += 1
            case "answers" where !sawAnswers:
                sawAnswers = true
                guard emptyValue(line, after: colon), let nested = nestedIndent(under: indent) else { return false }
                if let ni = nested {
                    guard let answers = readAnswers(at: ni, file: file) else { return false }
                    ex.answers = answers
                }
            default:
                return false
            }
        }
    }

    mutating func readAnswers(at indent: Int, file: String) -> [StudentAnswer]? {
        var out: [StudentAnswer] = []
        out.reserveCapacity(8)
        while true {
            guard let next = entry(at: indent) else { return nil }
            guard let (line, i) = next else { return out }
            guard let (key, _, colon) = mappingKeyText(line, from: i), case let id = key.trimmed(),
                  !out.contains(where: { $0.questionID == id }) else { return nil }
            let at = location(file, i)
            let c = skipSpaces(line, colon + 1)
            if c == line.upperBound || bytes[c] == Self.hash {
                // Nothing written; an answer nested under the key (a block list) goes the general way.
                guard let nested = nestedIndent(under: indent), nested == nil else { return nil }
                out.append(StudentAnswer(questionID: id, raw: .empty, location: at))
                continue
            }
            guard let (raw, end) = rawValue(line, from: c), restIsComment(line, from: end) else { return nil }
            out.append(StudentAnswer(questionID: id, raw: raw, location: at))
            index += 1
        }
    }

    /// A plain or quoted scalar (not a flow list or mapping) and where it ends.
    func scalarText(_ line: Range<Int>, from i: Int) -> (String, Int)? {
        if bytes[i] == Self.dquote || bytes[i] == Self.squote { return quoted(line, from: i) }
        guard let (_, end) = plainEnd(line, from: i) else { return nil }
        return (trimmed(i..<end), end)
    }

    /// Whether the value from `i` is one this reader reads on its line, with nothing but a
    /// comment after it. The general reader asks too: such a value ends on its line (deeper
    /// lines after it are not part of it), and it is of the template's shape (not counted
    /// against `maxFragments`).
    func isOneLineValue(_ line: Range<Int>, from i: Int) -> Bool {
        guard i < line.upperBound, let (_, end) = rawValue(line, from: i) else { return false }
        return restIsComment(line, from: end)
    }

    /// An answer written on its key's line, as `AnswerSheet.raw` reads the same value from a tree.
    func rawValue(_ line: Range<Int>, from i: Int) -> (RawAnswer, Int)? {
        switch bytes[i] {
        case Self.openBracket:
            guard let (items, end) = flowList(line, from: i) else { return nil }
            return (.list(items.map { $0.trimmed() }), end)
        case Self.openBrace:
            var d: [String: String] = [:]
            guard let end = flowMapping(line, from: i, { k, v in d.updateValue(v.trimmed(), forKey: k) == nil }) else { return nil }
            return (.mapping(d), end)
        case Self.dquote, Self.squote:
            guard let (s, end) = quoted(line, from: i) else { return nil }
            let t = s.trimmed()
            return (t.isEmpty ? .empty : .scalar(t), end)
        default:
            guard let (_, end) = plainEnd(line, from: i) else { return nil }
            let t = trimmedAll(i..<end)
            return (t.isEmpty || AnswerSheet.isNullWord(t) ? .empty : .scalar(t), end)
        }
    }

    /// Where a plain scalar that starts at `i` ends (a comment or the end of the line).
    func plainEnd(_ line: Range<Int>, from i: Int) -> (Int, Int)? {
        guard plainStart(bytes[i]), !isDash(line, i) else { return nil }
        var c = i
        while c < line.upperBound {
            if bytes[c] == Self.hash && bytes[c - 1] == Self.space { break }
            if colonEnds(line, c) { return nil }
            c += 1
        }
        return (i, c)
    }

    /// `trimmed(r).trimmed()`: spaces as YAML trims them, then any whitespace as `String.trimmed`
    /// does, on bytes while the ends are ASCII.
    func trimmedAll(_ r: Range<Int>) -> String {
        func isSpace(_ b: UInt8) -> Bool { b == Self.space || (b >= 9 && b <= 13) }
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
        let s = String(decoding: bytes[lo..<hi], as: UTF8.self)
        return lo < hi && (bytes[lo] >= 0x80 || bytes[hi - 1] >= 0x80) ? s.trimmed() : s
    }

    /// `[a, b, ...]` on one line from its `[`: the items as written, and the index after the `]`.
    func flowList(_ line: Range<Int>, from i: Int) -> ([String], Int)? {
        var items: [String] = []
        var c = skipSpaces(line, i + 1)
        if c < line.upperBound, bytes[c] == Self.closeBracket { return ([], c + 1) }
        while true {
            guard c < line.upperBound, let (s, end) = flowScalarText(line, from: c) else { return nil }
            items.append(s)
            c = skipSpaces(line, end)
            guard c < line.upperBound else { return nil }
            if bytes[c] == Self.closeBracket { return (items, c + 1) }
            guard bytes[c] == Self.comma else { return nil }
            c = skipSpaces(line, c + 1)
        }
    }

    /// `{k: v, ...}` on one line from its `{`: `visit(key, value)` for each pair, which returns
    /// false to refuse it (a key written twice); and the index after the `}`.
    func flowMapping(_ line: Range<Int>, from i: Int, _ visit: (String, String) -> Bool) -> Int? {
        var c = skipSpaces(line, i + 1)
        if c < line.upperBound, bytes[c] == Self.closeBrace { return c + 1 }
        while true {
            guard c < line.upperBound, let (name, kEnd) = flowScalarText(line, from: c) else { return nil }
            c = skipSpaces(line, kEnd)
            guard c < line.upperBound, bytes[c] == Self.colon else { return nil }
            c = skipSpaces(line, c + 1)
            guard c < line.upperBound, bytes[c] != Self.comma, bytes[c] != Self.closeBrace,
                  let (v, vEnd) = flowScalarText(line, from: c), visit(name, v) else { return nil }
            c = skipSpaces(line, vEnd)
            guard c < line.upperBound else { return nil }
            if bytes[c] == Self.closeBrace { return c + 1 }
            guard bytes[c] == Self.comma else { return nil }
            c = skipSpaces(line, c + 1)
        }
    }

    /// A scalar inside `[...]` or `{...}`: quoted, or plain up to `,` `]` `}` or a `:` that ends a key.
    func flowScalarText(_ line: Range<Int>, from i: Int) -> (String, end: Int)? {
        if bytes[i] == Self.dquote || bytes[i] == Self.squote { return quoted(line, from: i) }
        guard plainStart(bytes[i]), !isDash(line, i) else { return nil }
        var c = i
        while c < line.upperBound, bytes[c] != Self.comma, bytes[c] != Self.closeBracket, bytes[c] != Self.closeBrace {
            if bytes[c] == Self.colon {
                if c + 1 == line.upperBound { break }
                let n = bytes[c + 1]
                if n == Self.space || n == Self.comma || n == Self.closeBracket || n == Self.closeBrace { break }
            }
            if bytes[c] == Self.openBracket || bytes[c] == Self.openBrace || (bytes[c] == Self.hash && bytes[c - 1] == Self.space) { return nil }
            c += 1
        }
        let s = trimmed(i..<c)
        guard !s.isEmpty else { return nil }
        return (s, c)
    }
}
