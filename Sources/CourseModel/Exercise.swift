import ScenarioLoading
import SocketSim
import SourceFiles
import TraceQueries

/// A graded exercise: a scenario, the parameters that vary per student, and questions whose answers
/// are queries over the scenario's trace (never typed-in values).
public struct Exercise: Sendable, Hashable, Identifiable {
    public var id: String
    public var section: String
    public var title: String
    /// Markdown (Korean); `{name}` is replaced by the student's variant values.
    public var prose: String
    /// The scenario, ready to run once the variant's values are known.
    public var scenario: ScenarioRun
    /// The scenario file's name when the exercise names one (`scenario: deadlock`), nil when inline.
    public var scenarioName: String?
    public var parameters: [ParameterSpec]
    /// Misconceptions to try on wrong answers (all of them when the file does not say).
    public var misconceptions: [Misconception]
    public var questions: [Question]
    public var location: SourceLocation
    /// What loading and grading the course compute once (`CourseCaches`): `ExerciseCatalog.load`
    /// gives every exercise its course's. Not part of the exercise's identity.
    @NotCompared public var caches = CourseCaches()

    public init(id: String, section: String, title: String, prose: String, scenario: ScenarioRun, scenarioName: String?,
                parameters: [ParameterSpec], misconceptions: [Misconception], questions: [Question], location: SourceLocation) {
        self.id = id
        self.section = section
        self.title = title
        self.prose = prose
        self.scenario = scenario
        self.scenarioName = scenarioName
        self.parameters = parameters
        self.misconceptions = misconceptions
        self.questions = questions
        self.location = location
    }

    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }

    /// Whether students get different values (at least one parameter has more than one candidate).
    public var hasVariants: Bool { parameters.contains { $0.candidateCount > 1 } }

    public var maxPoints: Double { questions.reduce(0) { $0 + $1.points } }
}

/// A parameter of an exercise: a fixed value, or a range or list of choices drawn per student.
public struct ParameterSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case fixed(VariantValue)
        case range(from: Int, to: Int, step: Int)
        case choices([VariantValue])
    }
    public var name: String
    public var kind: Kind
    /// The value the solutions page and the default variant use.
    public var defaultValue: VariantValue
    public var location: SourceLocation

    public init(name: String, kind: Kind, defaultValue: VariantValue, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.location = location
    }

    /// Every value a student can get, in order: a view that computes each value from its index, so
    /// a range of a billion values costs nothing until one is asked for (see `Candidates`).
    public var candidates: Candidates { Candidates(spec: self) }

    /// A parameter's values as a collection computed from indices (`candidate(at:)`), never stored.
    public struct Candidates: RandomAccessCollection, Sendable {
        let spec: ParameterSpec
        public var startIndex: Int { 0 }
        public var endIndex: Int { spec.candidateCount }
        public subscript(i: Int) -> VariantValue {
            precondition(i >= 0 && i < endIndex, "candidate index out of range")
            return spec.candidate(at: i)
        }
        /// `candidateIndex(of:)`: arithmetic for a range, not a scan.
        public func firstIndex(of v: VariantValue) -> Int? { spec.candidateIndex(of: v) }
        public func contains(_ v: VariantValue) -> Bool { spec.candidateIndex(of: v) != nil }
    }

    /// `candidates.count`, without making the list. The loader keeps ranges within
    /// `VariantBounds`; the arithmetic is checked all the same, so a spec made in code cannot trap
    /// (a range whose count does not fit in an Int has none).
    public var candidateCount: Int {
        switch kind {
        case .fixed: return 1
        case .range(let a, let b, let s):
            guard b >= a, s > 0 else { return 0 }
            let (span, over) = b.subtractingReportingOverflow(a)
            let (count, over2) = (span / s).addingReportingOverflow(1)
            return over || over2 ? 0 : count
        case .choices(let c): return c.count
        }
    }

    /// `candidates[i]`, without making the list; `i` must be below `candidateCount`.
    public func candidate(at i: Int) -> VariantValue {
        switch kind {
        case .fixed(let v): return v
        case .range(let a, _, let s):
            // i < candidateCount, so a + i * s <= b: no overflow.
            return .integer(a + i * s)
        case .choices(let c): return c[i]
        }
    }

    /// `candidates.firstIndex(of: v)`, without making the list. `v` may come from an answer file
    /// (a frozen variant), so any integer is safe here.
    public func candidateIndex(of v: VariantValue) -> Int? {
        switch kind {
        case .fixed(let f): return f == v ? 0 : nil
        case .range(let a, _, let s):
            guard case .integer(let n) = v, n >= a, s > 0 else { return nil }
            let (offset, over) = n.subtractingReportingOverflow(a)
            guard !over, offset % s == 0, offset / s < candidateCount else { return nil }
            return offset / s
        case .choices(let c): return c.firstIndex(of: v)
        }
    }
}

/// A variant's value for one parameter: a number (usable in `{expressions}`) or a word.
public enum VariantValue: Sendable, Hashable, CustomStringConvertible, Comparable {
    case integer(Int)
    case text(String)

    public var description: String {
        switch self {
        case .integer(let v): return String(v)
        case .text(let s): return s
        }
    }

    /// Reads a value as written in YAML: a whole number, else a word.
    public init(_ text: String) {
        if let v = Int(text.trimmingSpacesTabsAndNewlines()) { self = .integer(v) } else { self = .text(text.trimmingSpacesTabsAndNewlines()) }
    }

    public static func < (a: VariantValue, b: VariantValue) -> Bool { a.description < b.description }
}

/// What a question asks for, which decides how an answer is read and compared.
public enum QuestionKind: String, Sendable, Hashable, CaseIterable {
    /// A whole number (bytes, a step number); `never` for a call that never returns.
    case integer
    /// Yes or no.
    case yesno
    /// One of the question's `choices`.
    case choice
    /// A TCP state; any usual spelling (`SYN_RCVD`, `syn-received`).
    case state
    /// An ordered list (states a socket passes through, the segments of a handshake).
    case list
    /// Bytes per originating `send` (`send 1: 500`).
    case counts

    /// The Korean name students see in templates.
    public var koreanName: String {
        switch self {
        case .integer: return "정수"
        case .yesno: return "예/아니요"
        case .choice: return "선택"
        case .state: return "TCP 상태"
        case .list: return "순서 있는 목록"
        case .counts: return "send별 바이트 수"
        }
    }
}

/// How an ordered list earns partial credit.
public enum PartialCredit: String, Sendable, Hashable, CaseIterable {
    /// The longest common prefix, as a fraction of the key's length.
    case prefix
    /// Items equal at the same position, as a fraction of the longer list's length.
    case position
    /// For byte counts: the fraction of origins whose count is right.
    case perKey = "per-key"
}

/// A later question graded against the student's own earlier answer (error carried forward).
///
/// The key of this question is computed on the exercise's scenario with the variable `variable`
/// set to the answer of question `from`. For the answer key that is `from`'s key. When grading, a
/// student whose answer to `from` was wrong but whose answer here equals the value the scenario
/// gives with `variable` = *their* answer to `from` gets full marks here, with feedback saying so.
public struct CarryForward: Sendable, Hashable {
    public var from: String
    public var variable: String
    public init(from: String, variable: String) {
        self.from = from
        self.variable = variable
    }
}

/// One question of an exercise.
public struct Question: Sendable, Hashable, Identifiable {
    public var id: String
    /// Korean; `{name}` is replaced by the student's variant values.
    public var prompt: String
    public var kind: QuestionKind
    /// For `choice`: the choices, as shown and as accepted.
    public var choices: [String]
    public var points: Double
    /// The answer key, as a query over the trace.
    public var answer: Query
    /// Full marks within ± this many (an integer or `{expression}` such as `{mss}`); integer and counts only.
    public var tolerance: String?
    public var partial: PartialCredit?
    /// Korean Markdown that feedback shows without `--reveal`: the rule, with the student's own
    /// numbers, never the result. The loader proves, for many variants, that it states no key of
    /// the exercise (`Exercise.answerLeaks`); see `ExerciseText` for placeholders.
    public var hint: String
    /// Korean Markdown with the worked answer, shown only where answers may be shown (`--reveal`,
    /// the instructor site). An exercise file's old `explanation:` is read as the solution.
    public var solution: String
    public var carryForward: CarryForward?
    public var location: SourceLocation
    /// Where the hint is written (its diagnostics point there); nil for a question without one.
    public var hintLocation: SourceLocation?

    public init(id: String, prompt: String, kind: QuestionKind, choices: [String] = [], points: Double, answer: Query,
                tolerance: String? = nil, partial: PartialCredit? = nil, hint: String = "", solution: String = "",
                carryForward: CarryForward? = nil, location: SourceLocation, hintLocation: SourceLocation? = nil) {
        self.id = id
        self.prompt = prompt
        self.kind = kind
        self.choices = choices
        self.points = points
        self.answer = answer
        self.tolerance = tolerance
        self.partial = partial
        self.hint = hint
        self.solution = solution
        self.carryForward = carryForward
        self.location = location
        self.hintLocation = hintLocation
    }

    /// Hint and solution together, as the instructor reads them (`--reveal`, the solutions page).
    public var explanation: String {
        [hint, solution].filter { !$0.trimmingSpacesTabsAndNewlines().isEmpty }.joined(separator: "\n\n")
    }

    /// The text feedback renders: the hint alone, or hint and solution when the run reveals keys.
    public func feedbackText(revealed: Bool) -> String { revealed ? explanation : hint }
}
