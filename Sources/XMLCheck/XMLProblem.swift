/// One thing libxml2 found wrong with a document, at a 1-based line and column.
///
/// Kept as plain data so callers (the site builder, the diagram tests) can turn it into their own
/// diagnostics with a file path attached; this module knows nothing about files.
public struct XMLProblem: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line where libxml2 noticed the problem (0 if it gave none).
    public let line: Int
    /// 1-based column where libxml2 noticed the problem (0 if it gave none).
    public let column: Int
    /// libxml2's message, without its trailing newline, e.g. "Entity 'nbsp' not defined".
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line:column: message`, the shape a caller prefixes with its file path.
    public var description: String { "\(line):\(column): \(message)" }
}
