import SourceFiles

extension Exercise {
    /// `hintCheck()` once per exercise text, course parameters and scenario files in the course's
    /// caches (`CourseCaches.hintChecks`).
    func cachedHintCheck(text: String, file: String, course: CourseConfig, scenarios: [ScenarioFile]) -> CourseCaches.HintCheck {
        let key = CourseCaches.HintCheckKey(file: file, text: text, parameters: course.parameters,
                                            scenarios: scenarios.map { .init(name: $0.name, text: $0.text) })
        return caches.hintChecks.value(key) { hintCheck() }
    }
}

extension CourseCaches {
    /// What an exercise's hint check found: the hints and misconceptions that give a key away,
    /// and the keys it computed, by variant index.
    typealias HintCheck = (diagnostics: [Diagnostic], keys: [Int: AnswerKey])

    struct HintCheckKey: Hashable, Sendable {
        struct Scenario: Hashable, Sendable {
            let name: String
            let text: String
        }
        let file: String
        let text: String
        let parameters: [String: Int]
        let scenarios: [Scenario]
    }
}
