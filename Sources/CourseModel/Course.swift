import SourceFiles

/// The course as the site, the grader, the benchmarks and the tests all load it: `course.yaml`,
/// the scenarios and the exercises, read from files the caller has already read (this module
/// touches no disk).
public struct Course: Sendable {
    /// `course.yaml`, read.
    public var config: CourseConfig
    /// Where `course.yaml` is, as the caller named it: diagnostics about the course (its secret) point there.
    public var configPath: String
    /// The scenario files, in path order; each is named after its file (`ring.yaml` is `ring`).
    public var scenarios: [ScenarioFile]
    /// The exercises that loaded, in path order.
    public var catalog: ExerciseCatalog

    /// A content folder's files, with their paths as the caller wants them in diagnostics
    /// (`content/scenarios/ring.yaml`, or the path given on the command line).
    public struct Files: Sendable {
        public var course: (path: String, text: String)
        public var scenarios: [(path: String, text: String)]
        public var exercises: [(path: String, text: String)]

        public init(course: (path: String, text: String), scenarios: [(path: String, text: String)], exercises: [(path: String, text: String)]) {
            self.course = course
            self.scenarios = scenarios
            self.exercises = exercises
        }

        /// The files of `folder` in a project-relative map of path to text (`content/course.yaml`,
        /// `content/scenarios/*.yaml`, `content/exercises/*.yaml`); nil without `course.yaml`.
        public init?(tree: [String: String], folder: String = "content") {
            guard let course = tree["\(folder)/course.yaml"] else { return nil }
            func yaml(_ sub: String) -> [(path: String, text: String)] {
                let prefix = "\(folder)/\(sub)/"
                return tree.filter { $0.key.hasPrefix(prefix) && $0.key.hasSuffix(".yaml") && !$0.key.dropFirst(prefix.count).contains("/") }
                    .map { (path: $0.key, text: $0.value) }.sorted { $0.path < $1.path }
            }
            self.init(course: ("\(folder)/course.yaml", course), scenarios: yaml("scenarios"), exercises: yaml("exercises"))
        }
    }

    /// Loads the course: nil when `course.yaml` itself does not load (its diagnostics say why);
    /// else the course with every exercise that loaded, and the diagnostics of those that did not.
    /// `workers`: how many threads loading (and hint-checking) the exercises may use; `caches`:
    /// where the scenarios, once read, and the hint checks are kept (the command's, or a test's).
    public static func load(_ files: Files, workers: Workers = .one, caches: CourseCaches = CourseCaches()) -> (course: Course?, diagnostics: [Diagnostic]) {
        let config: CourseConfig
        do throws(DiagnosticError) { config = try CourseConfig.load(text: files.course.text, file: files.course.path) } catch {
            return (nil, error.diagnostics)
        }
        let (course, diagnostics) = load(config: config, configPath: files.course.path, scenarios: files.scenarios,
                                         exercises: files.exercises, workers: workers, caches: caches)
        return (course, diagnostics)
    }

    /// The same for a caller that has read `course.yaml` itself (the site reads it with its pages
    /// and applies `--set` before any exercise loads): the scenarios and exercises load as above.
    public static func load(config: CourseConfig, configPath: String, scenarios: [(path: String, text: String)],
                            exercises: [(path: String, text: String)], workers: Workers = .one,
                            caches: CourseCaches = CourseCaches()) -> (course: Course, diagnostics: [Diagnostic]) {
        let files = scenarios.sorted { $0.path < $1.path }.map { ScenarioFile(name: scenarioName($0.path), path: $0.path, text: $0.text) }
        let (catalog, diagnostics) = ExerciseCatalog.load(files: exercises, course: config, scenarios: files, workers: workers, caches: caches)
        return (Course(config: config, configPath: configPath, scenarios: files, catalog: catalog), diagnostics)
    }

    /// A scenario's name: its file name without `.yaml`.
    public static func scenarioName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file
    }
}
