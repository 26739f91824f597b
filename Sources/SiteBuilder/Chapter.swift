import CourseModel
import Diagrams
import SourceFiles

/// A figure as the content declares it: which scenario, which kind, which steps.
public struct FigureSpec: Sendable, Hashable {
    public var id: String
    public var scenario: String?
    public var kind: FigureKind
    public var after: [Int]
    public var host: String?
    public var queue: String?
    public var caption: String
    public var options: [String: String]
    public var location: SourceLocation
}

/// A number or name the prose quotes, computed by a query over a scenario's trace.
public struct ValueSpec: Sendable, Hashable {
    public var id: String
    public var scenario: String
    public var query: String
    public var location: SourceLocation
}

/// One Markdown page of the chapter: a numbered section or an extra page (glossary, Linux notes).
public struct PageSource: Sendable, Hashable {
    public var id: String
    public var title: String
    public var summary: String
    public var file: String
    public var body: String
    public var bodyLine: Int
    public var figures: [FigureSpec]
    public var values: [ValueSpec]
    public var isSection: Bool
}

/// The whole chapter, loaded: what every later build step works on.
public struct Chapter: Sendable {
    public var course: CourseConfig
    public var sections: [PageSource]
    public var pages: [PageSource]
    /// Scenario files by name (file name without `.yaml`), as text with their paths.
    public var scenarios: [String: (path: String, text: String)]
    public var exercises: [String: String]
    /// Ids of pages whose file failed to load (already reported): what refers to them is not
    /// reported again, so the first cause is not buried under its consequences.
    public var failedIDs: Set<String> = []
}
