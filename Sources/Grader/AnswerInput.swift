import CourseModel
import SourceFiles

/// An answer file as the command gives it: its path and its bytes (or why they could not be
/// read), either already read or read when the grader takes the file up.
///
/// A run over a folder passes `load`, so that each file's bytes exist only while that file is
/// graded: 10,000 files are never all in memory at once.
public struct AnswerInput: Sendable {
    public var path: String
    let load: @Sendable () -> Result<[UInt8], DiagnosticError>

    public init(path: String, content: Result<[UInt8], DiagnosticError>) {
        self.path = path
        self.load = { content }
    }

    public init(path: String, load: @escaping @Sendable () -> Result<[UInt8], DiagnosticError>) {
        self.path = path
        self.load = load
    }

    /// The bytes, or why they could not be read.
    public var content: Result<[UInt8], DiagnosticError> { load() }
}
