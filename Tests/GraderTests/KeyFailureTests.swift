import CourseModel
import Foundation
@testable import Grader
import SourceFiles
import Testing

/// A key that cannot be computed is a content error of the whole run (the command exits non-zero),
/// reported once however many students need it; keys are computed on first use, in parallel.
@Suite struct KeysThatCannotBeComputed {
    static let exercise = """
    id: broken
    section: buffering
    title: "깨진 문항"
    prose: "클라이언트가 {a}바이트를 보냅니다."
    scenario:
      steps:
        - client: send {a}
        - server: recv 1000
    parameters:
      a: { choices: [100, 200, 300] }
    questions:
      - id: fine
        prompt: "recv의 반환값은?"
        kind: integer
        points: 1
        answer: returned 2
        explanation: "보낸 만큼입니다."
      - id: mismatch
        prompt: "막히나요?"
        kind: yesno
        points: 1
        answer: returned 2
        explanation: "정수 값을 예/아니요로 물었습니다."
    """

    @Test func oneContentErrorForTheWholeRun() throws {
        let course = try CourseConfig.load(text: "title: t\nparameters: {sqs: 500, rqs: 500, mss: 536, msl: 30s}\nsections: [buffering]\nsecret: s\n",
                                           file: "course.yaml")
        let (catalog, problems) = ExerciseCatalog.load(files: [("exercises/broken.yaml", Self.exercise)], course: course, scenarios: [], caches: sharedCaches)
        #expect(problems.isEmpty, "\(problems)")
        let grader = Grader(catalog: catalog, secret: "s")
        let inputs = (0..<40).map { i in
            AnswerInput(path: "s\(i).yaml", content: .success(Array("student: s\(i)\nexercises:\n  broken:\n    answers:\n      fine: 100\n".utf8)))
        }
        do {
            _ = try grader.grade(inputs)
            Issue.record("grading with a key that cannot be computed should be a content error")
        } catch {
            let mismatches = error.diagnostics.filter { $0.id.rawValue == "exercise.kind-mismatch" }
            // One per variant in use (at most three), not one per student.
            #expect((1...3).contains(mismatches.count), "\(error.diagnostics)")
            #expect(mismatches.allSatisfy { $0.message.contains("mismatch") })
        }
        // The grader is still usable afterwards (no slot left locked), and fails the same way.
        #expect(throws: DiagnosticError.self) { try grader.grade(Array(inputs.prefix(2))) }
    }
}
