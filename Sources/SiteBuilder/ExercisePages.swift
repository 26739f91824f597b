import CourseModel
import Foundation
import SocketSim
import SourceFiles
import TraceQueries

/// The exercises as pages: each section's exercises at the end of its page, a page of all of them,
/// the answer-file template to download and, in the instructor build, the keys and explanations.
///
/// The student build never carries a key, a hint or a solution; the instructor build shows each
/// question's hint (what feedback shows without `--reveal`) and its solution. Exercises whose numbers vary per
/// student show those names symbolically (`<var>n</var>`): each student's values are in the answer
/// file `socklab template --student ID` writes. The instructor build shows the default variant.
struct ExercisePages {
    struct Page { let id: String; let path: String; let title: String; let summary: String; let html: String }
    var sectionHTML: [String: String] = [:]
    var pages: [Page] = []
    var extraFiles: [OutputFile] = []
    var templatePath: String?
    var diagnostics: [Diagnostic] = []
    /// The exercises as loaded, for the answer-file checker (`CheckPage`).
    var catalog: ExerciseCatalog?

    static let templateFile = "answers-template.yaml"

    static func build(chapter: Chapter, context: inout BuildContext, options: BuildOptions, workers: Workers = .one) -> ExercisePages {
        var out = ExercisePages()
        guard !chapter.exercises.isEmpty else { return out }
        let (course, problems) = Course.load(config: chapter.course, configPath: "content/course.yaml",
                                             scenarios: Array(chapter.scenarios.values), exercises: chapter.exercises.map { (path: $0.key, text: $0.value) },
                                             workers: workers, caches: context.caches)
        let catalog = course.catalog
        out.diagnostics += problems
        out.catalog = catalog
        let sectionIDs = Set(chapter.sections.map(\.id))
        for e in catalog.exercises where !sectionIDs.contains(e.section) && !chapter.failedIDs.contains(e.section) {
            out.diagnostics.append(Diagnostic(at: e.location, id: .exerciseUnknownSection,
                                              "exercise \(e.id): section '\(e.section)' is not one of course.yaml's sections"))
        }

        var bySection: [String: [String]] = [:]
        var number = 0
        for section in chapter.sections {
            for e in catalog.exercises where e.section == section.id {
                number += 1
                let key: AnswerKey
                do throws(DiagnosticError) {
                    // The hint check computed the default variant's key while loading.
                    if let checked = catalog.checkedKey(e, e.defaultVariant) { key = checked } else { key = try e.answerKey(for: e.defaultVariant) }
                } catch {
                    out.diagnostics += error.diagnostics
                    continue
                }
                bySection[section.id, default: []].append(html(e, number: number, key: key, solutions: options.solutions))
            }
        }
        for (id, blocks) in bySection {
            out.sectionHTML[id] = "<section class=\"exercises\" id=\"exercises\">\n<h2>연습 문제</h2>\n" + blocks.joined(separator: "\n") + "\n</section>\n"
        }
        var all = "<p>각 절의 끝에 있는 연습 문제를 모았습니다. 답은 "
        all += "<a href=\"\(templateFile)\">답안 파일</a>에 씁니다. 문제의 <var>이름</var>은 학생마다 다른 값이며, "
        all += "각자의 값은 <code>socklab template --student 학번</code>이 만든 답안 파일에 들어 있습니다. "
        all += "제출하기 전에 <a href=\"\(CheckPage.path)\">답안 파일 형식 검사</a> 페이지에서 형식을 확인하세요.</p>\n"
        if options.solutions {
            all = "<p class=\"badge\">강사용: 기본 변형의 정답과 해설을 포함합니다. 학생별 정답은 <code>socklab grade --reveal</code>로 봅니다.</p>\n" + all
        }
        for section in chapter.sections {
            guard let blocks = bySection[section.id] else { continue }
            all += "<h2><a href=\"\(section.id).html\">\(section.title.xmlEscaped)</a></h2>\n" + blocks.joined(separator: "\n") + "\n"
        }
        out.pages.append(Page(id: "exercises", path: "exercises.html", title: "연습 문제 모음", summary: "모든 절의 채점되는 연습 문제", html: all))
        out.extraFiles.append(OutputFile(path: templateFile, contents: genericTemplate(catalog)))
        out.templatePath = templateFile
        return out
    }

    /// A key as the solutions show it: a choice as code, like the choices listed above it; a state
    /// and any other value in Korean (`반환하지 않음`), as `AnswerValue.koreanMarkdown` writes it.
    static func answerHTML(_ value: AnswerValue) -> String {
        value.isShownAsCode ? "<code>\(value.korean.xmlEscaped)</code>" : value.korean.xmlEscaped
    }

    /// One exercise, as a block of the section page.
    static func html(_ e: Exercise, number: Int, key: AnswerKey, solutions: Bool) -> String {
        let varying = Set(e.parameters.filter { $0.candidates.count > 1 }.map(\.name))
        let samples = sampleVariables(e)
        /// Markdown with its placeholders filled (instructor) or shown symbolically (student).
        func md(_ s: String, answer: AnswerValue? = nil) -> String {
            // Durations the exercise computes (`MSL = {msl}ms`) read as the chapter writes them (`30초`).
            if solutions { return Prose.html(fromMarkdown: DurationText.koreanMilliseconds(in: ExerciseText.render(s, key: key, answer: answer))) }
            let (text, tokens) = symbolic(s, samples: samples, key: key)
            var html = Prose.html(fromMarkdown: DurationText.koreanMilliseconds(in: text, markerSuffix: "END"))
            for (token, value) in tokens { html = html.replacingOccurrences(of: token, with: value) }
            return html
        }
        var h = "<section class=\"exercise\" id=\"ex-\(e.id.xmlEscaped)\">\n"
        h += "<h3>연습 \(number). \(e.title.xmlEscaped) <span class=\"qid\">[\(e.id.xmlEscaped)]</span></h3>\n"
        if !varying.isEmpty {
            let names = e.parameters.filter { varying.contains($0.name) }.map { "<var>\($0.name.xmlEscaped)</var>" }.joined(separator: ", ")
            h += solutions
                ? "<p class=\"variant-note\">학생마다 다른 값: \(names). 아래는 기본 변형(<code>\(DurationText.koreanMilliseconds(in: key.variant.description).xmlEscaped)</code>)입니다.</p>\n"
                : "<p class=\"variant-note\">\(names)의 값은 학생마다 다르며, 각자의 답안 파일에 적혀 있습니다.</p>\n"
        }
        h += md(e.prose) + "\n"
        h += "<ol class=\"questions\">\n"
        for q in e.questions {
            h += "<li class=\"question\" id=\"ex-\(e.id.xmlEscaped)-\(q.id.xmlEscaped)\">"
            h += "<span class=\"points\">\(formatPoints(q.points))점 · \(q.kind.koreanName.xmlEscaped)</span>"
            h += "<span class=\"qid\">\(q.id.xmlEscaped)</span> "
            h += md(q.prompt)
            if q.kind == .choice && !q.choices.isEmpty {
                h += "<ul class=\"choices\">" + q.choices.map { "<li><code>\($0.xmlEscaped)</code></li>" }.joined() + "</ul>"
            }
            if solutions, let value = key.values[q.id] {
                h += "<div class=\"answer-key\"><p><strong>정답:</strong> \(answerHTML(value))"
                if let t = key.tolerances[q.id], t > 0 { h += " (±\(t) 허용)" }
                if let cf = q.carryForward { h += " (앞 문항 <code>\(cf.from.xmlEscaped)</code>의 답으로 채점)" }
                h += "</p>"
                if !q.hint.isEmpty { h += "<div class=\"hint\"><p><strong>힌트</strong> (채점 피드백에 보임)</p>" + md(q.hint) + "</div>" }
                if !q.solution.isEmpty { h += "<div class=\"solution\"><p><strong>풀이</strong></p>" + md(q.solution, answer: value) + "</div>" }
                h += "</div>"
            }
            h += "</li>\n"
        }
        h += "</ol>\n</section>"
        return h
    }

    /// The names every placeholder can use, for a spread of variants: a placeholder whose value
    /// differs between them depends on the student (directly, or through a `let` such as
    /// `n = sqs + rqs + d`) and is shown as a name, never as one student's number.
    static func sampleVariables(_ e: Exercise) -> [[String: Int]] {
        e.sampleVariants().compactMap { try? e.run(for: $0).load().variables }
    }

    /// Renders placeholders whose value depends on the student as the expression itself
    /// (`<var>n</var>`) and fills the others; `{answer}` and `{q:...}` never appear in the student build.
    static func symbolic(_ s: String, samples: [[String: Int]], key: AnswerKey) -> (String, [String: String]) {
        var tokens: [String: String] = [:]
        let out = TemplateScanner.replacingPlaceholders(in: s) { placeholder in
            let inner = String(placeholder)
            if inner == "answer" || inner.hasPrefix("q:") { return ExerciseText.hiddenAnswer }
            guard Set(samples.map({ try? Arithmetic.evaluate(inner, variables: $0) })).count > 1 else {
                return ExerciseText.render("{\(inner)}", key: key)
            }
            let token = "SOCKLABVAR\(tokens.count)END"
            tokens[token] = "<var>\(inner.trimmingUnicodeWhitespace().xmlEscaped)</var>"
            return token
        }
        // Markdown runs after this; the tokens survive it and then become <var> elements.
        return (out, tokens)
    }

    static func formatPoints(_ p: Double) -> String {
        p == p.rounded() ? String(Int(p)) : String(p)
    }

    /// The answer file to download from the site: every exercise and question with an empty answer.
    /// Students should prefer `socklab template --student ID`, which also records their variant.
    static func genericTemplate(_ catalog: ExerciseCatalog) -> String {
        var s = "# SockLab 답안 파일 (일반 템플릿)\n"
        s += "# 각자의 변형 값이 들어 있는 답안 파일은 `socklab template --student 학번`으로 만드세요.\n"
        s += "# 제출 전에 강의 사이트의 '답안 파일 형식 검사'(check.html)에서 이 파일을 골라 형식을 확인하세요.\n"
        s += "student: \"\"\n"
        s += "exercises:\n"
        for e in catalog.exercises {
            s += "  # \(e.title)\n"
            s += "  \(e.id):\n"
            s += "    answers:\n"
            for q in e.questions {
                let prompt = q.prompt.split(whereSeparator: \.isNewline).joined(separator: " ")
                s += "      # [\(q.kind.koreanName)] \(prompt)\n"
                s += "      \(q.id):\n"
            }
        }
        return s
    }
}
