import Testing
@testable import TraceQueries

/// A run's scenario cache belongs to whoever made it: no process-wide state.
@Suite struct ScenarioCacheTests {
    static let yaml = "steps:\n  - client: send {n}\n  - server: recv 100\n"

    @Test("one set of caches reads a scenario once; another set reads it again")
    func scenariosBelongToTheirCaches() throws {
        let a = ScenarioCache(), b = ScenarioCache()
        let inA = ScenarioRun(text: Self.yaml, file: "s.yaml", variables: ["n": 300], caches: a)
        let againInA = ScenarioRun(text: Self.yaml, file: "s.yaml", variables: ["n": 700], caches: a)
        let inB = ScenarioRun(text: Self.yaml, file: "s.yaml", variables: ["n": 300], caches: b)
        #expect(a.count == 0 && b.count == 0)
        let compiled = try inA.compiled()
        #expect(try againInA.compiled() === compiled, "the same text in the same caches is read once")
        #expect(a.count == 1)
        #expect(b.count == 0, "caches made apart share no entry")
        #expect(try inB.compiled() !== compiled)
        #expect(b.count == 1)
        // What the two caches give is the same run.
        #expect(try inA.run().trace == inB.run().trace)
    }

    @Test("a run's caches are not part of its identity, and copies share them")
    func runIdentity() {
        let a = ScenarioRun(text: Self.yaml, file: "s.yaml", caches: ScenarioCache())
        let b = ScenarioRun(text: Self.yaml, file: "s.yaml", caches: ScenarioCache())
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.setting("n", to: 5, letNames: []).caches === a.caches)
        #expect(ScenarioRun(text: Self.yaml, file: "s.yaml") != ScenarioRun(text: Self.yaml, file: "t.yaml"))
    }
}
