/// Every diagnostic's stable id, declared once, with when it is raised.
///
/// The raw value (`area.kebab-name`) is a contract: it is printed by `socklab check`, written to
/// `grade --format json`, results.json and the check page, and matched by tests and by people
/// searching the docs. So a case is never renamed in its raw value, only added; the Swift name may
/// change freely. An enum (not a string) so that a typo is a compile error, no two ids can share a
/// string (the compiler rejects duplicate raw values), and `allCases` lets a test check them all.
/// The message stays beside the check that emits it; only the id lives here.
///
/// The check page's JavaScript (templates/assets/check.js) raises some `answer.*` ids of its own,
/// in the browser; those are not Swift values and are not listed here.
public enum DiagnosticID: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The wire form, so that `"\(d.id)"` prints `answer.missing`, never the Swift case name.
    public var description: String { rawValue }

    // MARK: answer files (Grader, `socklab check`; messages in Korean)

    /// An answer file contains a NUL byte: it is binary, not YAML or JSON.
    case answerBinary = "answer.binary"
    /// The same question is answered twice in one exercise block; the question is unreadable.
    case answerDuplicateAnswer = "answer.duplicate-answer"
    /// The same exercise id appears twice in `exercises:`; both blocks are read.
    case answerDuplicateExercise = "answer.duplicate-exercise"
    /// A mapping repeats a key (`student:`, `variant:`, or any key Yams reports twice).
    case answerDuplicateKey = "answer.duplicate-key"
    /// Two or more files in one grading run name the same student.
    case answerDuplicateStudent = "answer.duplicate-student"
    /// An answer file is empty (or only whitespace and comments).
    case answerEmpty = "answer.empty"
    /// An exercise's `tag:` does not match its `variant:` values and the student: it is not graded.
    case answerForgedVariant = "answer.forged-variant"
    /// A line is indented deeper than its block, or with a non-space blank.
    case answerIndentation = "answer.indentation"
    /// An answer cannot be read as the kind of answer its question asks for.
    case answerKind = "answer.kind"
    /// An answer file is not valid YAML, or a line is not `key: value`.
    case answerMalformed = "answer.malformed"
    /// An exercise in the file leaves some of its questions unanswered (a warning).
    case answerMissing = "answer.missing"
    /// A key was read as the known key it is one typo away from (a warning).
    case answerMisspeltKey = "answer.misspelt-key"
    /// The file has more problems than are listed; this says how many were left out.
    case answerMore = "answer.more"
    /// An answer file has no `exercises:` section.
    case answerNoExercises = "answer.no-exercises"
    /// An answer file has no `student:` line, so it cannot be graded.
    case answerNoStudent = "answer.no-student"
    /// An exercise block has no `variant:`; it is graded with the student's assigned variant.
    case answerNoVariant = "answer.no-variant"
    /// `socklab check` found no answer file (`*.yaml`, `*.yml`, `*.json`) to check.
    case answerNone = "answer.none"
    /// An answer file (or one line of it) is not UTF-8 text.
    case answerNotUTF8 = "answer.not-utf8"
    /// An answer is of the right kind but outside the range its question allows.
    case answerRange = "answer.range"
    /// A value has the wrong shape: a list or mapping where text is expected, or the reverse.
    case answerShape = "answer.shape"
    /// `student:` holds a value that cannot be a student id.
    case answerStudentID = "answer.student-id"
    /// Too many lines that are not in the template's form: the rest of the file is not read.
    case answerTooComplex = "answer.too-complex"
    /// An answer file is larger than an answer file may be.
    case answerTooLarge = "answer.too-large"
    /// An answer file names two different students.
    case answerTwoStudents = "answer.two-students"
    /// An answer file answers an exercise the course does not have.
    case answerUnknownExercise = "answer.unknown-exercise"
    /// An answer file (or an exercise block) has a key that is not part of the format.
    case answerUnknownKey = "answer.unknown-key"
    /// An exercise block answers a question its exercise does not have.
    case answerUnknownQuestion = "answer.unknown-question"
    /// The file's student is not on the roster.
    case answerUnknownStudent = "answer.unknown-student"
    /// An answer file cannot be read from disk (an error, a folder, a device).
    case answerUnreadable = "answer.unreadable"
    /// A file without `tag:` lines (an old template): its `variant:` values were checked, not trusted.
    case answerUntaggedVariant = "answer.untagged-variant"
    /// The exercise has gained a parameter the file's `variant:` lacks; its default is used.
    case answerVariantNewParameter = "answer.variant-new-parameter"
    /// The file's `variant:` has a parameter the exercise no longer has; it is ignored.
    case answerVariantOldParameter = "answer.variant-old-parameter"
    /// An exercise's `variant:` values are not the ones assigned to the file's student.
    case answerWrongVariant = "answer.wrong-variant"

    // MARK: commands (socklab)

    /// `socklab build` finds no course.yaml in the content folder.
    case buildNoCourse = "build.no-course"
    /// A `--set` value cannot be read (not a number, not one of the allowed words).
    case cliSet = "cli.set"
    /// A `--set` value is a number outside its parameter's range.
    case cliSetRange = "cli.set-range"
    /// `--set KEY=...` names no parameter of the course or scenario.
    case cliSetUnknown = "cli.set-unknown"
    /// A `--compare` file is not laid out as `grade --format json` writes it.
    case compareLayout = "compare.layout"
    /// A `--compare` file is not the JSON output of `socklab grade`.
    case compareNotAReport = "compare.not-a-report"
    /// A `--compare` run would keep too many score changes in memory for one student.
    case compareTooLarge = "compare.too-large"
    /// A file the command reads grew while it was being read.
    case fileChanged = "file.changed"
    /// A file the command reads is not UTF-8 text.
    case fileNotText = "file.not-text"
    /// A file the command reads is larger than it reads.
    case fileTooLarge = "file.too-large"
    /// A file the command reads cannot be opened or read (an error, a folder, a device).
    case fileUnreadable = "file.unreadable"
    /// The fuzz harness's expression target: an `{expression}` was rejected.
    case fuzzExpression = "fuzz.expression"

    // MARK: course content (site and grader)

    /// A page or figure id cannot name a file (only letters, digits, `-` and `_`).
    case contentBadID = "content.bad-id"
    /// Two pages share one id.
    case contentDuplicateID = "content.duplicate-id"
    /// A figure could not be drawn, or its SVG is not well-formed XML.
    case contentFigure = "content.figure"
    /// A figure has no `caption:`.
    case contentFigureCaption = "content.figure-caption"
    /// A figure has no `kind:`, or one no figure has.
    case contentFigureKind = "content.figure-kind"
    /// A figure whose kind draws a trace has no `scenario:`.
    case contentFigureScenario = "content.figure-scenario"
    /// A page does not start with a `---` YAML front matter.
    case contentFrontMatter = "content.front-matter"
    /// A page's Markdown makes HTML that is not well-formed XML.
    case contentMalformedHTML = "content.malformed-html"
    /// There is no content/course.yaml.
    case contentMissing = "content.missing"
    /// `socklab grade` finds no exercises to grade.
    case contentNoExercises = "content.no-exercises"
    /// A page's front matter has no `id:`.
    case contentNoID = "content.no-id"
    /// Exercises have per-student variants but no course secret is set.
    case contentNoSecret = "content.no-secret"
    /// A page's front matter has no `title:`.
    case contentNoTitle = "content.no-title"
    /// A figure's `print:` option names a frame the figure does not have.
    case contentPrintFrame = "content.print-frame"
    /// A page value's query cannot be evaluated over its scenario's trace.
    case contentQuery = "content.query"
    /// `{{{name}}}` names no figure in the page's front matter.
    case contentUnknownFigure = "content.unknown-figure"
    /// `{{name}}` is not a course parameter, value or figure.
    case contentUnknownName = "content.unknown-name"
    /// course.yaml lists a page id that no page has.
    case contentUnknownPage = "content.unknown-page"
    /// A page value or figure names a scenario that content/scenarios/ does not have.
    case contentUnknownScenario = "content.unknown-scenario"
    /// `{{values.name}}` names no value in the page's front matter.
    case contentUnknownValue = "content.unknown-value"
    /// A page is not listed in course.yaml, so it is not built (a warning).
    case contentUnlistedPage = "content.unlisted-page"
    /// A figure is defined but the prose never places it (a warning).
    case contentUnplacedFigure = "content.unplaced-figure"
    /// A page value lacks `scenario:` or `query:`.
    case contentValue = "content.value"
    /// course.yaml lists one id twice under sections and pages.
    case courseDuplicateID = "course.duplicate-id"
    /// A course parameter is not a number (or, for a duration, not a duration).
    case courseParameter = "course.parameter"
    /// A course parameter is outside its range.
    case courseRange = "course.range"
    /// The course secret is set but empty in SOCKLAB_SECRET.
    case secretEmpty = "secret.empty"
    /// The course secret comes from content/, which anyone with the content can read (a warning).
    case secretFromContent = "secret.from-content"
    /// SOCKLAB_SECRET is shorter than a course secret must be.
    case secretTooShort = "secret.too-short"

    // MARK: exercises

    /// A question's key cannot be computed for a variant.
    case exerciseAnswer = "exercise.answer"
    /// A `carryForward:` names a question that is not an integer one, or whose key is not a number.
    case exerciseCarryForward = "exercise.carry-forward"
    /// A choice question has fewer than two `choices:`.
    case exerciseChoices = "exercise.choices"
    /// Two exercises share one id.
    case exerciseDuplicateID = "exercise.duplicate-id"
    /// Two questions of one exercise share one id.
    case exerciseDuplicateQuestion = "exercise.duplicate-question"
    /// A question has both `explanation:` and `solution:`.
    case exerciseExplanation = "exercise.explanation"
    /// A hint uses `{answer}`: hints are shown without --reveal.
    case exerciseHintAnswer = "exercise.hint-answer"
    /// A hint states its question's key (or another question's) for some variant.
    case exerciseHintRevealsAnswer = "exercise.hint-reveals-answer"
    /// An exercise id is not lowercase letters, digits and `-`.
    case exerciseID = "exercise.id"
    /// A question's `kind:` is not a question kind.
    case exerciseKind = "exercise.kind"
    /// A question's query gives a value of another kind than the question asks for.
    case exerciseKindMismatch = "exercise.kind-mismatch"
    /// An answer is a literal value, not a query the simulation computes.
    case exerciseLiteralAnswer = "exercise.literal-answer"
    /// An exercise's text makes HTML that is not well-formed XML.
    case exerciseMalformedHTML = "exercise.malformed-html"
    /// A question names a misconception the course does not define.
    case exerciseMisconception = "exercise.misconception"
    /// A misconception's feedback states a question's key for some variant.
    case exerciseMisconceptionRevealsAnswer = "exercise.misconception-reveals-answer"
    /// An exercise or question lacks a required field.
    case exerciseMissingField = "exercise.missing-field"
    /// An exercise has no questions.
    case exerciseNoQuestions = "exercise.no-questions"
    /// A parameter has no value, an empty `choices:`, or a bad `range:`.
    case exerciseParameter = "exercise.parameter"
    /// A parameter's name is not letters, digits and `_`.
    case exerciseParameterName = "exercise.parameter-name"
    /// A `partial:` is not a partial-credit rule, or does not apply to its question's kind.
    case exercisePartial = "exercise.partial"
    /// A `{placeholder}` in a question's text names nothing, or cannot be evaluated.
    case exercisePlaceholder = "exercise.placeholder"
    /// A question's `points:` is not a number from 0 to 1000.
    case exercisePoints = "exercise.points"
    /// A question's answer is not a query that can be read.
    case exerciseQuery = "exercise.query"
    /// A question id is not letters, digits, `-` and `_`.
    case exerciseQuestionID = "exercise.question-id"
    /// An exercise's `scenario:` is neither a scenario file's name nor a mapping.
    case exerciseScenario = "exercise.scenario"
    /// An exercise's `section:` is not one of course.yaml's sections (while loading).
    case exerciseSection = "exercise.section"
    /// A `tolerance:` is not a number or expression, or its question kind takes none.
    case exerciseTolerance = "exercise.tolerance"
    /// An exercise's parameters make more variants than a variant id can number.
    case exerciseTooManyVariants = "exercise.too-many-variants"
    /// An exercise names a scenario file that does not exist.
    case exerciseUnknownScenario = "exercise.unknown-scenario"
    /// An exercise's section is not one of course.yaml's sections (while building its page).
    case exerciseUnknownSection = "exercise.unknown-section"

    // MARK: the site's output and templates

    /// Two parts of the site would be written to one path.
    case outputDuplicatePath = "output.duplicate-path"
    /// A generated file is not well-formed XML.
    case outputMalformedXML = "output.malformed-xml"
    /// A partial is named by the data (`{{>*name}}`), so it could include any template.
    case templateDynamicPartial = "template.dynamic-partial"
    /// A template line makes pages that are not well-formed XML.
    case templateMalformedXML = "template.malformed-xml"
    /// A template the site needs is missing or could not be rendered.
    case templateMissing = "template.missing"
    /// A template uses a partial that has no templates/NAME.mustache.
    case templateMissingPartial = "template.missing-partial"
    /// Partials include each other in a cycle.
    case templatePartialCycle = "template.partial-cycle"
    /// A template changes the Mustache delimiters, which the tag check cannot follow.
    case templateSetDelimiter = "template.set-delimiter"
    /// A template or a page's Markdown is not valid Mustache.
    case templateSyntax = "template.syntax"
    /// Mustache sections are nested deeper than allowed.
    case templateTooDeep = "template.too-deep"

    // MARK: rosters

    /// A student is on the roster twice.
    case rosterDuplicate = "roster.duplicate"
    /// A roster row has no student id.
    case rosterNoStudent = "roster.no-student"

    // MARK: scenarios

    /// A host address is not an IPv4 address.
    case scenarioAddress = "scenario.address"
    /// A duration field is not a duration such as 30s.
    case scenarioDuration = "scenario.duration"
    /// `ephemeralPorts:` is not a port range.
    case scenarioEphemeralPorts = "scenario.ephemeral-ports"
    /// An `{expression}` in a scenario cannot be evaluated.
    case scenarioExpression = "scenario.expression"
    /// A host's name is not letters and digits, or is reserved.
    case scenarioHostName = "scenario.host-name"
    /// A scenario has no hosts.
    case scenarioHosts = "scenario.hosts"
    /// A `let` name is not letters, digits and `_`.
    case scenarioLetName = "scenario.let-name"
    /// `network:` is not `auto` or `manual`.
    case scenarioNetwork = "scenario.network"
    /// A scenario has no `steps:`.
    case scenarioNoSteps = "scenario.no-steps"
    /// A number field is neither a whole number nor an `{expression}`.
    case scenarioNumber = "scenario.number"
    /// A host's queue size is outside the allowed range.
    case scenarioQueueSize = "scenario.queue-size"
    /// A `let` or `--set` value is outside its range.
    case scenarioRange = "scenario.range"
    /// `start:` is not `established` or `closed`, or `established` lacks two hosts.
    case scenarioStart = "scenario.start"
    /// A step is not one `actor: call` pair, or its call cannot be parsed.
    case scenarioStep = "scenario.step"
    /// A scenario has more hosts or steps, or needs more work, than a scenario may.
    case scenarioTooLarge = "scenario.too-large"

    // MARK: YAML (every content file)

    /// A YAML file contains NUL bytes.
    case yamlBinary = "yaml.binary"
    /// A YAML mapping repeats a key.
    case yamlDuplicateKey = "yaml.duplicate-key"
    /// A YAML file is empty.
    case yamlEmpty = "yaml.empty"
    /// A file is not valid YAML.
    case yamlMalformed = "yaml.malformed"
    /// A YAML number is outside its field's range.
    case yamlRange = "yaml.range"
    /// A YAML document nests deeper than allowed (aliases expanded).
    case yamlTooDeep = "yaml.too-deep"
    /// A YAML file is larger than is read.
    case yamlTooLarge = "yaml.too-large"
    /// A YAML document has more values than allowed (aliases expanded).
    case yamlTooManyNodes = "yaml.too-many-nodes"
    /// A YAML value has the wrong type: a mapping, list or text where another is expected.
    case yamlType = "yaml.type"
    /// A YAML mapping has a key its format does not know.
    case yamlUnknownKey = "yaml.unknown-key"
}
