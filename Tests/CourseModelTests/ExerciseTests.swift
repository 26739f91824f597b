import CourseModel
import CourseModelTestSupport
import Foundation
import SocketSim
import SourceFiles
import Testing

@Suite struct ExerciseLoading {
    @Test func everyExerciseLoadsAndEveryVariantHasAKey() throws {
        let c = try Content.load(caches: sharedCaches)
        #expect(c.diagnostics.isEmpty, "\(c.diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(c.catalog.exercises.count >= 4)
        for e in c.catalog.exercises {
            let variants = e.allVariants()
            for v in variants.prefix(12) {
                do throws(DiagnosticError) {
                    let key = try e.answerKey(for: v)
                    #expect(key.values.count == e.questions.count, "\(e.id) \(v)")
                } catch {
                    Issue.record("\(e.id) \(v): \(error)")
                }
            }
        }
    }

    @Test func refusesALiteralAnswer() throws {
        let c = try Content.load(caches: sharedCaches)
        let yaml = """
        id: literal
        section: buffering
        title: "t"
        scenario: deadlock
        questions:
          - id: q1
            prompt: "p"
            kind: integer
            answer: 500
          - id: q2
            prompt: "p"
            kind: list
            answer: [SYN, SYN+ACK, ACK]
          - id: q3
            prompt: "p"
            kind: yesno
            answer: yes
        """
        do {
            _ = try c.load(yaml, file: "literal.yaml")
            Issue.record("a literal answer was accepted")
        } catch {
            let d = error.diagnostics.filter { $0.id.rawValue == "exercise.literal-answer" }
            #expect(d.map(\.location.line) == [9, 13, 17])
            #expect(d.allSatisfy { $0.location.file == "literal.yaml" })
            #expect(d[0].message.contains("'500'"))
        }
    }

    @Test func reportsEveryProblemWithItsLine() throws {
        let c = try Content.load(caches: sharedCaches)
        let yaml = """
        id: Bad_Id
        section: nowhere
        title: "t"
        colour: red
        scenario: no-such-scenario
        questions:
          - id: q1
            prompt: "p"
            kind: number
            answer: queue server.recvq after
        """
        do {
            _ = try c.load(yaml, file: "bad.yaml")
            Issue.record("accepted")
        } catch {
            let got = error.diagnostics.map { "\($0.location.line ?? 0) \($0.id)" }.sorted()
            #expect(got == ["1 exercise.id", "10 exercise.query", "2 exercise.section", "4 yaml.unknown-key",
                            "5 exercise.unknown-scenario", "9 exercise.kind"].sorted())
        }
    }

    @Test func inlineScenarioErrorsPointIntoTheExerciseFile() throws {
        let c = try Content.load(caches: sharedCaches)
        let yaml = """
        id: inline
        section: buffering
        title: "t"
        scenario:
          steps:
            - client: send 10
            - client: sned 10
        questions:
          - id: q1
            prompt: "p"
            kind: integer
            answer: returned 1
        """
        let e = try c.load(yaml, file: "inline.yaml")
        do {
            _ = try e.answerKey(for: e.defaultVariant)
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.first?.location.file == "inline.yaml")
            #expect(error.diagnostics.first?.location.line == 7)
        }
    }

    @Test func variantsAreStableAndSpread() throws {
        let c = try Content.load(caches: sharedCaches)
        let e = try #require(c.catalog.exercise("deadlock-smallest-n"))
        let chooser = VariantChooser(secret: "test-secret")
        #expect(chooser.variant(of: e, for: "s001") == chooser.variant(of: e, for: "s001"))
        let seen = Set((0..<200).map { chooser.variant(of: e, for: "s\($0)") })
        #expect(seen.count > 30)
        let other = VariantChooser(secret: "another-secret")
        let differ = (0..<50).filter { chooser.variant(of: e, for: "s\($0)") != other.variant(of: e, for: "s\($0)") }
        #expect(differ.count > 25)
        for v in seen { #expect(e.allVariants().contains(v)) }
    }
}

@Suite struct Misconceptions {
    @Test func predictionsNameTheWrongModels() throws {
        let c = try Content.load(caches: sharedCaches)
        let buffering = try #require(c.catalog.exercise("buffering-first-recv"))
        let key = try buffering.answerKey(for: Variant(["a": .integer(300), "b": .integer(400)]))
        #expect(key.values["first-recv"] == .integer(key.variables["rqs"]!))
        #expect(key.predictions["first-recv"]?[.recvFillsBuffer] == .integer(1000))
        #expect(key.predictions["recvq-after-sends"]?[.noReceiveQueue] == .integer(0))

        let dl = try #require(c.catalog.exercise("deadlock-smallest-n"))
        let k2 = try dl.answerKey(for: Variant(["sqs": .integer(500), "rqs": .integer(300), "d": .integer(1)]))
        #expect(k2.values["smallest-n"] == .integer(801))
        #expect(k2.predictions["smallest-n"]?[.noReceiveQueue] == .integer(501))
        #expect(k2.values["deadlocks"] == .boolean(true))

        let close = try #require(c.catalog.exercise("closing-four-way"))
        let k3 = try close.answerKey(for: close.defaultVariant)
        #expect(k3.predictions["server-after-last-ack"]?[.passiveCloserTimeWait] == .text("TIME_WAIT"))

        let hs = try #require(c.catalog.exercise("lifecycle-handshake"))
        // A schedule in which the handshake is over before accept(): the child is ESTABLISHED.
        var done = hs.defaultVariant
        done.values["s"] = .integer(3)
        let k4 = try hs.answerKey(for: done)
        #expect(k4.values["listener-after-accept"] == .text("LISTEN"))
        #expect(k4.predictions["listener-after-accept"]?[.listenerChangesState] == .text("ESTABLISHED"))
    }

    @Test func swappedQueues() throws {
        let c = try Content.load(caches: sharedCaches)
        let e = try c.load("""
        id: swapped
        section: buffering
        title: "t"
        scenario:
          sqs: 300
          rqs: 700
          network: auto
          steps:
            - client: send 2000
        questions:
          - id: q1
            prompt: "p"
            kind: integer
            answer: queue server.recvq after 1
        """)
        let key = try e.answerKey(for: e.defaultVariant)
        #expect(key.values["q1"] == .integer(700))
        #expect(key.predictions["q1"]?[.swappedQueues] == .integer(300))
    }

    @Test func carriedForward() throws {
        let c = try Content.load(caches: sharedCaches)
        let dl = try #require(c.catalog.exercise("deadlock-smallest-n"))
        let v = Variant(["sqs": .integer(500), "rqs": .integer(300), "d": .integer(1)])
        let q = try #require(dl.question("recvq-at-smallest-n"))
        #expect(try dl.carriedValue(q, variant: v, value: 801).get() == .integer(300))
        #expect(try dl.carriedValue(q, variant: v, value: 200).get() == .integer(200))
    }
}
