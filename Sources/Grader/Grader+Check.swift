import CourseModel
import SourceFiles

extension Grader {
    /// Well-formedness against the exercises: errors for unknown ids, a forged tag, a wrong
    /// (untagged) variant or a student outside the roster; warnings for missing answers, answers
    /// that cannot be read as their kind and a file without tags.
    /// `readingAnswers: false` leaves out the kind check, which marking does anyway (grading).
    public func check(_ sheet: AnswerSheet, readingAnswers: Bool = true) -> [Diagnostic] {
        AnswerSheet.capped(sheet.diagnostics + check(sheet, variants: variants(of: sheet), readingAnswers: readingAnswers), file: sheet.file)
    }

    func check(_ sheet: AnswerSheet, variants: SheetVariants, readingAnswers: Bool) -> [Diagnostic] {
        var out: [Diagnostic] = variants.diagnostics
        if let roster, !roster.contains(sheet.student) {
            out.append(Diagnostic(at: sheet.studentLocation, id: .answerUnknownStudent, "수강생 명단에 없는 학생입니다: \(Text.quoted(sheet.student))"))
        }
        let exercises = catalog.exercises
        // Suggestions for the first unknown ids only (each costs an edit distance per candidate).
        var suggestions = AnswerSheet.maxDiagnostics
        func nearest(_ id: String, in candidates: [String]) -> String? {
            suggestions -= 1
            return suggestions >= 0 ? AnswerSheet.nearest(id, in: candidates) : nil
        }
        for ex in sheet.exercises {
            guard let position = positions[ex.id] else {
                let near = nearest(ex.id, in: exercises.map(\.id))
                out.append(Diagnostic(at: ex.location, id: .answerUnknownExercise, "\(Text.quoted(ex.id)) 연습은 이 강의에 없는 연습이라 그 답을 채점하지 않습니다",
                                      notes: near.map { ["혹시 \(Text.quoted($0)) 연습을 쓰려던 것입니까?"] } ?? ["이 강의의 연습: \(Korean.codes(exercises.map(\.id)))"]))
                continue
            }
            let questions = exercises[position].questions
            for (j, a) in ex.answers.enumerated() {
                guard let qi = Self.index(of: a.questionID, in: questions, hint: j) else {
                    let near = nearest(a.questionID, in: questions.map(\.id))
                    out.append(Diagnostic(at: a.location, id: .answerUnknownQuestion,
                                          "\(Text.quoted(ex.id)) 연습에는 \(Text.quoted(a.questionID)) 문항이 없어 이 답은 채점하지 않습니다",
                                          notes: near.map { ["혹시 \(Text.quoted($0)) 문항을 쓰려던 것입니까?"] } ?? ["이 연습의 문항: \(Korean.codes(questions.map(\.id)))"]))
                    continue
                }
                if !readingAnswers || a.problem != nil { continue }
                if case .empty = a.raw { continue }
                if case .failure(let u) = Marking.read(a.raw, as: questions[qi].kind, choices: questions[qi].choices) {
                    out.append(Self.unreadable(a, questions[qi], u))
                }
            }
        }
        // Missing answers: for `socklab check` (grading marks them as missing anyway).
        guard readingAnswers else { return out }
        for e in exercises {
            let answered = Set(sheet.exercise(e.id)?.answers.filter { $0.raw != .empty }.map(\.questionID) ?? [])
            let missing = e.questions.filter { !answered.contains($0.id) }.map(\.id)
            if !missing.isEmpty {
                out.append(Diagnostic(.warning, at: sheet.exercise(e.id)?.location ?? SourceLocation(file: sheet.file), id: .answerMissing,
                                      "\(Text.quoted(e.id)) 연습에서 답하지 않은 문항: \(Korean.codes(missing))"))
            }
        }
        return out
    }

    /// The diagnostic for an answer that cannot be read as its question's kind.
    static func unreadable(_ a: StudentAnswer, _ q: Question, _ u: Marking.Unreadable) -> Diagnostic {
        Diagnostic(at: a.location, id: u.range ? .answerRange : .answerKind,
                   "\(Text.quoted(a.questionID)) 문항은 \(Korean.kindName(q.kind))\(Korean.object(q.kind.koreanName)) 묻습니다. 쓴 답 \(Text.quoted(a.raw.display)): \(u.problem)",
                   notes: ["\(u.hint) 꼴로 쓰세요"])
    }

    /// Whether a `variant:` block as written is the variant with this index, value for value.
    static func isVariant(_ written: [VariantEntry], of parameters: [ParameterSpec], index: Int) -> Bool {
        guard written.count == parameters.count else { return false }
        var rest = index
        for (i, p) in parameters.enumerated() {
            let n = p.candidateCount
            let v = n == 0 ? p.defaultValue : p.candidate(at: rest % n)
            rest /= max(1, n)
            // Written in the template's order (the names sorted) or any other.
            let w = i < written.count && written[i].name == p.name ? written[i] : written.first { $0.name == p.name }
            guard let w, w.value == v.description else { return false }
        }
        return true
    }

    /// The position of the question (or answer) with this id; files list them in the exercise's
    /// order, so position `hint` is tried first.
    static func index(of id: String, in questions: [Question], hint: Int) -> Int? {
        if hint < questions.count, questions[hint].id == id { return hint }
        return questions.firstIndex { $0.id == id }
    }

    /// The position of the answer to question `id`, trying position `hint` first.
    static func answer(_ id: String, in answers: [StudentAnswer], hint: Int) -> Int? {
        if hint >= 0, hint < answers.count, answers[hint].questionID == id { return hint }
        return answers.firstIndex { $0.questionID == id }
    }
}
