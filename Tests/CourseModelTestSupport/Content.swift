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
        let coursePath = contentRoot.appendingPathComponent("course.yaml").path
        let files = Course.Files(course: (coursePath, try String(contentsOfFile: coursePath, encoding: .utf8)),
                                 scenarios: try files(in: "scenarios"), exercises: try files(in: "exercises"))
        let (loaded, diagnostics) = Course.load(files, caches: caches)
        guard let course = loaded else { throw DiagnosticError(diagnostics) }
        return Content(course: course.config, scenarios: course.scenarios, catalog: course.catalog, diagnostics: diagnostics)
    }

    public static func files(in folder: String) throws -> [(path: String, text: String)] {
        let dir = contentRoot.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
            let p = dir.appendingPathComponent($0).path
            return (p, try String(contentsOfFile: p, encoding: .utf8))
        }
    }

    public func load(_ yaml: String, file: String = "test.yaml") throws(DiagnosticError) -> Exercise {
        try ExerciseLoader.load(text: yaml, file: file, course: course, scenarios: scenarios)
    }
}
