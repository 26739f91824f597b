import SourceFiles
import Foundation

extension Exercise {
    /// `hintCheck()` once per exercise text, course parameters and scenario files in a process:
    /// the check computes up to 65 keys per exercise, and a process that loads the same content
    /// again (the tests, a grader built twice) should not pay for it again.
    func cachedHintCheck(text: String, file: String, course: CourseConfig, scenarios: [ScenarioFile]) -> HintCheckCache.Entry {
        let key = HintCheckCache.Key(file: file, text: text, parameters: course.parameters,
                                     scenarios: scenarios.map { "\($0.name)\u{0}\($0.text)" })
        return HintCheckCache.shared.entry(key) { hintCheck() }
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
    typealias Entry = (diagnostics: [Diagnostic], keys: [Int: AnswerKey])
    private var entries: [Key: Entry] = [:]

    func entry(_ key: Key, compute: () -> Entry) -> Entry {
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
