/// Integer arithmetic over named parameters, as written inside `{...}` in scenario steps.
///
/// Scenarios say `send {sqs + rqs + 1}` instead of a number, so that changing SQS or RQS moves every
/// example with it. Supports `+ - * / %`, parentheses, unary minus, `min(a, b)` and `max(a, b)`.
///
/// Text is parsed once into a `Compiled` expression (or a `Template` of text and expressions) that
/// can be evaluated with many sets of variables; `evaluate` and `substitute` are parse-then-evaluate.
/// A compiled expression fails exactly as reading it left to right would: the first unknown name,
/// overflow, division by zero or syntax error, in the order the text reaches it.
public enum Arithmetic {
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Evaluates `text` with `variables`; division by zero and unknown names are failures.
    public static func evaluate(_ text: String, variables: [String: Int]) throws(Failure) -> Int {
        try Compiled(text).evaluate(variables: variables)
    }

    /// Replaces every `{expr}` in `text` with its value.
    public static func substitute(in text: String, variables: [String: Int]) throws(Failure) -> String {
        guard text.contains("{") else { return text }
        return try Template(text).substitute(variables: variables)
    }

    /// One expression, parsed once.
    public struct Compiled: Hashable, Sendable {
        let node: Node

        public init(_ text: String) {
            var parser = Parser(chars: Array(text))
            var node = parser.parseSum()
            if !parser.failed {
                parser.skipSpaces()
                if parser.pos < parser.chars.count {
                    node = .then(node, .fail("unexpected '\(parser.chars[parser.pos])' in expression '\(text)'"))
                }
            }
            self.node = node
        }

        /// The value with `variables`, or the failure `Arithmetic.evaluate` would give.
        public func evaluate(variables: [String: Int]) throws(Failure) -> Int {
            try node.value(variables)
        }
    }

    /// A text with `{expr}` parts, parsed once: `substitute` gives what `Arithmetic.substitute` gives.
    /// The parts are `TemplateScanner`'s pieces: a placeholder is an expression, and a `{` that no
    /// `}` closes fails (after the text before it, so an earlier expression's failure comes first).
    public struct Template: Hashable, Sendable {
        enum Part: Hashable, Sendable {
            case text(String)
            case expression(Compiled)
            case fail(String)
        }
        let parts: [Part]
        /// Whether any part depends on the variables (or fails): false means the text is used as it is.
        public let isConstant: Bool

        public init(_ text: String) {
            guard text.contains("{") else {
                parts = [.text(text)]
                isConstant = true
                return
            }
            parts = TemplateScanner(text).map { piece in
                switch piece {
                case .literal(let t): .text(String(t))
                case .placeholder(let inner): .expression(Compiled(String(inner)))
                case .unclosed: .fail("'{' without a closing '}' in '\(text)'")
                }
            }
            isConstant = false
        }

        public func substitute(variables: [String: Int]) throws(Failure) -> String {
            if isConstant, case .text(let t) = parts[0] { return t }
            var out = ""
            for p in parts {
                switch p {
                case .text(let t): out += t
                case .expression(let e): out += String(try e.evaluate(variables: variables))
                case .fail(let message): throw Failure(message: message)
                }
            }
            return out
        }
    }

    enum Operator: Hashable, Sendable {
        case add, subtract, multiply, divide, remainder
    }

    /// A parsed expression. Children are evaluated left to right, so the first failure is the one
    /// the text reaches first; `fail` stands where the text stops making sense.
    indirect enum Node: Hashable, Sendable {
        case number(Int)
        case name(String)
        case negate(Node)
        case binary(Operator, Node, Node)
        case extreme(minimum: Bool, [Node])
        /// Evaluates the first, then gives the second (a syntax error after a complete part).
        case then(Node, Node)
        case fail(String)

        func value(_ variables: [String: Int]) throws(Failure) -> Int {
            switch self {
            case .number(let v):
                return v
            case .name(let name):
                guard let v = variables[name] else {
                    let known = variables.keys.sorted().joined(separator: ", ")
                    throw Failure(message: "unknown name '\(name)' in expression (known: \(known))")
                }
                return v
            case .negate(let n):
                let (r, overflow) = 0.subtractingReportingOverflow(try n.value(variables))
                if overflow { throw Failure(message: "number too large in expression") }
                return r
            case .binary(let op, let l, let r):
                let value = try l.value(variables)
                let rhs = try r.value(variables)
                switch op {
                case .add, .subtract:
                    let (r, overflow) = op == .add ? value.addingReportingOverflow(rhs) : value.subtractingReportingOverflow(rhs)
                    if overflow { throw Failure(message: "number too large in expression") }
                    return r
                case .multiply:
                    let (r, overflow) = value.multipliedReportingOverflow(by: rhs)
                    if overflow { throw Failure(message: "number too large in expression") }
                    return r
                case .divide, .remainder:
                    if rhs == 0 { throw Failure(message: "division by zero in expression") }
                    // Int.min / -1 is the one quotient (and remainder) that does not fit.
                    let (r, overflow) = op == .divide ? value.dividedReportingOverflow(by: rhs) : value.remainderReportingOverflow(dividingBy: rhs)
                    if overflow { throw Failure(message: "number too large in expression") }
                    return r
                }
            case .extreme(let minimum, let args):
                var values: [Int] = []
                values.reserveCapacity(args.count)
                for a in args { values.append(try a.value(variables)) }
                return minimum ? values.min()! : values.max()!
            case .then(let first, let second):
                _ = try first.value(variables)
                return try second.value(variables)
            case .fail(let message):
                throw Failure(message: message)
            }
        }
    }

    /// Reads the grammar into a `Node`. On a syntax error it stops, with a `fail` node where the
    /// error is and every part read before it kept (their failures come first, as they would when
    /// evaluating while reading).
    ///
    /// Depth is bounded (`Limits.maxExpressionDepth`): the parser, the evaluator, hashing and the
    /// release of a `Node` all recurse once per level, and a deeply nested text would overflow the
    /// stack. Parentheses, unary minus and each operator of a chain count one level.
    private struct Parser {
        let chars: [Character]
        var pos = 0
        var failed = false
        var depth = 0

        init(chars: [Character]) {
            self.chars = chars
        }

        mutating func fail(_ message: String) -> Node {
            failed = true
            return .fail(message)
        }

        mutating func skipSpaces() {
            while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" { pos += 1 }
        }

        mutating func peek() -> Character? {
            skipSpaces()
            return pos < chars.count ? chars[pos] : nil
        }

        /// Enters one level; false (and a failure) past the deepest allowed.
        mutating func descend() -> Bool {
            depth += 1
            return depth <= Limits.maxExpressionDepth
        }

        var tooDeep: String { "expression nested too deeply (more than \(Limits.maxExpressionDepth) levels of parentheses, signs and operators)" }

        mutating func parseSum() -> Node {
            let entry = depth
            defer { depth = entry }
            var value = parseProduct()
            if failed { return value }
            while let op = peek(), op == "+" || op == "-" {
                pos += 1
                guard descend() else { return .then(value, fail(tooDeep)) }
                let rhs = parseProduct()
                value = .binary(op == "+" ? .add : .subtract, value, rhs)
                if failed { return value }
            }
            return value
        }

        mutating func parseProduct() -> Node {
            let entry = depth
            defer { depth = entry }
            var value = parseUnary()
            if failed { return value }
            while let op = peek(), op == "*" || op == "/" || op == "%" {
                pos += 1
                guard descend() else { return .then(value, fail(tooDeep)) }
                let rhs = parseUnary()
                value = .binary(op == "*" ? .multiply : op == "/" ? .divide : .remainder, value, rhs)
                if failed { return value }
            }
            return value
        }

        mutating func parseUnary() -> Node {
            if peek() == "-" {
                pos += 1
                let entry = depth
                defer { depth = entry }
                guard descend() else { return fail(tooDeep) }
                return .negate(parseUnary())
            }
            return parseAtom()
        }

        mutating func parseAtom() -> Node {
            guard let c = peek() else { return fail("expression ends too early") }
            if c == "(" {
                pos += 1
                let entry = depth
                defer { depth = entry }
                guard descend() else { return fail(tooDeep) }
                let v = parseSum()
                if failed { return v }
                guard peek() == ")" else { return .then(v, fail("missing ')' in expression")) }
                pos += 1
                return v
            }
            if c.isNumber {
                var digits = ""
                while pos < chars.count, chars[pos].isNumber { digits.append(chars[pos]); pos += 1 }
                guard let v = Int(digits) else { return fail("number too large: \(digits)") }
                return .number(v)
            }
            if c.isLetter || c == "_" {
                var name = ""
                while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" {
                    name.append(chars[pos]); pos += 1
                }
                if name == "min" || name == "max" {
                    guard peek() == "(" else { return fail("\(name) needs '(a, b)'") }
                    pos += 1
                    let minimum = name == "min"
                    let entry = depth
                    defer { depth = entry }
                    guard descend() else { return fail(tooDeep) }
                    var args = [parseSum()]
                    if failed { return .extreme(minimum: minimum, args) }
                    while peek() == "," {
                        pos += 1
                        args.append(parseSum())
                        if failed { return .extreme(minimum: minimum, args) }
                    }
                    guard peek() == ")" else { return .then(.extreme(minimum: minimum, args), fail("missing ')' after \(name)(...)")) }
                    pos += 1
                    return .extreme(minimum: minimum, args)
                }
                return .name(name)
            }
            return fail("unexpected '\(c)' in expression")
        }
    }
}
