import CourseModel
import Foundation
import SourceFiles

/// Which variant each exercise of a sheet is graded with, and what its `variant:` and `tag:` say.
///
/// A block with a tag that verifies is graded with the values written in it (frozen when the
/// template wrote it): later edits to ranges move no one. A tag that does not verify refuses that
/// exercise's questions, and only those. A block without a tag (a file from a `socklab template`
/// older than tags) is checked as before tags: its values must be the variant the student's id
/// chooses under today's content, and the file gets one warning saying it was checked that way.
struct SheetVariants {
    /// By catalog position, the variant to grade with: an index into the exercise's parameter
    /// space (`Exercise.variant(at:)`), or a negative id of a frozen variant outside it
    /// (`FrozenVariants`).
    var ids: [Int]
    /// By catalog position: the block's tag did not verify, so its questions are refused.
    var refused: [Bool]
    /// Errors (`answer.forged-variant`, `answer.wrong-variant`) and warnings about variants.
    var diagnostics: [Diagnostic]
}

/// What choosing and checking a variant needs of an exercise, kept apart so that grading a
/// student copies no exercise.
struct ExerciseShape: Sendable {
    let id: String
    let parameters: [ParameterSpec]
    let candidateCounts: [Int]
    let hasVariants: Bool
    /// By parameter, its position in a `variant:` line as the template writes it (names sorted).
    let sortedPositions: [Int]

    init(_ e: Exercise) {
        id = e.id
        parameters = e.parameters
        candidateCounts = e.parameters.map(\.candidateCount)
        hasVariants = e.hasVariants
        let order = e.parameters.indices.sorted { e.parameters[$0].name < e.parameters[$1].name }
        var positions = [Int](repeating: 0, count: order.count)
        for (position, i) in order.enumerated() { positions[i] = position }
        sortedPositions = positions
    }
}

extension Grader {
    /// The variant of every exercise for this sheet (see `SheetVariants`).
    func variants(of sheet: AnswerSheet) -> SheetVariants {
        // Exercises are reached through `shapes` and by index, never copied: this runs for every
        // file of a grading run.
        let count = shapes.count
        var out = SheetVariants(ids: [Int](repeating: 0, count: count), refused: [Bool](repeating: false, count: count),
                                diagnostics: [])
        // The first block of each exercise id (check refuses the rest).
        var blocks = [Int](repeating: -1, count: count)
        for (j, ex) in sheet.exercises.enumerated() {
            if let p = positions[ex.id], blocks[p] < 0 { blocks[p] = j }
        }
        var untagged: SourceLocation?
        for p in 0..<count {
            let shape = shapes[p]
            func chosen() -> Int { chooser.index(exercise: shapes[p].id, candidateCounts: shapes[p].candidateCounts, for: sheet.student) }
            guard blocks[p] >= 0 else {
                out.ids[p] = chosen()
                continue
            }
            let block = sheet.exercises[blocks[p]]
            let written = block.variantEntries ?? []
            if let tag = block.tag {
                // As name-value pairs: the collection-generic `verify` is not specialised across
                // the module boundary (`perf record` of grading 4,000 files: tags 1.29 s → 0.38 s).
                switch chooser.verify(tag: tag, student: sheet.student, exercise: shape.id, values: written.map { (name: $0.name, value: $0.value) }) {
                case .forged:
                    out.refused[p] = true
                    out.ids[p] = chosen()
                    out.diagnostics.append(Diagnostic(at: block.tagLocation ?? block.location, id: .answerForgedVariant,
                        "\(Text.quoted(shape.id)) 연습의 `tag:`가 `variant:` 값과 학생 \(Text.quoted(sheet.student))에게 맞지 않습니다: `variant:`나 `tag:`를 고쳤거나, 다른 학생 또는 다른 강의에서 만든 파일입니다. 이 연습은 채점하지 않습니다",
                        notes: ["파일의 나머지는 채점합니다. 새 파일을 만들어(`socklab template --student \(sheet.student)`) \(Text.quoted(shape.id)) 연습의 답을 옮겨 쓰세요"]))
                case .valid:
                    out.ids[p] = frozenID(written, exercise: p, block: block, diagnostics: &out.diagnostics)
                }
            } else if block.variantEntries != nil {
                out.ids[p] = chosen()
                untagged = untagged ?? block.variantLocation ?? block.location
                if !Self.isVariant(written, of: shape.parameters, index: out.ids[p]) {
                    out.diagnostics.append(Diagnostic(at: block.variantLocation ?? block.location, id: .answerWrongVariant,
                        "\(Text.quoted(shape.id)) 연습의 `variant:` 값이 학생 \(Text.quoted(sheet.student))에게 배정된 값이 아닙니다: 다른 학생용으로 만든 파일이거나 고친 파일입니다",
                        notes: ["새 파일을 만들어(`socklab template --student \(sheet.student)`) 답을 옮겨 쓰세요"]))
                }
            } else {
                out.ids[p] = chosen()
                if shape.hasVariants {
                    out.diagnostics.append(Diagnostic(.warning, at: block.location, id: .answerNoVariant,
                        "\(Text.quoted(shape.id)) 연습에 `variant:` 블록이 없어, 학생 \(Text.quoted(sheet.student))에게 배정된 값으로 채점합니다"))
                }
            }
        }
        if let untagged {
            out.diagnostics.append(Diagnostic(.warning, at: untagged, id: .answerUntaggedVariant,
                "이 파일에는 `tag:` 줄이 없습니다(예전 `socklab template`로 만든 파일): 적힌 `variant:` 값 그대로 채점하지 않고, 지금의 강의 내용에 맞는 값인지 확인했습니다",
                notes: ["지금의 `socklab template`로 만든 파일은 나중에 값의 범위가 바뀌어도 적힌 값 그대로 채점됩니다"]))
        }
        return out
    }

    /// The id of a verified variant: its index when today's parameter space holds it (sharing
    /// keys with students chosen into it), else a frozen id. A parameter added since the file was
    /// made takes its default; one removed is left out; each is a warning.
    func frozenID(_ written: [VariantEntry], exercise p: Int, block: ExerciseAnswers, diagnostics: inout [Diagnostic]) -> Int {
        let shape = shapes[p]
        // The usual case: the values are today's candidates, written in the template's order
        // (names sorted, `shape.sortedPositions`), so the index is plain arithmetic. The loader
        // bounds the space to 2^48 variants, so it cannot overflow.
        if written.count == shape.parameters.count {
            var index = 0, radix = 1
            for (i, param) in shape.parameters.enumerated() {
                let at = shape.sortedPositions[i]
                guard let text = at < written.count && written[at].name == param.name ? written[at].value : written.first(where: { $0.name == param.name })?.value,
                      let k = param.candidateIndex(of: VariantValue(text)) else { index = -1; break }
                index += k * radix
                radix *= max(1, shape.candidateCounts[i])
            }
            if index >= 0 { return index }
        }
        let e = catalog.exercises[p]
        let byName = Dictionary(written.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        var values: [String: VariantValue] = [:]
        for param in e.parameters {
            if let text = byName[param.name] {
                values[param.name] = VariantValue(text)
            } else {
                values[param.name] = param.defaultValue
                diagnostics.append(Diagnostic(.warning, at: block.variantLocation ?? block.location, id: .answerVariantNewParameter,
                    "\(Text.quoted(shape.id)) 연습에 이 파일의 `variant:`에 없는 매개변수가 생겨, 그 기본값으로 채점합니다: \(Text.quoted("\(param.name): \(param.defaultValue)"))"))
            }
        }
        let known = Set(e.parameters.map(\.name))
        for w in written where !known.contains(w.name) {
            diagnostics.append(Diagnostic(.warning, at: block.variantLocation ?? block.location, id: .answerVariantOldParameter,
                "\(Text.quoted(shape.id)) 연습에는 이 파일의 `variant:`에 있는 매개변수가 이제 없어, 그 값 없이 채점합니다: \(Text.quoted(w.name))"))
        }
        let v = Variant(values)
        return e.index(of: v) ?? frozen.id(v, exercise: p)
    }

    /// The variant a sheet's exercise is graded with, from its id in `SheetVariants.ids`.
    func variant(id: Int, exercise position: Int) -> Variant {
        id >= 0 ? catalog.exercises[position].variant(at: id) : frozen.variant(id, exercise: position)
    }
}

extension Feedback {
    /// For a question of an exercise whose variant failed its tag.
    static func refused(exercise: String) -> String {
        "이 연습(\(exercise))의 variant: 값이 tag: 서명과 맞지 않아 채점하지 않았습니다. "
            + "variant:나 tag: 줄을 고쳤거나 다른 학생의 답안 파일에서 옮겨 온 것입니다. "
            + "처음 받은 답안 파일의 variant:와 tag: 줄을 그대로 옮겨 다시 제출하세요."
    }
}
