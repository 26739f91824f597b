import Yams

/// What Yams said about a text it could not read, as plain values.
///
/// The one place that takes a `YamlError` apart (which cases carry a mark, and that a duplicate
/// key's place is its mapping's): content files word it in English under `yaml.*`
/// (`YAMLDocument`), answer files in Korean under `answer.*` (the grader), each at the same line
/// and column. The wording stays with each reader; only the reading of Yams's error is shared.
public enum YAMLFailure: Sendable, Hashable {
    /// libyaml's problem (`did not find expected key`) and what it was reading
    /// (`while parsing a block mapping`), at the mark where it stopped.
    case malformed(problem: String, context: String?, line: Int, column: Int)
    /// A mapping that has the same keys twice, at the mapping.
    case duplicateKeys([String], line: Int, column: Int)
    /// Anything else thrown while composing, as it describes itself, with no place in the file.
    case other(String)

    public init(_ error: any Error) {
        guard let e = error as? YamlError else {
            self = .other("\(error)")
            return
        }
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            self = .malformed(problem: problem, context: context?.text, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            self = .duplicateKeys(duplicates, line: context.mark.line, column: context.mark.column)
        default:
            self = .other("\(e)")
        }
    }
}
