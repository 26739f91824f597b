import Foundation

extension Exercise {
    /// `answerLeaks()` once per exercise text, course parameters and scenario files in a process:
    /// the check computes up to 65 keys per exercise, and a process that loads the same content
    /// again (the tests, a grader built twice) should not pay for it again.
    func cachedAnswerLeaks(text: String, file: String, course: CourseConfig, scenarios: [ScenarioFile]) -> [Diagnostic] {
        let key = HintCheckCache.Key(file: file, text: text, parameters: course.parameters,
                                     scenarios: scenarios.map { "\($0.name)\u{0}\($0.text)" })
        return HintCheckCache.shared.leaks(key) { answerLeaks() }
    }
}

final class HintCheckCache: @unchecked Sendable {
    static let shared = HintCheckCache()
    struct Key: Hashable {
        let file: String
        let text: String
        let parameters: [String: Int]
        let scenarios: [String]
    }
    private let lock = NSLock()
    private var entries: [Key: [Diagnostic]] = [:]

    func leaks(_ key: Key, compute: () -> [Diagnostic]) -> [Diagnostic] {
        lock.lock()
        let cached = entries[key]
        lock.unlock()
        if let cached { return cached }
        let found = compute()
        lock.lock()
        if entries.count > 1024 { entries.removeAll() }
        entries[key] = found
        lock.unlock()
        return found
    }
}
