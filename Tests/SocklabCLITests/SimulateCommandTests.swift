import Foundation
import Testing

@Suite("socklab simulate")
struct SimulateCommandTests {
    func scenario(_ text: String) throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static let deadlock = """
    title: both ends send more than SQS + RQS
    sqs: 500
    rqs: 500
    network: auto
    steps:
      - client: send 1001
      - server: send 1001
    """

    @Test("the JSON contract: outcome, deadlock, and per step index, actor, call, status, returned, error, completed, hosts")
    func jsonContract() throws {
        let file = try scenario(Self.deadlock)
        let r = try CLI.run(["simulate", file.path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["outcome"] as? String == "deadlock")
        let deadlock = try #require(json["deadlock"] as? [String: Any])
        #expect(deadlock["atStep"] as? Int == 2)
        let blocked = try #require(deadlock["blocked"] as? [[String: Any]])
        #expect(blocked.map { $0["actor"] as? String } == ["client", "server"])
        #expect(blocked.map { $0["call"] as? String } == ["send 1001", "send 1001"])
        #expect(blocked.map { $0["remaining"] as? Int } == [1, 1])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count == 2)
        let first = steps[0]
        #expect(first["index"] as? Int == 1)
        #expect(first["actor"] as? String == "client")
        #expect(first["call"] as? String == "send 1001")
        #expect(first["status"] as? String == "blocked")
        #expect(first["returned"] is NSNull)
        #expect(first["error"] is NSNull)
        #expect((first["completed"] as? [Any])?.isEmpty == true)
        let hosts = try #require(first["hosts"] as? [String: [String: Any]])
        #expect(hosts["client"]?["sendq"] as? Int == 500)
        #expect(hosts["server"]?["recvq"] as? Int == 500)
        #expect(hosts["server"]?["delivered"] as? Int == 0)
    }

    @Test("completed lists an earlier blocked call that returned, with its value")
    func completedCalls() throws {
        let file = try scenario("""
        sqs: 500
        rqs: 500
        steps:
          - client: send 2000
          - server: recv 700
          - server: recv 700
        """)
        let r = try CLI.run(["simulate", file.path, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(json["outcome"] as? String == "completed")
        #expect(steps[0]["status"] as? String == "blocked")
        #expect(steps[0]["returnedAtStep"] as? Int == 3)
        let completed = try #require(steps[2]["completed"] as? [[String: Any]])
        #expect(completed.count == 1)
        #expect(completed.first?["index"] as? Int == 1)
        #expect(completed.first?["returned"] as? Int == 2000)
    }

    @Test("--set overrides the file's parameters; the deadlock goes away with bigger queues")
    func setOverrides() throws {
        let file = try scenario(Self.deadlock)
        let r = try CLI.run(["simulate", file.path, "--format", "json", "--set", "sqs=1000", "--set", "rqs=1000"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["outcome"] as? String == "completed")
        #expect(json["deadlock"] is NSNull)
    }

    @Test("the text form prints one line per step with the three queues")
    func textForm() throws {
        let file = try scenario(Self.deadlock)
        let r = try CLI.run(["simulate", file.path])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("client: send 1001") && $0.contains("client S=500 R=0 D=0") })
        #expect(r.stdout.contains("outcome: deadlock at step 2"))
    }

    @Test("bad scenario files get one clear error with file, line and what was expected", arguments: [
        ("steps:\n  - clinet: send 10\n", 2, "unknown actor 'clinet'"),
        ("steps:\n  - client: sned 10\n", 2, "unknown call 'sned'"),
        ("steps:\n  - client: send -5\n", 2, "send needs a byte count of 0 or more"),
        ("sqs: lots\nsteps:\n  - client: send 1\n", 1, "sqs must be a whole number"),
        ("sqs: 0\nsteps:\n  - client: send 1\n", 1, "sqs must be between 1 and"),
        ("steps: [client: send 10\n", 2, "not valid YAML"),
        ("steps:\n  - client: send 99999999999999999\n", 2, "absurdly large"),
        ("stepz:\n  - client: send 1\n", 1, "unknown key 'stepz'"),
    ])
    func badScenarios(text: String, line: Int, message: String) throws {
        let file = try scenario(text)
        let r = try CLI.run(["simulate", file.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(file.path):\(line):"), "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test("a --set that names no parameter is an error that lists the parameters")
    func unknownSet() throws {
        let file = try scenario(Self.deadlock)
        let r = try CLI.run(["simulate", file.path, "--set", "sqz=10"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--set sqz=... names no parameter"))
        #expect(r.stderr.contains("sqs"))
    }

    @Test("a binary file is refused with a clear message")
    func binaryFile() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("bin.yaml")
        try Data([0x00, 0xff, 0xfe, 0x00, 0x12]).write(to: file)
        let r = try CLI.run(["simulate", file.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("bin.yaml") && (r.stderr.contains("not UTF-8") || r.stderr.contains("binary")))
    }

    @Test("a folder, a named pipe and a link to a large file are refused without reading them (a pipe used to block)")
    func notAFile() throws {
        let dir = try CLI.temporaryDirectory()
        let pipe = dir.appendingPathComponent("pipe.yaml")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        let big = dir.appendingPathComponent("big.txt")
        try Data(count: 3_000_000).write(to: big)
        let link = dir.appendingPathComponent("link.yaml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: big)
        for (path, message) in [(dir.path, "it is a folder"), (pipe.path, "not a regular file"), (link.path, "the file is 3000000 bytes")] {
            let r = try CLI.run(["simulate", path])
            #expect(r.status == 1, "\(path): \(r.stderr)")
            #expect(r.stderr.contains("\(path): error: ") && r.stderr.contains(message), "\(r.stderr)")
        }
    }
}
