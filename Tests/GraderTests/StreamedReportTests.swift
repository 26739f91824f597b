import CourseModel
import Foundation
@testable import Grader
import SocketSim
import Testing

/// The streamed run (`gradeStreamed`: pieces rendered as files are graded, kept in a store, put in
/// report order at the end) against the whole report (`grade`, every result in memory).
@Suite struct StreamedReports {
    /// A class out of report order: the fixture answers and slips, and `generated` more students
    /// whose file names sort the other way from their ids, some with a second file; shuffled.
    static func inputs(generated: Int, seed: UInt64) throws -> [AnswerInput] {
        let c = try FixtureCourse.load()
        let fm = FileManager.default
        var inputs = try fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent("answers").path).sorted().map(c.input)
        for slip in try fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent("slips").path).sorted() {
            let data = try Data(contentsOf: fixtures.appendingPathComponent("slips/\(slip)"))
            inputs.append(AnswerInput(path: "slips/\(slip)", content: .success([UInt8](data))))
        }
        let right = try String(contentsOf: fixtures.appendingPathComponent("answers/right.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("variant:") }.joined(separator: "\n")
        var rng = SplitMix64(seed: seed)
        for i in 0..<generated {
            let student = String(format: "g%04d", i)
            var text = right.replacingOccurrences(of: "student: s001", with: "student: \(student)")
            if rng.next() % 3 == 0 { text = text.replacingOccurrences(of: "recvq: 500", with: "recvq: 400") }
            let file = String(format: "gen/%04d.yaml", generated - i)
            inputs.append(AnswerInput(path: file, content: .success(Array(text.utf8))))
            if rng.next() % 50 == 0 { inputs.append(AnswerInput(path: file + ".again.yaml", content: .success(Array(text.utf8)))) }
        }
        inputs.shuffle(using: &rng)
        return inputs
    }

    static func written(_ body: ((String) throws -> Void) throws -> Void) rethrows -> String {
        var out = ""
        try body { out += $0 }
        return out
    }

    @Test("every format, the feedback files, the summary and --compare: streamed byte for byte as the whole report",
          arguments: [(generated: 0, window: 1, seed: 1 as UInt64), (300, 3, 2), (600, 256, 3), (40, 7, 4)])
    func sameBytes(generated: Int, window: Int, seed: UInt64) throws {
        let c = try FixtureCourse.load()
        let inputs = try Self.inputs(generated: generated, seed: seed)
        let roster = Roster(entries: ["s005", "g0003", "nobody", "s001"].map { Roster.Entry(student: $0, name: "이름 \($0)") })
        for reveal in [false, true] {
            let whole = try c.grader.grade(inputs, reveal: reveal)
            let old = Array(try c.grader.grade(Array(inputs.prefix(inputs.count / 2)), reveal: reveal).json().utf8)
            for format in [GradeOutput.Format.table, .json, .csv, .canvas] {
                let output = GradeOutput(format: format, catalog: c.catalog, revealed: reveal, roster: roster)
                let store = MemoryPieceStore()
                let streamed = try c.grader.gradeStreamed(inputs, reveal: reveal, output: output, feedback: true, store: store, window: window)
                let expected: String = switch format {
                case .table: whole.table()
                case .json: try whole.json()
                case .csv: whole.csv()
                case .canvas: whole.canvas(roster: roster)
                case .gradescope, .prairielearn: ""
                }
                let actual = try Self.written(streamed.write)
                #expect(actual == expected, "\(format), reveal \(reveal), \(inputs.count) files, window \(window)")
                #expect(streamed.summary == whole.summary)
                #expect(streamed.rows.map(\.file) == whole.results.map(\.file))
                var files: [(String, String)] = []
                try streamed.writeFeedback { files.append(($0, $1)) }
                #expect(files.map(\.0) == whole.feedbackFiles().map(\.name))
                #expect(files.map(\.1) == whole.feedbackFiles().map(\.text))
                #expect(try streamed.changes(since: old, file: "old.json") == (try whole.changes(since: old, file: "old.json")))
                // Only a student's second files are graded again (for the warning they add), and
                // only where the output shows it.
                let duplicates = whole.results.count { $0.warnings.contains { $0.id == "answer.duplicate-student" } }
                #expect(duplicates > 0)
                #expect(streamed.regraded == (output.showsWarnings ? 2 : 1) * duplicates)
            }
        }
    }

    @Test("Gradescope and PrairieLearn: one file, streamed as the whole report writes it")
    func oneSubmission() throws {
        let c = try FixtureCourse.load()
        for name in ["right.yaml", "partial.yaml", "binary.yaml", "wrong-variant.yaml", "html.yaml"] {
            let whole = try c.grade([name], reveal: false)
            for (format, expected) in [(GradeOutput.Format.gradescope, try whole.gradescope(visibility: .hidden)), (.prairielearn, try whole.prairieLearn())] {
                let output = GradeOutput(format: format, catalog: c.catalog, revealed: false, visibility: .hidden)
                let streamed = try c.grader.gradeStreamed([try c.input(name)], output: output, store: MemoryPieceStore())
                #expect(try Self.written(streamed.write) == expected, "\(format) \(name)")
            }
        }
        let none = GradeOutput(format: .gradescope, catalog: c.catalog, revealed: false)
        #expect(try Self.written(try c.grader.gradeStreamed([], output: none, store: MemoryPieceStore()).write)
                == (try c.grader.grade([]).gradescope()))
    }

    @Test("the store holds one piece per file, in input order, whatever the threads did")
    func storeLayout() throws {
        let c = try FixtureCourse.load()
        let inputs = try Self.inputs(generated: 200, seed: 9)
        let output = GradeOutput(format: .csv, catalog: c.catalog, revealed: false)
        var layouts: [Int] = []
        for window in [1, 2, 64] {
            let store = MemoryPieceStore()
            _ = try c.grader.gradeStreamed(inputs, output: output, store: store, window: window)
            layouts.append(store.size)
        }
        #expect(Set(layouts).count == 1)
        // Exactly the rows as graded, before a student's second file adds its warning.
        let rows = try c.grader.grade(inputs).results.map { r in
            var r = r
            r.warnings.removeAll { $0.id == "answer.duplicate-student" }
            return GradeReport.csvRow(r, catalog: c.catalog)
        }
        #expect(layouts[0] == rows.reduce(0) { $0 + $1.utf8.count })
    }

    @Test("a store that fails stops the run with its error")
    func failingStore() throws {
        final class Full: PieceStore {
            var left = 20
            struct NoRoom: Error {}
            func put(_ text: String) throws -> PieceSpan {
                left -= 1
                if left < 0 { throw NoRoom() }
                return PieceSpan(offset: 0, count: 0)
            }
            func get(_ span: PieceSpan) throws -> String { "" }
        }
        let c = try FixtureCourse.load()
        let inputs = try Self.inputs(generated: 100, seed: 5)
        #expect(throws: Full.NoRoom.self) {
            try c.grader.gradeStreamed(inputs, output: GradeOutput(format: .json, catalog: c.catalog, revealed: false), store: Full(), window: 4)
        }
    }
}

@Suite struct OrderedParallelMap {
    @Test("every item made once and consumed in order, for any count and window", arguments: [0, 1, 2, 3, 17, 1000])
    func inOrder(count: Int) throws {
        for window in [1, 2, 5, 64, 5000] {
            let made = Counter()
            var seen: [Int] = []
            orderedParallel(count, workers: Workers(count: 3), window: window, produce: { i -> Int in
                _ = made.increment()
                if i % 7 == 0 { usleep(200) }
                return i * 3
            }, consume: { i, v in
                #expect(v == i * 3)
                seen.append(i)
            })
            #expect(seen == Array(0..<count), "window \(window)")
            #expect(made.increment() == count + 1)
        }
    }

    @Test("a consumer that throws stops the producers and its error comes out")
    func stops() {
        struct Stop: Error {}
        let made = Counter()
        #expect(throws: Stop.self) {
            try orderedParallel(10_000, workers: Workers(count: 2), window: 8, produce: { i in _ = made.increment(); return i }, consume: { i, _ in
                if i == 50 { throw Stop() }
            })
        }
        // Nothing past the window beyond the failing item was started.
        #expect(made.increment() <= 50 + 1 + 8 + 2 + 1)
    }
}
