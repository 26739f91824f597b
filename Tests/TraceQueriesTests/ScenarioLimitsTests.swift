import CourseModel
import CourseModelTestSupport
import Foundation
import ScenarioLoading
import SocketSim
import SourceFiles
import Testing
import TraceQueries

/// Every number a scenario, course.yaml or `--set` names is read into its documented range and
/// refused outside it with a located diagnostic; a run over its work budget is a located
/// "scenario too large"; and the streamed trace is byte for byte what JSONEncoder wrote.
@Suite("scenario limits and the streamed trace")
struct ScenarioLimitsTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var overrides: [String: String] = [:]
        var id: String
        var location: String
        var message: String
        var description: String { name }
    }

    static let nested = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)

    static let cases: [Case] = [
        Case(name: "sqs above 2^40", text: "sqs: 1099511627777\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:6", message: "sqs must be between 1 and 1099511627776, got 1099511627777"),
        Case(name: "rqs of zero", text: "rqs: 0\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:6", message: "rqs must be between 1 and 1099511627776, got 0"),
        Case(name: "mss above 65535", text: "mss: 65536\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:6", message: "mss must be between 1 and 65535, got 65536"),
        Case(name: "msl above a day", text: "msl: 25h\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:6", message: "msl must be between 0 and 86400000, got 90000000"),
        Case(name: "rto too large to hold", text: "rto: 99999999999999999999h\nsteps:\n  - client: send 1\n",
             id: "scenario.duration", location: "s.yaml:1:6", message: "rto must be a duration such as 30s, 500ms or 2min, got '99999999999999999999h'"),
        Case(name: "maxRetransmissions above 30", text: "maxRetransmissions: 31\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:21", message: "maxRetransmissions must be between 0 and 30, got 31"),
        Case(name: "finWait2Timeout negative", text: "finWait2Timeout: \"{0 - 1}\"\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:18", message: "finWait2Timeout must be between 0 and 86400000, got -1"),
        Case(name: "backlog above 65535", text: "backlog: 65536\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:1:10", message: "backlog must be between 0 and 65535, got 65536"),
        Case(name: "ephemeral port above 65535", text: "ephemeralPorts: 1-65536\nsteps:\n  - client: send 1\n",
             id: "scenario.ephemeral-ports", location: "s.yaml:1:17", message: "ephemeralPorts must be a range like 49152-65535, got '1-65536'"),
        Case(name: "host queue above 2^40", text: "hosts:\n  client: {sqs: 1099511627777}\n  server: {}\nsteps:\n  - client: send 1\n",
             id: "scenario.queue-size", location: "s.yaml:2:11", message: "queue sizes must be between 1 and 1099511627776, got 1099511627777"),
        Case(name: "a let value above 2^40", text: "let:\n  n: \"{1099511627776 + 1}\"\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:2:6", message: "let n must be between -1099511627776 and 1099511627776, got 1099511627777"),
        Case(name: "Int.min as a let value", text: "let:\n  m: \"{-9223372036854775807 - 1}\"\nsteps:\n  - client: send 1\n",
             id: "scenario.range", location: "s.yaml:2:6", message: "let m must be between -1099511627776 and 1099511627776, got -9223372036854775808"),
        Case(name: "a send above 2^40", text: "steps:\n  - client: send 1099511627777\n",
             id: "scenario.step", location: "s.yaml:2:13", message: "send 1099511627777 is absurdly large (at most 1099511627776 bytes)"),
        Case(name: "a transfer above 2^40", text: "network: manual\nsteps:\n  - net: transfer 1099511627777\n",
             id: "scenario.step", location: "s.yaml:3:10", message: "transfer N must be a byte count from 0 to 1099511627776, got 1099511627777"),
        Case(name: "a time step over a year", text: "steps:\n  - time: +8761h\n",
             id: "scenario.step", location: "s.yaml:2:11", message: "time step '+8761h' is more than a year (at most +525600min)"),
        Case(name: "a deliver count over the segment budget", text: "steps:\n  - net: deliver 4194305\n",
             id: "scenario.step", location: "s.yaml:2:10", message: "deliver N must be a segment count from 1 to 4194304, got 4194305"),
        Case(name: "a port above 65535", text: "steps:\n  - server: listen 65536\n",
             id: "scenario.step", location: "s.yaml:2:13", message: "expected a port number from 0 to 65535 after 'listen', got '65536'"),
        Case(name: "Int.min / -1", text: "steps:\n  - client: send {(-9223372036854775807 - 1) / -1}\n",
             id: "scenario.step", location: "s.yaml:2:13", message: "number too large in expression"),
        Case(name: "Int.min % -1 in a parameter", text: "sqs: \"{(-9223372036854775807 - 1) % -1}\"\nsteps:\n  - client: send 1\n",
             id: "scenario.expression", location: "s.yaml:1:6", message: "sqs: number too large in expression"),
        Case(name: "x % 0", text: "steps:\n  - client: send {sqs % 0}\n",
             id: "scenario.step", location: "s.yaml:2:13", message: "division by zero in expression"),
        Case(name: "500 nested parentheses", text: "steps:\n  - client: send {\(nested)}\n",
             id: "scenario.step", location: "s.yaml:2:13",
             message: "expression nested too deeply (more than 64 levels of parentheses, signs and operators)"),
        Case(name: "65 hosts", text: "hosts:\n" + (1...65).map { "  h\($0): {}\n" }.joined() + "steps:\n  - h1: socket\n",
             id: "scenario.too-large", location: "s.yaml:66:3", message: "scenario too large: more than 64 hosts (65)"),
        Case(name: "--set sqs=0", text: "sqs: 500\nsteps:\n  - client: send 1\n", overrides: ["sqs": "0"],
             id: "scenario.range", location: "--set", message: "--set sqs must be between 1 and 1099511627776, got 0"),
        Case(name: "--set mss=99999999999999999999", text: "steps:\n  - client: send 1\n", overrides: ["mss": "99999999999999999999"],
             id: "scenario.number", location: "s.yaml", message: "--set mss must be a whole number or {expression}, got '99999999999999999999'"),
        Case(name: "--set of a let above 2^40", text: "let:\n  n: 5\nsteps:\n  - client: send {n}\n", overrides: ["n": "2000000000000"],
             id: "scenario.range", location: "--set", message: "--set n must be between -1099511627776 and 1099511627776, got 2000000000000"),
    ]

    @Test("a number outside its range is refused with a located diagnostic", arguments: cases)
    func refused(_ c: Case) throws {
        do throws(DiagnosticError) {
            _ = try ScenarioLoader.load(text: c.text, file: "s.yaml", overrides: c.overrides)
            Issue.record("\(c.name): loaded")
        } catch {
            let d = try #require(error.diagnostics.first, "\(c.name)")
            #expect(d.id.rawValue == c.id, "\(c.name): \(error)")
            #expect(d.location.description == c.location, "\(c.name): \(error)")
            #expect(d.message == c.message, "\(c.name): \(error)")
        }
    }

    @Test("the largest value of every range loads")
    func largestLoads() throws {
        let text = """
        sqs: 1099511627776
        rqs: 1099511627776
        mss: 65535
        msl: 24h
        rto: 1h
        maxRetransmissions: 30
        finWait2Timeout: 24h
        backlog: 65535
        ephemeralPorts: 1-65535
        let:
          n: "{0 - 1099511627776}"
        network: manual
        steps:
          - client: send 1099511627776 nonblock
          - net: transfer 1099511627776
          - net: deliver 4194304
          - time: +525600min
        """
        let s = try ScenarioLoader.load(text: text, file: "s.yaml")
        #expect(s.parameters.sqs == 1 << 40 && s.steps.count == 4)
    }

    @Test("more than the step budget is refused at the first step too many")
    func tooManySteps() throws {
        let text = "steps:\n" + String(repeating: "  - client: send 1\n", count: WorkBudget.maxSteps + 1)
        do throws(DiagnosticError) {
            _ = try ScenarioLoader.load(text: text, file: "s.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == ["scenario.too-large"])
            #expect(error.diagnostics.first?.location.description == "s.yaml:\(WorkBudget.maxSteps + 2):5")
            #expect(error.diagnostics.first?.message == "scenario too large: more than 25000 steps (25001)")
        }
    }

    @Test("a run over its work budget is a diagnostic at the step where it went over")
    func budgetIsLocated() throws {
        let compiled = try CompiledScenario(text: "mss: 1\nsqs: 100000\nrqs: 100000\nsteps:\n  - client: send 10\n  - client: send 50000\n",
                                            file: "s.yaml")
        let scenario = try compiled.instantiate().scenario
        let small = WorkBudget(steps: 10, segments: 1_000, timerFirings: 10, snapshotEntries: 1_000, rounds: 1_000)
        do throws(DiagnosticError) {
            _ = try compiled.simulate(scenario, budget: small)
            Issue.record("ran")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.id.rawValue == "scenario.too-large")
            #expect(d.location.description == "s.yaml:6:5")
            #expect(d.message == "scenario too large: more than 1000 segments (reached during step 2)")
        }
        #expect(try compiled.simulate(scenario).steps.count == 2)
    }

    @Test("a kept trace (figures, prose values, keys) may make a quarter of a million segments, and says why")
    func keptBudget() throws {
        #expect(WorkBudget.kept.segments == 1 << 18 && WorkBudget.kept.segments < WorkBudget.standard.segments)
        // 270,000 one-byte data segments in the second step: past the kept budget, far below the standard one
        // that `socklab simulate` streams with (its 1 GiB benchmark makes two million).
        let text = "mss: 1\nsqs: 300000\nrqs: 300000\nsteps:\n  - client: send 1\n  - client: send 270000\n"
        let scenario = try ScenarioLoader.load(text: text, file: "s.yaml")
        do throws(DiagnosticError) {
            _ = try ScenarioLoader.simulate(scenario, text: text, file: "s.yaml")
            Issue.record("a kept run of 270,000 segments was not refused")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.id.rawValue == "scenario.too-large")
            #expect(d.location.description == "s.yaml:6:5")
            #expect(d.message == "scenario too large: more than 262144 segments (reached during step 2)")
            #expect(d.notes.first?.contains("socklab simulate streams its trace and allows 4194304") == true, "\(d.notes)")
        }
    }

    @Test("course.yaml parameters and build --set are read into the same ranges", arguments: [
        ("parameters:\n  sqs: 1099511627777\n", "course.range", "course.yaml:2:8", "parameter sqs must be a queue size from 1 to 1099511627776, got 1099511627777"),
        ("parameters:\n  mss: 0\n", "course.range", "course.yaml:2:8", "parameter mss must be a segment size from 1 to 65535, got 0"),
        ("parameters:\n  msl: 2d\n", "course.parameter", "course.yaml:2:8", "parameter msl must be a duration such as 30s, got '2d'"),
        ("parameters:\n  msl: 25h\n", "course.range", "course.yaml:2:8", "parameter msl must be a duration from 0ms to 1440min, got 90000000"),
        ("parameters:\n  extra: 99999999999999999999\n", "course.range", "course.yaml:2:10", "parameter extra must be a number from -1099511627776 to 1099511627776, got a number too large to hold"),
        ("parameters:\n  extra: -1099511627777\n", "course.range", "course.yaml:2:10", "parameter extra must be a number from -1099511627776 to 1099511627776, got -1099511627777"),
    ])
    func courseRanges(text: String, id: String, location: String, message: String) throws {
        do throws(DiagnosticError) {
            _ = try CourseConfig.load(text: text, file: "course.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == [id])
            #expect(error.diagnostics.first?.location.description == location)
            #expect(error.diagnostics.first?.message == message)
        }
    }

    @Test("--set on the course is read into the same ranges", arguments: [
        ("sqs", "0", "cli.set-range", "--set sqs must be a queue size from 1 to 1099511627776, got 0"),
        ("rqs", "99999999999999999999", "cli.set-range", "--set rqs must be a queue size from 1 to 1099511627776, got a number too large to hold"),
        ("msl", "forever", "cli.set", "--set msl must be a duration such as 30s, got 'forever'"),
    ])
    func courseSet(key: String, value: String, id: String, message: String) throws {
        var course = try CourseConfig.load(text: "parameters:\n  sqs: 500\n", file: "course.yaml")
        do throws(DiagnosticError) {
            try course.apply(overrides: [key: value])
            Issue.record("applied")
        } catch {
            #expect(error.diagnostics.map(\.id.rawValue) == [id])
            #expect(error.diagnostics.first?.location.description == "--set")
            #expect(error.diagnostics.first?.message == message)
        }
    }

    // MARK: - The streamed trace

    static func streamed(_ scenario: Scenario, _ format: TraceWriter.Format, chunk: Int = 1 << 16) throws -> String {
        var bytes: [UInt8] = []
        var pieces = 0
        try TraceWriter.write(scenario, format: format, chunk: chunk) { bytes += $0; pieces += 1 }
        #expect(pieces >= 1)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("the streamed JSON and text are byte for byte what the whole-trace encoders wrote, for every course scenario")
    func streamedMatchesReference() throws {
        let content = try Content.load(caches: sharedCaches)
        var scenarios = try content.scenarios.map { try ScenarioLoader.load(text: $0.text, file: $0.path, variables: content.course.parameters) }
        for e in content.catalog.exercises where e.scenarioName == nil {
            scenarios.append(try e.run(for: e.variant(at: 0)).load().scenario)
        }
        #expect(scenarios.count > 20)
        for s in scenarios {
            let trace = try Simulator.run(s)
            let json = try trace.referenceJSONString()
            #expect(try Self.streamed(s, .json) == json, "\(s.title)")
            #expect(try Self.streamed(s, .json, chunk: 1) == json, "\(s.title), one step per piece")
            #expect(trace.jsonString() == json, "\(s.title), from the trace")
            #expect(try Self.streamed(s, .text) == trace.referenceTextReport(), "\(s.title), text")
            #expect(trace.textReport() == trace.referenceTextReport(), "\(s.title), text from the trace")
        }
    }

    @Test("strings are escaped and host keys sorted as JSONEncoder does")
    func escapingAndKeyOrder() throws {
        let hosts = [HostConfig(name: "서버", addresses: ["10.0.0.1"]), HostConfig(name: "h10", addresses: ["10.0.0.2"]),
                     HostConfig(name: "h2", addresses: ["10.0.0.3"]), HostConfig(name: "B_1", addresses: ["10.0.0.4"])]
        let names = hosts.map(\.name)
        let steps = try ["listen 80", "connect 서버:80", "send 5", "close"].enumerated().map { i, call in
            try StepParser.parse(actor: names[i % 2 == 0 ? 0 : 1], text: call, hosts: names, variables: [:])
        }
        let s = Scenario(title: "quote \" backslash \\ tab \t newline \n bell \u{7} del \u{7f} slash / é 😀 \u{2028}", hosts: hosts,
                         start: .closed, steps: steps)
        let trace = try Simulator.run(s)
        #expect(try Self.streamed(s, .json) == trace.referenceJSONString())
    }

    @Test("a run over the budget writes nothing: the first pass refuses it")
    func overBudgetWritesNothing() throws {
        var p = Parameters()
        p.mss = 1
        p.sqs = 100_000
        p.rqs = 100_000
        let s = Scenario(parameters: p, steps: [try StepParser.parse(actor: "client", text: "send 50000", hosts: ["client", "server"], variables: [:])])
        var written = 0
        let small = WorkBudget(steps: 10, segments: 1_000, timerFirings: 10, snapshotEntries: 1_000, rounds: 1_000)
        #expect(throws: WorkBudget.Exceeded.self) {
            try TraceWriter.write(s, format: .json, budget: small) { written += $0.count }
        }
        #expect(written == 0)
    }
}
