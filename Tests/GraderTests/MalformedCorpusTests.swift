import CourseModel
import CourseModelTestSupport
import Foundation
import Grader
import SourceFiles
import Testing

/// The real chapter's grader, loaded once for the corpus.
let realChapterGrader: Grader = {
    do { return try RealChapterTests.load().1 } catch { fatalError("the real chapter does not load: \(error)") }
}()

@Suite("Malformed answer files: each is its student's error row with the exact diagnostic, none traps")
struct MalformedAnswerCorpusTests {
    /// What `socklab check FILE` and `socklab grade FILE` report for the file.
    @Test(arguments: MalformedCase.load(kind: "answers"))
    func answerFile(_ c: MalformedCase) throws {
        var diagnostics: [Diagnostic] = []
        do throws(DiagnosticError) {
            diagnostics += realChapterGrader.check(try AnswerSheet.parse(bytes: c.bytes, file: c.name))
        } catch {
            diagnostics += error.diagnostics
        }
        // Grading it with a good file beside it: the good one is still graded, the bad one is a row.
        let good = AnswerInput(path: "good.yaml", content: .success(Array("student: \"good-1\"\nexercises: {}\n".utf8)))
        let report = try realChapterGrader.grade([AnswerInput(path: c.name, content: .success(c.bytes)), good])
        let row = try #require(report.results.first { $0.file == c.name })
        diagnostics += row.errors + row.warnings
        #expect(report.results.first { $0.file == "good.yaml" }?.isError == false)
        c.verify(diagnostics)
    }
}
