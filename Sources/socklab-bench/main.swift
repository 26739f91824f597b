import Foundation

/// `socklab-bench [NAME...]`: runs the named benchmarks (all of them by default).
/// Each benchmark lives in its own file as an `enum NameBench { static func run() throws }`;
/// add it to this table to make it a subcommand.
let benches: [(name: String, summary: String, run: () throws -> Void)] = [
    ("simulate", "the simulation core on large scenarios", { try SimulateBench.run() }),
    ("grade", "grade 10,000 generated answer files: files/s and peak memory", { try GradeBench.run() }),
    ("build", "build the chapter site: full build and rebuilds", { try BuildBench.run() }),
    ("report", "the class report for 10,000 graded students: analysis and renderings", { try ReportBench.run() }),
]

var names = Array(CommandLine.arguments.dropFirst())
if names.isEmpty || names == ["all"] { names = benches.map(\.name) }
if names.contains("-h") || names.contains("--help") {
    print("usage: socklab-bench [all | \(benches.map(\.name).joined(separator: " | "))]...")
    for b in benches { print("  \(b.name): \(b.summary)") }
    exit(0)
}
for name in names {
    guard let b = benches.first(where: { $0.name == name }) else {
        FileHandle.standardError.write(Data("socklab-bench: unknown benchmark '\(name)'; known: all, \(benches.map(\.name).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    do { try b.run() } catch {
        FileHandle.standardError.write(Data("socklab-bench \(name): \(error)\n".utf8))
        exit(1)
    }
}
