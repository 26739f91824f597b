/// Integer arithmetic over named parameters, as written inside `{...}` in scenario steps.
///
/// Scenarios say `send {sqs + rqs + 1}` instead of a number, so that changing SQS or RQS moves every
/// example with it. Supports `+ - * / %`, parentheses, unary minus, `min(a, b)` and `max(a, b)`.
public enum Expression {
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Evaluates `text` with `variables`; division by zero and unknown names are failures.
    public static func evaluate(_ text: String, variables: [String: Int]) throws(Failure) -> Int {
        var parser = Parser(chars: Array(text), variables: variables)
        let value = try parser.parseSum()
        parser.skipSpaces()
        if parser.pos < parser.chars.count {
            throw Failure(message: "unexpected '\(parser.chars[parser.pos])' in expression '\(text)'")
        }
        return value
    }

    /// Replaces every `{expr}` in `text` with its value.
    public static func substitute(in text: String, variables: [String: Int]) throws(Failure) -> String {
        guard text.contains("{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw Failure(message: "'{' without a closing '}' in '\(text)'")
            }
            let inner = String(rest[rest.index(after: open)..<close])
            out += String(try evaluate(inner, variables: variables))
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    private struct Parser {
        let chars: [Character]
        let variables: [String: Int]
        var pos = 0

        init(chars: [Character], variables: [String: Int]) {
            self.chars = chars
            self.variables = variables
        }

        mutating func skipSpaces() {
            while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" { pos += 1 }
        }

        mutating func peek() -> Character? {
            skipSpaces()
            return pos < chars.count ? chars[pos] : nil
        }

        mutating func parseSum() throws(Failure) -> Int {
            var value = try parseProduct()
            while let op = peek(), op == "+" || op == "-" {
                pos += 1
                let rhs = try parseProduct()
                let (r, overflow) = op == "+" ? value.addingReportingOverflow(rhs) : value.subtractingReportingOverflow(rhs)
                if overflow { throw Failure(message: "number too large in expression") }
                value = r
            }
            return value
        }

        mutating func parseProduct() throws(Failure) -> Int {
            var value = try parseUnary()
            while let op = peek(), op == "*" || op == "/" || op == "%" {
                pos += 1
                let rhs = try parseUnary()
                switch op {
                case "*":
                    let (r, overflow) = value.multipliedReportingOverflow(by: rhs)
                    if overflow { throw Failure(message: "number too large in expression") }
                    value = r
                default:
                    if rhs == 0 { throw Failure(message: "division by zero in expression") }
                    value = op == "/" ? value / rhs : value % rhs
                }
            }
            return value
        }

        mutating func parseUnary() throws(Failure) -> Int {
            if peek() == "-" {
                pos += 1
                return -(try parseUnary())
            }
            return try parseAtom()
        }

        mutating func parseAtom() throws(Failure) -> Int {
            guard let c = peek() else { throw Failure(message: "expression ends too early") }
            if c == "(" {
                pos += 1
                let v = try parseSum()
                guard peek() == ")" else { throw Failure(message: "missing ')' in expression") }
                pos += 1
                return v
            }
            if c.isNumber {
                var digits = ""
                while pos < chars.count, chars[pos].isNumber { digits.append(chars[pos]); pos += 1 }
                guard let v = Int(digits) else { throw Failure(message: "number too large: \(digits)") }
                return v
            }
            if c.isLetter || c == "_" {
                var name = ""
                while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" {
                    name.append(chars[pos]); pos += 1
                }
                if name == "min" || name == "max" {
                    guard peek() == "(" else { throw Failure(message: "\(name) needs '(a, b)'") }
                    pos += 1
                    var args = [try parseSum()]
                    while peek() == "," { pos += 1; args.append(try parseSum()) }
                    guard peek() == ")" else { throw Failure(message: "missing ')' after \(name)(...)") }
                    pos += 1
                    return name == "min" ? args.min()! : args.max()!
                }
                guard let v = variables[name] else {
                    let known = variables.keys.sorted().joined(separator: ", ")
                    throw Failure(message: "unknown name '\(name)' in expression (known: \(known))")
                }
                return v
            }
            throw Failure(message: "unexpected '\(c)' in expression")
        }
    }
}
