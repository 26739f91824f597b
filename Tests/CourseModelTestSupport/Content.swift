import CourseModel
import Foundation
import SourceFiles

/// The content folder, found from this file so the tests run from any directory.
public let contentRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("content")

/// The course's content (`content/`), loaded through `Course.load` as the commands load it.
public struct Content: Sendable {
    public let course: CourseConfig
    public let scenarios: [ScenarioFile]
    public let catalog: ExerciseCatalog
    public let diagnostics: [Diagnostic]

    /// `caches`: the test target's own (each target keeps one, as a long-lived process would).
    public static func load(caches: CourseCaches) throws -> Content {
        let (loaded, diagnostics) = Course.load(try files(), caches: caches)
        guard let course = loaded else { throw DiagnosticError(diagnostics) }
        return Content(course: course.config, scenarios: course.scenarios, catalog: course.catalog, diagnostics: diagnostics)
    }

    /// The content folder's files as `Course.load` takes them. `relative`: paths named
    /// `content/...`, as the commands name them when run from the repository (else absolute);
    /// `exercises`: each exercise file's path and text as the test wants them loaded.
    public static func files(relative: Bool = false,
                             exercises edit: (String, String) -> (path: String, text: String) = { ($0, $1) }) throws -> Course.Files {
        let course = contentRoot.appendingPathComponent("course.yaml").path
        return Course.Files(course: (relative ? "content/course.yaml" : course, try String(contentsOfFile: course, encoding: .utf8)),
                            scenarios: try files(in: "scenarios", relative: relative),
                            exercises: try files(in: "exercises", relative: relative).map { edit($0.path, $0.text) })
    }

    public static func files(in folder: String, relative: Bool = false) throws -> [(path: String, text: String)] {
        let dir = contentRoot.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
            let p = dir.appendingPathComponent($0).path
            return (relative ? "content/\(folder)/\($0)" : p, try String(contentsOfFile: p, encoding: .utf8))
        }
    }

    public func load(_ yaml: String, file: String = "test.yaml") throws(DiagnosticError) -> Exercise {
        try ExerciseLoader.load(text: yaml, file: file, course: course, scenarios: scenarios)
    }
}
