import SocketSim
import SourceFiles
import TraceQueries

/// The placeholders of exercise texts (prose, prompts, explanations), filled per variant.
///
/// - `{name}`: a variant value, course parameter, scenario parameter or `let` name (`{n}`, `{rqs}`)
/// - `{expression}`: arithmetic over those names (`{n - sqs}`)
/// - `{q:QUERY}`: the value of a query on the student's own run (`{q:queue server.recvq after 1}`)
/// - `{answer}`: the question's key, shown only where answers may be shown (the solutions page,
///   `socklab grade --reveal`); elsewhere it reads "(정답 비공개)".
/// Braces around anything else (code, say) are left as they are.
public enum ExerciseText {
    /// What `{answer}` reads when the key may not be shown.
    public static let hiddenAnswer = "(정답 비공개)"

    /// Whether a text has a `{` at all (on bytes: `String.contains("{")` would go through Foundation).
    static func hasBrace(_ text: String) -> Bool { TemplateScanner.mayHavePlaceholders(text) }

    /// The insides of `text`'s placeholders, in order, as written (`TemplateScanner`'s reading:
    /// up to the first `}`; a `{` that nothing closes is text).
    static func placeholders(in text: String) -> [String] {
        guard hasBrace(text) else { return [] }
        return TemplateScanner(text).placeholders.map(String.init)
    }

    /// The query texts of every `{q:...}` in `texts`, once each, in order.
    static func queryPlaceholders(in texts: [String]) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for t in texts {
            for p in placeholders(in: t) where p.hasPrefix("q:") {
                let q = p.dropFirst(2).trimmingSpacesTabsAndNewlines()
                if seen.insert(q).inserted { out.append(q) }
            }
        }
        return out
    }

    static func looksLikeExpression(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " _+-*/%(),".contains($0)) }
            && s.contains(where: { $0.isLetter })
    }

    /// The placeholders of `text` that are checked as names or expressions (not `{answer}`, not
    /// `{q:...}`, not code), in order.
    static func expressionPlaceholders(in text: String) -> [String] {
        placeholders(in: text).filter { p in p != "answer" && !p.hasPrefix("q:") && looksLikeExpression(p) }
    }

    /// What an exercise's texts (prose, prompts, explanations) ask of every key, read once per
    /// exercise rather than once per variant.
    struct Needs: Sendable {
        /// Each `{q:...}` query text once, in order, parsed.
        let queries: [(text: String, query: Result<Query, QueryError>)]
        /// Every text's `expressionPlaceholders`, texts in order, parsed.
        let expressions: [(name: String, expression: Arithmetic.Compiled)]

        init(texts: [String]) {
            queries = queryPlaceholders(in: texts).map { text in
                do throws(QueryError) { return (text, .success(try Query.parse(text))) } catch { return (text, .failure(error)) }
            }
            expressions = texts.flatMap { expressionPlaceholders(in: $0).map { ($0, Arithmetic.Compiled($0)) } }
        }

        /// The placeholders, in order, that look like names or expressions but cannot be evaluated
        /// with the key's names (and are not its word variables).
        func unknownNames(key: AnswerKey) -> [String] {
            expressions.compactMap { e in
                guard key.textVariables[e.name] == nil else { return nil }
                return (try? e.expression.evaluate(variables: key.variables)) == nil ? e.name : nil
            }
        }
    }

    /// Fills the placeholders of `text` for one variant. `answer` is what `{answer}` becomes
    /// (the key when it may be shown; nil hides it). `showQueries: false` hides `{q:...}` values
    /// too: in feedback without `--reveal` a query's value may be another question's key.
    public static func render(_ text: String, key: AnswerKey, answer: AnswerValue? = nil, showQueries: Bool = true) -> String {
        TemplateScanner.replacingPlaceholders(in: text) { inner in
            fill(String(inner), key: key, answer: answer, showQueries: showQueries) ?? "{\(inner)}"
        }
    }

    /// What one placeholder's inside becomes for this key; nil leaves it as written (braces too).
    static func fill(_ inner: String, key: AnswerKey, answer: AnswerValue?, showQueries: Bool = true) -> String? {
        // A key the student types as a word (`none`, `TIME_WAIT`) reads as code, as the choices do.
        if inner == "answer" { return answer?.koreanMarkdown ?? hiddenAnswer }
        if inner.hasPrefix("q:") { return showQueries ? key.queryValues[inner.dropFirst(2).trimmingSpacesTabsAndNewlines()]?.korean : hiddenAnswer }
        if let w = key.textVariables[inner] { return w }
        if let v = key.variables[inner] { return String(v) }
        guard looksLikeExpression(inner), let v = try? Arithmetic.evaluate(inner, variables: key.variables) else { return nil }
        return String(v)
    }
}
