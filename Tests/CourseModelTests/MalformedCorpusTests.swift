import CourseModel
import CourseModelTestSupport
import Foundation
import ScenarioLoading
import SocketSim
import SourceFiles
import Testing

/// The course the real chapter's scenarios and exercises are loaded with.
let realCourse: CourseConfig = {
    let path = contentRoot.appendingPathComponent("course.yaml").path
    return try! CourseConfig.load(text: String(contentsOfFile: path, encoding: .utf8), file: "content/course.yaml")
}()

let realScenarioFiles: [ScenarioFile] = {
    let dir = contentRoot.appendingPathComponent("scenarios")
    return (try! FileManager.default.contentsOfDirectory(atPath: dir.path)).filter { $0.hasSuffix(".yaml") }.sorted().map {
        ScenarioFile(name: String($0.dropLast(5)), path: "content/scenarios/\($0)",
                     text: try! String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8))
    }
}()

/// Text as the commands read it: UTF-8 or refused.
func commandText(_ c: MalformedCase) -> Result<String, DiagnosticError> {
    guard let text = String(validating: c.bytes, as: UTF8.self) else {
        return .failure(DiagnosticError(Diagnostic(at: SourceFiles.SourceLocation(file: c.name), id: .fileNotText, "the file is not UTF-8 text")))
    }
    return .success(text)
}

@Suite("Malformed scenarios and exercises: each refused with its exact diagnostic, none traps")
struct MalformedCorpusTests {
    /// What `socklab simulate` does with the file: load with the course's parameters, then run.
    @Test(arguments: MalformedCase.load(kind: "scenarios"))
    func scenario(_ c: MalformedCase) {
        var diagnostics: [Diagnostic] = []
        switch commandText(c) {
        case .failure(let e): diagnostics = e.diagnostics
        case .success(let text):
            do throws(DiagnosticError) {
                let scenario = try ScenarioLoader.load(text: text, file: c.name, variables: realCourse.parameters)
                _ = try ScenarioLoader.simulate(scenario, text: text, file: c.name)
            } catch {
                diagnostics = error.diagnostics
            }
        }
        c.verify(diagnostics)
    }

    /// What `socklab grade` and `socklab build` do with an exercise file: load it with the real course
    /// and scenarios, then compute its default variant's key.
    @Test(arguments: MalformedCase.load(kind: "exercises"))
    func exercise(_ c: MalformedCase) {
        var diagnostics: [Diagnostic] = []
        switch commandText(c) {
        case .failure(let e): diagnostics = e.diagnostics
        case .success(let text):
            let (catalog, problems) = ExerciseCatalog.load(files: [(path: c.name, text: text)], course: realCourse, scenarios: realScenarioFiles)
            diagnostics = problems
            if problems.isEmpty, let e = catalog.exercises.first {
                do throws(DiagnosticError) { _ = try e.answerKey(for: e.defaultVariant) } catch { diagnostics = error.diagnostics }
            }
        }
        c.verify(diagnostics)
    }

    @Test("the corpus is at least 100 files across scenarios, exercises, answer files and content")
    func size() {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let tests = here.deletingLastPathComponent()
        var count = 0
        for dir in ["CourseModelTests/Malformed/scenarios", "CourseModelTests/Malformed/exercises",
                    "GraderTests/Malformed/answers", "SiteBuilderTests/Malformed/sections", "SiteBuilderTests/Malformed/course"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: tests.appendingPathComponent(dir).path)) ?? []
            count += names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".expect") }.count
        }
        #expect(count >= 100, "the malformed corpus has \(count) files")
    }
}
