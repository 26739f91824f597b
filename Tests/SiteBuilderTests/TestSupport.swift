import Foundation
@testable import SiteBuilder
import SourceFiles

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The real chapter: content/ and templates/ as the command would read them.
func realTree() throws -> SourceTree {
    var files: [String: String] = [:]
    for folder in ["content", "templates"] {
        let dir = repositoryRoot.appendingPathComponent(folder)
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let rel = folder + "/" + url.path.dropFirst(dir.path.count + 1)
            files[rel] = try String(contentsOf: url, encoding: .utf8)
        }
    }
    return SourceTree(files: files)
}

/// The real templates with a small chapter of our own, for tests that must not depend on the prose.
func miniTree(extra: [String: String] = [:], sectionBody: String? = nil) throws -> SourceTree {
    var tree = try realTree()
    tree.files = tree.files.filter { $0.key.hasPrefix("templates/") }
    tree.files["content/course.yaml"] = """
    title: "미니 장"
    subtitle: "시험용"
    parameters:
      sqs: 500
      rqs: 500
      mss: 536
      msl: 30s
    sections: [buf]
    pages: [extra]
    """
    tree.files["content/scenarios/dl.yaml"] = """
    title: both send
    let:
      n: "{sqs + rqs + 1}"
    steps:
      - client: send {n}
      - server: send {n}
    """
    tree.files["content/scenarios/hs.yaml"] = """
    title: handshake
    network: manual
    steps:
      - server: listen 80
      - client: connect server:80
      - net: deliver
      - net: deliver
      - net: deliver
    """
    tree.files["content/sections/01-buf.md"] = """
    ---
    id: buf
    title: "버퍼"
    summary: "요약"
    figures:
      dead:
        scenario: dl
        kind: deadlock
        caption: "교착상태"
      hand:
        scenario: hs
        kind: sequence
        caption: "핸드셰이크"
    values:
      outcome: { scenario: dl, query: "outcome" }
      n: { scenario: dl, query: "param n" }
      state: { scenario: hs, query: "state client after 4" }
    ---
    """ + "\n" + (sectionBody ?? """
    SQS는 {{sqs}}, RQS는 {{rqs}}바이트다. 양쪽이 {{values.n}}바이트를 보내면 결과는 {{values.outcome}}이다.

    {{{figures.dead}}}

    두 번째 세그먼트 뒤 클라이언트는 {{values.state}} 상태다.

    {{{figures.hand}}}
    """)
    tree.files["content/pages/extra.md"] = """
    ---
    id: extra
    title: "부록"
    ---
    | 한국어 | English |
    |---|---|
    | 송신 큐 | SendQ |
    """
    for (k, v) in extra { tree.files[k] = v }
    return tree
}

extension BuildResult {
    func file(_ path: String) -> String? { files.first { $0.path == path }?.contents }
    var errors: [String] { diagnostics.filter { $0.severity == .error }.map(\.description) }
}
