import CourseModel
import SourceFiles
import Testing

@Suite("Course.load: the one way content is loaded")
struct CourseTests {
    static let courseYAML = "title: 시험\nparameters:\n  sqs: 500\n  rqs: 500\n"
    static let exercise = """
    id: fine
    section: buf
    title: 보내기
    scenario: small
    questions:
      - id: q
        prompt: "보낸 뒤 SendQ에는 몇 바이트가 있습니까?"
        kind: integer
        answer: queue client.sendq after 1
    """

    @Test("a content tree gives course.yaml and the YAML files of scenarios/ and exercises/, in path order, nothing nested")
    func filesFromATree() throws {
        let tree = [
            "content/course.yaml": Self.courseYAML,
            "content/scenarios/b.yaml": "steps: []", "content/scenarios/a.yaml": "steps: []",
            "content/scenarios/old/c.yaml": "steps: []", "content/scenarios/notes.md": "#",
            "content/exercises/e.yaml": Self.exercise, "templates/page.mustache": "",
        ]
        let files = try #require(Course.Files(tree: tree))
        #expect(files.course.path == "content/course.yaml")
        #expect(files.scenarios.map(\.path) == ["content/scenarios/a.yaml", "content/scenarios/b.yaml"])
        #expect(files.exercises.map(\.path) == ["content/exercises/e.yaml"])
        #expect(Course.Files(tree: ["content/scenarios/a.yaml": ""]) == nil, "no course.yaml, no course")
    }

    @Test("scenarios are named after their files, and a broken exercise does not stop the others")
    func loads() throws {
        let files = Course.Files(course: ("c/course.yaml", Self.courseYAML),
                                 scenarios: [("c/scenarios/small.yaml", "steps:\n  - client: send 100\n")],
                                 exercises: [("c/exercises/z-broken.yaml", "id: [x]\n"), ("c/exercises/fine.yaml", Self.exercise)])
        let (loaded, diagnostics) = Course.load(files)
        let course = try #require(loaded)
        #expect(course.configPath == "c/course.yaml")
        #expect(course.config.parameters["sqs"] == 500)
        #expect(course.scenarios.map(\.name) == ["small"])
        #expect(course.catalog.exercises.map(\.id) == ["fine"])
        #expect(!diagnostics.isEmpty && diagnostics.allSatisfy { $0.location.file == "c/exercises/z-broken.yaml" }, "\(diagnostics)")
    }

    @Test("a course.yaml that does not load gives no course, and says where")
    func brokenCourse() {
        let (loaded, diagnostics) = Course.load(Course.Files(course: ("c/course.yaml", "parameters: [1, 2]\n"), scenarios: [], exercises: []))
        #expect(loaded == nil)
        #expect(!diagnostics.isEmpty && diagnostics.allSatisfy { $0.location.file == "c/course.yaml" }, "\(diagnostics)")
    }
}
