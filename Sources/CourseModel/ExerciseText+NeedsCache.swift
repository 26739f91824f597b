extension CourseCaches {
    /// `Needs` by exercise id and texts (`exerciseNeeds`). The key hashes the id and the number of texts;
    /// equal keys compare the texts, which is quick for the same strings (every key of an exercise
    /// passes them).
    struct NeedsKey: Hashable, Sendable {
        let id: String
        let texts: [String]
        func hash(into hasher: inout Hasher) {
            hasher.combine(id)
            hasher.combine(texts.count)
        }
    }

    /// What the texts of exercise `id` ask of a key, read once.
    func needs(id: String, texts: [String]) -> ExerciseText.Needs {
        exerciseNeeds.value(NeedsKey(id: id, texts: texts)) { ExerciseText.Needs(texts: texts) }
    }
}
