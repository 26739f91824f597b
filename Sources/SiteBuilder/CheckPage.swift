import CourseModel
import Mustache
import SourceFiles

/// The student kit's offline checker: `check.html` (from `templates/check.mustache`, in the site's
/// layout), the answer schema it reads (`AnswerSchema`, as `answer-schema.js` and
/// `answer-schema.json`) and `assets/check.js`, which reads the chosen file in the browser.
///
/// A student needs neither the course secret nor `content/` to check their file's format this
/// way; `socklab check` stays the TAs' tool (it also verifies variants and tags).
enum CheckPage {
    static let path = "check.html"
    static let schemaScript = "answer-schema.js"
    static let schemaJSON = "answer-schema.json"
    static let template = "check"

    struct Model {
        let schemaScript: String
        let exerciseCount: Int
        let questionCount: Int
    }

    /// Adds the page and the schema to the exercises' output; a site without exercises has no
    /// checker, and a missing `templates/check.mustache` is a diagnostic, not a crash.
    static func add(to exercises: inout ExercisePages, catalog: ExerciseCatalog, course: CourseConfig,
                    library: MustacheLibrary, diagnostics: inout [Diagnostic]) {
        guard !catalog.exercises.isEmpty else { return }
        let schema = AnswerSchema(catalog: catalog, course: course)
        exercises.extraFiles.append(OutputFile(path: schemaJSON, contents: schema.json() + "\n"))
        exercises.extraFiles.append(OutputFile(path: schemaScript, contents: schema.script()))
        let model = Model(schemaScript: schemaScript, exerciseCount: catalog.exercises.count,
                          questionCount: catalog.exercises.reduce(0) { $0 + $1.questions.count })
        guard let html = library.render(model, withTemplate: template) else {
            diagnostics.append(Diagnostic(at: SourceLocation(file: "templates/\(template).mustache"), id: .templateMissing,
                                          "templates/\(template).mustache is missing: the site has exercises, so it needs the answer-file checker page"))
            return
        }
        exercises.pages.append(ExercisePages.Page(id: "check", path: path, title: "답안 파일 형식 검사",
                                                  summary: "제출 전에 답안 파일의 형식을 브라우저에서 확인합니다 (정답 여부는 알려 주지 않음)",
                                                  html: html))
    }
}
