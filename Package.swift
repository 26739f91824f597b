// swift-tools-version:6.0
import PackageDescription

/// SockLab: a chapter site and an autograder whose every number comes from one simulation core.
///
/// Layers (dependencies point down only):
///   socklab, socklab-bench          the commands (I/O, environment, exit codes)
///   SiteBuilder, Grader             building the site, grading answer files
///   CourseModel, Diagrams, XMLCheck exercises and scenario loading, SVG, XML validation
///   SourceFiles                     YAML files read within budgets; diagnostics (file:line:column)
///   SocketSim                       the simulation core (standard library only)
/// Release builds optimise across SockLab's own modules: the grader's hot path (keys, the simulator,
/// feedback) crosses five of them, and without this the optimiser stops at each boundary. What it
/// buys is measured in README.md ("How grading is fast").
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "SockLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "socklab", targets: ["socklab"]),
        .executable(name: "socklab-bench", targets: ["socklab-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Layer 1: the simulation core. Standard library only: no Foundation, no I/O.
        .target(name: "SocketSim"),

        // Layer 2.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .target(name: "XMLCheck", dependencies: ["CLibXML2"]),
        // Reading the course's YAML files within budgets, and diagnostics that name file, line and column.
        .target(name: "SourceFiles", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Scenario files compiled once and instantiated per set of values; the one locked memo.
        .target(name: "ScenarioLoading", dependencies: [
            "SocketSim", "SourceFiles", .product(name: "Yams", package: "Yams"),
        ]),
        // Runs of a scenario with their names, and what is read off their traces: queries, values, the trace's JSON.
        .target(name: "TraceQueries", dependencies: [
            "SocketSim", "SourceFiles", "ScenarioLoading",
        ]),
        // The course: course.yaml, exercises, answer keys, variants and their tags, misconceptions, hint checks.
        .target(name: "CourseModel", dependencies: [
            "SocketSim", "SourceFiles", "ScenarioLoading", "TraceQueries",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Diagrams", dependencies: ["SocketSim"]),

        // Layer 3.
        .target(name: "SiteBuilder", dependencies: [
            "SocketSim", "SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "Diagrams", "XMLCheck",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Ink", package: "Ink"),
        ]),
        .target(name: "Grader", dependencies: ["SocketSim", "SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel"]),
        // The class report (item statistics, misconceptions, copy leads): a pure function of graded results.
        .target(name: "ClassReport", dependencies: ["Grader", "SourceFiles", "CourseModel"]),

        // Layer 4: the commands.
        .executableTarget(name: "socklab", dependencies: [
            "SocketSim", "SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SiteBuilder", "Grader", "ClassReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "socklab-bench", dependencies: [
            "SocketSim", "SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SiteBuilder", "Grader", "ClassReport",
        ]),

        // Fuzzing: each input kind driven through what the commands do with it (scripts/fuzz).
        .target(name: "FuzzHarness", dependencies: ["SocketSim", "SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SiteBuilder", "Grader"]),

        // What several test targets share: golden files; the malformed-input corpus of the loaders.
        .target(name: "SocklabTestSupport", path: "Tests/SocklabTestSupport"),
        .target(name: "CourseModelTestSupport", dependencies: ["SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SocketSim", "SocklabTestSupport"], path: "Tests/CourseModelTestSupport"),

        .testTarget(name: "SocketSimTests", dependencies: ["SocketSim", "SocklabTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "XMLCheckTests", dependencies: ["XMLCheck"]),
        .testTarget(name: "SourceFilesTests", dependencies: ["SourceFiles", "SocklabTestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "ScenarioLoadingTests", dependencies: ["SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SocketSim", "CourseModelTestSupport", "SocklabTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "TraceQueriesTests", dependencies: ["SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SocketSim", "CourseModelTestSupport", "SocklabTestSupport"]),
        .testTarget(name: "CourseModelTests", dependencies: ["SourceFiles", "ScenarioLoading", "TraceQueries", "CourseModel", "SocketSim", "CourseModelTestSupport", "SocklabTestSupport",
                                                               .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Malformed"]),
        .testTarget(name: "DiagramsTests", dependencies: ["SourceFiles", "Diagrams", "SocketSim", "XMLCheck", "ScenarioLoading", "TraceQueries", "CourseModel", "SocklabTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "SiteBuilderTests", dependencies: ["SourceFiles", "SiteBuilder", "ScenarioLoading", "TraceQueries", "CourseModel", "XMLCheck", "CourseModelTestSupport"],
                    exclude: ["Golden", "Malformed"]),
        .testTarget(name: "GraderTests", dependencies: ["SourceFiles", "Grader", "ScenarioLoading", "TraceQueries", "CourseModel", "SocketSim", "CourseModelTestSupport"],
                    exclude: ["Fixtures", "Malformed"]),
        .testTarget(name: "ClassReportTests", dependencies: ["SourceFiles", "ClassReport", "Grader", "ScenarioLoading", "TraceQueries", "CourseModel", "SocketSim", "XMLCheck", "SocklabTestSupport"],
                    exclude: ["Golden", "Fixtures"]),
        // Depends on the command it runs, so `swift test` always builds a current `socklab` first.
        .testTarget(name: "SocklabCLITests", dependencies: ["socklab", "SocklabTestSupport"]),
        .testTarget(name: "FuzzHarnessTests", dependencies: ["SourceFiles", "FuzzHarness", "ScenarioLoading", "TraceQueries", "CourseModel"],
                    exclude: ["Regressions"]),
    ]
)

for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + crossModule
}

// The libFuzzer executables, one per FuzzTarget, only when SOCKLAB_FUZZ=1 (scripts/fuzz builds them with
// `--sanitize=fuzzer` in .build-fuzz), so a normal build neither compiles nor links them.
if Context.environment["SOCKLAB_FUZZ"] == "1" {
    for name in ["scenario", "expression", "answers", "exercise", "content"] {
        package.targets.append(.executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzHarness"], path: "Fuzz/\(name)"))
    }
}
