import SourceFiles
import Foundation

extension ExerciseText {
    /// `Needs` by exercise id and texts. The key hashes the id and the number of texts; equal keys
    /// compare the texts, which is quick for the same strings (every key of an exercise passes them).
    final class NeedsCache: @unchecked Sendable {
        static let shared = NeedsCache()
        private let lock = NSLock()
        private var entries: [Key: Needs] = [:]

        struct Key: Hashable {
            let id: String
            let texts: [String]
            func hash(into hasher: inout Hasher) {
                hasher.combine(id)
                hasher.combine(texts.count)
            }
        }

        func needs(id: String, texts: [String]) -> Needs {
            let key = Key(id: id, texts: texts)
            lock.lock()
            let cached = entries[key]
            lock.unlock()
            if let cached { return cached }
            let needs = Needs(texts: texts)
            lock.lock()
            if entries.count > 4096 { entries.removeAll() }
            entries[key] = needs
            lock.unlock()
            return needs
        }
    }
}
