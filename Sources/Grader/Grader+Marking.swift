import CourseModel
import SourceFiles

extension Grader {
    /// Marks one exercise; an answer that cannot be read adds its diagnostic to `diagnostics`.
    func mark(exercise position: Int, answers: [StudentAnswer], key: GradingKey, diagnostics: inout [Diagnostic]) -> ExerciseMark {
        var marks: [QuestionMark] = []
        let prepared = key.questions
        marks.reserveCapacity(prepared.count)
        for i in prepared.indices {
            var m = QuestionMark(prepared[i])
            if let j = Self.answer(m.question.id, in: answers, hint: i),
               let u = mark(&m, answers[j], question: i, of: position, answers: answers, graded: key), answers[j].problem == nil {
                diagnostics.append(Self.unreadable(answers[j], catalog.exercises[position].questions[i], u))
            }
            marks.append(m)
        }
        return ExerciseMark(key: key, questions: marks)
    }

    /// Marks one written answer into `m`; what made it unreadable, if it was.
    func mark(_ m: inout QuestionMark, _ answer: StudentAnswer, question index: Int, of position: Int,
              answers: [StudentAnswer], graded: GradingKey) -> Marking.Unreadable? {
        let raw = answer.raw
        let p = m.question
        if answer.problem != nil {
            // Its lines could not be read (or it is answered twice): unreadable, whatever it says.
            m.raw = raw
            m.status = .unreadable
            m.hint = Marking.Unreadable(p.kind, p.choices).hint
            return nil
        }
        if case .empty = raw { return nil }
        m.raw = raw
        let read: ReadAnswer
        switch Marking.read(raw, as: p.kind, choices: p.choices) {
        case .failure(let u):
            m.status = .unreadable
            m.hint = u.hint
            return u
        case .success(let r): read = r
        }
        var credit = Marking.credit(read, key: p.read, tolerance: p.tolerance, partial: p.partial)
        if credit < 1, let cf = p.carryForward, let j = Self.answer(cf.from, in: answers, hint: -1),
           case .success(.integer(let a0)) = Marking.read(answers[j].raw, as: .integer, choices: []),
           graded.key.values[cf.from] != .integer(a0), (0...(1 << 30)).contains(a0),
           let carriedKey = carried.value(catalog.exercises[position], catalog.exercises[position].questions[index], graded.key.variant, a0),
           Marking.credit(read, key: Marking.read(key: carriedKey, as: p.kind), tolerance: p.tolerance, partial: nil) == 1 {
            credit = 1
            m.carriedForward = true
        }
        m.score = (p.points * credit * 100).rounded() / 100
        m.status = credit >= 1 ? .correct : credit > 0 ? .partial : .wrong
        if credit < 1 {
            for (mis, predicted) in p.predictions {
                if Marking.credit(read, key: predicted, tolerance: 0, partial: nil) == 1 {
                    m.misconception = mis
                    break
                }
            }
        }
        return nil
    }
}
