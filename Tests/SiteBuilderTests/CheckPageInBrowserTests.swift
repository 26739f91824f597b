import CourseModel
import Foundation
import Testing
@testable import SiteBuilder

/// check.html in headless Chromium, driven through chromium-driver with selenium (both installed
/// by scripts/install-deps): the answer file is chosen in the page's file input, as a student
/// does, and the problems the page lists are read back. Missing tools fail the test, never skip.
@Suite("The checker page in a real browser", .serialized)
struct CheckPageInBrowserTests {
    /// Opens `page`, chooses `answerFile` in `#answer-file`, waits for the result and prints it
    /// as JSON: the listed problems, the page's own script errors and severe console messages.
    static let driver = #"""
    import json, sys
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chromium, chromedriver, profile, page, answer = sys.argv[1:6]
    options = Options()
    options.binary_location = chromium
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile]:
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    try:
        browser.set_page_load_timeout(20)
        browser.get(page)
        checker = browser.find_element(By.ID, "checker")
        WebDriverWait(browser, 10).until(lambda d: checker.get_attribute("data-state") != "loading")
        ready = checker.get_attribute("data-state")
        if ready == "ready":
            browser.find_element(By.ID, "answer-file").send_keys(answer)
            WebDriverWait(browser, 10).until(lambda d: checker.get_attribute("data-state") == "checked")
        problems = [{"line": int(li.get_attribute("data-line")), "id": li.get_attribute("data-id"),
                     "severity": li.get_attribute("class").split()[-1], "text": li.text}
                    for li in browser.find_elements(By.CSS_SELECTOR, "#check-problems li")]
        print(json.dumps({
            "ready": ready,
            "summary": browser.find_element(By.ID, "check-summary").text,
            "problems": problems,
            "errors": browser.execute_script("return document.documentElement.getAttribute('data-errors')"),
            "console": [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"],
        }, ensure_ascii=False))
    finally:
        browser.quit()
    """#

    struct Problem: Decodable { let line: Int; let id: String; let severity: String; let text: String }
    struct Outcome: Decodable { let ready: String; let summary: String; let problems: [Problem]; let errors: String?; let console: [String] }

    static func tool(_ names: [String]) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in names {
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        throw ChromiumError(description: "\(names.joined(separator: " or ")) is not installed; run scripts/install-deps")
    }

    /// Chooses `answer` (written to a file) in the built site's check.html.
    static func check(_ answer: String, site: URL) throws -> Outcome {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("socklab-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = scratch.appendingPathComponent("drive.py"), file = scratch.appendingPathComponent("답안 s1.yaml")
        try driver.write(to: script, atomically: true, encoding: .utf8)
        try answer.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try tool(["python3"]))
        process.arguments = [script.path, try Chromium.executable(), try tool(["chromedriver"]), scratch.appendingPathComponent("profile").path,
                             site.appendingPathComponent(CheckPage.path).absoluteString, file.path]
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + 60) == .timedOut {
            kill(-process.processIdentifier, SIGKILL)
            process.terminate()
            throw ChromiumError(description: "the selenium driver did not finish within 60 s")
        }
        let stdout = try Data(contentsOf: out)
        guard process.terminationStatus == 0 else {
            let log = String(decoding: try Data(contentsOf: err), as: UTF8.self)
            throw ChromiumError(description: "the selenium driver failed (exit \(process.terminationStatus)); is selenium installed (scripts/install-deps)?\n\(log.suffix(2000))")
        }
        return try JSONDecoder().decode(Outcome.self, from: stdout)
    }

    /// A file with one slip of each kind, on known lines.
    static func badFile(_ catalog: ExerciseCatalog) throws -> (text: String, expected: [(line: Int, id: String)]) {
        let integerExercise = try #require(catalog.exercises.first { e in e.questions.contains { $0.kind == .integer } && e.hasVariants })
        let q = try #require(integerExercise.questions.first { $0.kind == .integer })
        let other = try #require(integerExercise.questions.first { $0.id != q.id })
        let text = """
        student: "s1"
        name: 홍길동
        exercises:
          \(integerExercise.id):
            variant: {\(integerExercise.parameters.map { "\($0.name): \($0.defaultValue)" }.joined(separator: ", "))}
            tag: 0123
            answers:
              \(q.id): 삼백
              \(other.id)x: 5
              \(other.id): *:80
              this line has no colon
          no-such-exercise:
            answers:
              a: 1
        """
        return (text, [(2, "answer.unknown-key"), (6, "answer.tag"), (8, "answer.kind"), (9, "answer.unknown-question"),
                       (10, "answer.needs-quotes"), (11, "answer.malformed"), (12, "answer.unknown-exercise")])
    }

    @Test("a file chosen in the input: each format problem is listed with its line, in Korean, nothing about correctness")
    func listsProblems() throws {
        let site = try SiteInBrowserTests.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let catalog = try CheckPageTests.catalog(try realTree())
        let (text, expected) = try Self.badFile(catalog)
        let outcome = try Self.check(text, site: site)
        #expect(outcome.ready == "ready")
        #expect(outcome.errors == nil, "script errors: \(outcome.errors ?? "")")
        #expect(outcome.console == [], "console errors: \(outcome.console)")
        let errors = outcome.problems.filter { $0.severity == "error" }
        #expect(errors.map { "\($0.line) \($0.id)" } == expected.map { "\($0.line) \($0.id)" }, "\(outcome.problems.map(\.text))")
        for p in outcome.problems { #expect(p.text.hasPrefix("\(p.line)번째 줄"), "\(p.text)") }
        let quoting = try #require(outcome.problems.first { $0.id == "answer.needs-quotes" })
        #expect(quoting.text.contains("따옴표") && quoting.text.contains("\"*:80\""))
        let misspelled = try #require(outcome.problems.first { $0.id == "answer.unknown-question" })
        #expect(misspelled.text.contains("혹시"), "a near-miss id gets a suggestion: \(misspelled.text)")
        // Missing answers and exercises are warnings.
        #expect(outcome.problems.contains { $0.id == "answer.missing" && $0.severity == "warning" })
        #expect(outcome.problems.contains { $0.id == "answer.missing-exercise" && $0.severity == "warning" })
        #expect(outcome.summary.contains("오류 \(expected.count)개"))
        // Nothing about correctness: no word of marking in anything shown.
        for p in outcome.problems { #expect(!p.text.contains("정답") && !p.text.contains("틀렸") && !p.text.contains("맞았")) }
    }

    @Test("the generic template with every answer written well has no errors")
    func cleanFile() throws {
        let site = try SiteInBrowserTests.buildRealSite()
        defer { try? FileManager.default.removeItem(at: site) }
        let catalog = try CheckPageTests.catalog(try realTree())
        var lines = ["# 학생 답안", "student: s2024001", "exercises:"]
        for e in catalog.exercises {
            lines.append("  \(e.id):")
            if !e.parameters.isEmpty {
                lines.append("    variant: {" + e.parameters.map { "\($0.name): \($0.defaultValue)" }.joined(separator: ", ") + "}")
                lines.append("    tag: " + String(repeating: "ab", count: 32))
            }
            lines.append("    answers:")
            for q in e.questions {
                let answer: String
                switch q.kind {
                case .integer: answer = "500"
                case .yesno: answer = "예"
                case .choice: answer = "\"" + q.choices[0].uppercased() + "\""
                case .state: answer = "time-wait"
                case .list: answer = "[SYN, \"SYN+ACK\", ACK]"
                case .counts: answer = "{send 1: 300, send 2: 200}"
                }
                lines.append("      \(q.id): \(answer)   # 내 답")
            }
        }
        let outcome = try Self.check(lines.joined(separator: "\n") + "\n", site: site)
        #expect(outcome.errors == nil)
        #expect(outcome.problems.map(\.text) == [])
        #expect(outcome.summary.contains("형식 문제가 없습니다"))
    }
}
