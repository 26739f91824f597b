import ArgumentParser
import CourseModel
import Foundation
import Grader
import SourceFiles

/// `socklab autograder gradescope` packs a Gradescope autograder; `socklab autograder run` is what
/// that autograder runs for each submission.
struct Autograder: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Package SockLab as a Gradescope autograder, and run it for one submission.",
        subcommands: [AutograderGradescope.self, AutograderRun.self])
}

/// Writes `autograder.zip`: setup.sh, run_autograder, a socklab binary that runs on Gradescope's
/// Ubuntu image, and the content it grades with.
struct AutograderGradescope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradescope",
        abstract: "Write a Gradescope autograder zip (setup.sh, run_autograder, socklab, content/).",
        discussion: """
        The binary must run on Gradescope's Ubuntu image: build it with scripts/autograder-binary \
        (swift build -c release --static-swift-stdlib in .build-static; it then needs only libxml2, \
        which setup.sh installs). The variant secret goes into the zip (SOCKLAB_SECRET, else \
        course.yaml's 'secret'): keep the zip private.
        """)

    static let defaultBinary = ".build-static/release/socklab"

    @Option(help: "Where to write the zip.")
    var out: String = "autograder.zip"

    @Option(help: "The socklab binary to pack (default: \(AutograderGradescope.defaultBinary), made by scripts/autograder-binary).")
    var binary: String = AutograderGradescope.defaultBinary

    @OptionGroup var folder: ContentFolder

    @OptionGroup var gradescope: GradescopeVisibility

    func validate() throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no socklab binary at '\(binary)': build one that runs on Gradescope with scripts/autograder-binary, or pass --binary PATH")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") else {
            throw ValidationError("/usr/bin/zip is missing: run scripts/install-deps (Debian package 'zip')")
        }
    }

    func run() throws {
        let loaded = try GradingContent.load(folder.content)  // refuses content with errors before packing it
        let secret = try loaded.secret()
        let fm = FileManager.default
        let stage = fm.temporaryDirectory.appendingPathComponent("socklab-autograder-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: stage) }
        let root = URL(fileURLWithPath: folder.content)
        do {
            try fm.createDirectory(at: stage.appendingPathComponent("content/scenarios"), withIntermediateDirectories: true)
            try fm.createDirectory(at: stage.appendingPathComponent("content/exercises"), withIntermediateDirectories: true)
            try fm.copyItem(atPath: root.appendingPathComponent("course.yaml").path, toPath: stage.appendingPathComponent("content/course.yaml").path)
            for folder in ["scenarios", "exercises"] {
                for path in try yamlFiles(in: root.appendingPathComponent(folder)) {
                    try fm.copyItem(atPath: path, toPath: stage.appendingPathComponent("content/\(folder)/\((path as NSString).lastPathComponent)").path)
                }
            }
            try fm.copyItem(atPath: binary, toPath: stage.appendingPathComponent("socklab").path)
            try Data(AutograderScripts.setup.utf8).write(to: stage.appendingPathComponent("setup.sh"))
            try Data(AutograderScripts.runAutograder(visibility: gradescope.visibility).utf8).write(to: stage.appendingPathComponent("run_autograder"))
            try Data((secret + "\n").utf8).write(to: stage.appendingPathComponent("secret"))
            for (name, mode) in [("socklab", 0o755), ("setup.sh", 0o755), ("run_autograder", 0o755), ("secret", 0o600)] {
                try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: stage.appendingPathComponent(name).path)
            }
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError("cannot prepare the autograder files: \((error as NSError).localizedDescription)")
        }
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        try AtomicFile.write(to: out) { (tmp: URL) in
            // Files at the root of the archive (Gradescope looks for setup.sh and run_autograder there);
            // -X leaves out extra file attributes, -y keeps nothing but files.
            let zip = Process()
            zip.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
            zip.arguments = ["-q", "-r", "-X", tmp.path, "setup.sh", "run_autograder", "socklab", "secret", "content"]
            zip.currentDirectoryURL = stage
            try zip.run()
            zip.waitUntilExit()
            guard zip.terminationStatus == 0 else {
                throw ValidationError("zip failed (exit \(zip.terminationStatus)) writing \(out)")
            }
        }
        let size = ((try? fm.attributesOfItem(atPath: outURL.path))?[.size] as? Int) ?? 0
        print("autograder: wrote \(out) (\(size >> 20) MB): setup.sh, run_autograder, socklab, secret, content/ (\(loaded.catalog.exercises.count) exercises)")
    }
}

/// The two scripts Gradescope needs, written into the zip.
enum AutograderScripts {
    static let setup = """
    #!/usr/bin/env bash
    # Gradescope runs this once, as root, while it builds the autograder image (Ubuntu).
    # socklab carries the Swift runtime (built with --static-swift-stdlib) and links only the
    # system's libxml2, and through it ICU; apt installs both (libxml2 depends on the right libicu).
    set -euo pipefail
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends libxml2
    chmod +x /autograder/source/socklab /autograder/source/run_autograder
    # Fails the image build now, with the loader's message, if a library is still missing.
    /autograder/source/socklab --help >/dev/null

    """

    /// Gradescope copies this to /autograder/run_autograder and runs it once per submission.
    /// Whatever happens, it leaves a results.json (a missing one shows as a failed autograder).
    static func runAutograder(visibility: GradeReport.Visibility) -> String {
        """
        #!/usr/bin/env bash
        # SockLab's Gradescope autograder: grades the submission's answer file against the keys
        # the simulation computes. The root is $AUTOGRADER_ROOT when set (for testing), else /autograder.
        root="${AUTOGRADER_ROOT:-/autograder}"
        source_dir="$root/source"
        results="$root/results/results.json"
        mkdir -p "$root/results"
        rm -f "$results"
        SOCKLAB_SECRET="$(cat "$source_dir/secret" 2>/dev/null || true)"
        export SOCKLAB_SECRET
        "$source_dir/socklab" autograder run --root "$root" --content "$source_dir/content" --visibility \(visibility.rawValue)
        status=$?
        if [[ ! -s "$results" ]]; then
            cat >"$results" <<'JSON'
        {"score": 0, "output": "채점기가 결과를 만들지 못했습니다. 강사에게 알려 주세요. (SockLab autograder failed)", "tests": []}
        JSON
        fi
        echo "socklab autograder run: exit $status"
        exit 0

        """
    }
}

/// Grades the one submission Gradescope put under ROOT/submission and writes ROOT/results/results.json.
struct AutograderRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Grade a Gradescope submission (ROOT/submission) into ROOT/results/results.json.",
        discussion: """
        The submitter comes from ROOT/submission_metadata.json: the answer file's 'student:' must be \
        one of the submitters' student id (sid), email or the part of the email before '@', else the \
        score is 0 with a message saying so. No answer file, several, or one with another name are \
        handled with a message; results.json is always written.
        """)

    @Option(help: "The autograder root (default: $AUTOGRADER_ROOT, else /autograder).")
    var root: String = ProcessInfo.processInfo.environment["AUTOGRADER_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "/autograder"

    @OptionGroup var folder: ContentFolder

    @OptionGroup var gradescope: GradescopeVisibility

    func run() throws {
        let start = Date()
        let rootURL = URL(fileURLWithPath: root)
        let results = rootURL.appendingPathComponent("results/results.json").path
        try? FileManager.default.createDirectory(at: rootURL.appendingPathComponent("results"), withIntermediateDirectories: true)
        func seconds() -> Int { Int(Date().timeIntervalSince(start).rounded(.up)) }
        func message(_ text: String) throws {
            try AtomicFile.write(try GradeReport.gradescopeMessage(text, visibility: gradescope.visibility, executionTime: seconds()), to: results)
        }
        let loaded: GradingContent
        let grader: Grader
        do {
            loaded = try GradingContent.load(folder.content)
            grader = try loaded.grader()
        } catch {
            try message("채점기 설정에 문제가 있어 채점하지 못했습니다. 강사에게 알려 주세요. (content: \(folder.content))")
            return
        }
        let submitters = Submitters.read(rootURL.appendingPathComponent("submission_metadata.json").path)
        let found = SubmissionFiles.find(in: rootURL.appendingPathComponent("submission").path)
        var notes: [String] = []
        let files: [String]
        switch found {
        case .answers(let paths): files = paths
        case .misnamed(let path):
            files = [path]
            notes.append("참고: 제출한 파일 '\((path as NSString).lastPathComponent)'의 이름이 .yaml로 끝나지 않지만 답안 파일로 읽었습니다. 다음에는 answers.yaml처럼 .yaml 이름으로 제출하세요.")
        case .none(let others):
            let list = others.isEmpty ? "(없음)" : others.map { "'\($0)'" }.joined(separator: ", ")
            try message("제출물에서 답안 파일(.yaml)을 찾지 못했습니다. 제출한 파일: \(list).\n'socklab template --student 학번 --out answers.yaml'로 만든 파일에 답을 적어 answers.yaml을 제출하세요.")
            return
        }
        let graded: GradeReport
        do throws(DiagnosticError) {
            graded = try grader.grade(Grade.readInputs(files))
        } catch {
            printDiagnostics(error.diagnostics)  // for the instructor, in Gradescope's stdout
            try message("채점기 설정에 문제가 있어 채점하지 못했습니다(정답을 계산할 수 없는 문항). 강사에게 알려 주세요.")
            return
        }
        guard let submitters else {
            try message("submission_metadata.json을 읽을 수 없어 제출한 사람을 확인하지 못했으므로 채점하지 않았습니다(0점). 강사에게 알려 주세요.")
            return
        }
        let matching = graded.results.filter { r in r.student.map(submitters.matches) ?? false }
        let name: (StudentResult) -> String = { ($0.file as NSString).lastPathComponent }
        guard let chosen = matching.first(where: { !$0.isError }) ?? matching.first else {
            if let other = graded.results.first(where: { $0.student != nil }) {
                try message("이 답안 파일의 student: '\(other.student!)'는 제출한 사람(\(submitters.description))이 아닙니다. 0점입니다.\n"
                            + "자기 학번으로 만든 답안 파일을 제출하세요: socklab template --student 학번 --out answers.yaml")
                return
            }
            // Nothing readable enough to name a student: the first file's problems.
            try AtomicFile.write(try graded.restricted(to: Array(graded.results.prefix(1))).gradescope(visibility: gradescope.visibility, executionTime: seconds(), notes: notes), to: results)
            return
        }
        if graded.results.count > 1 {
            notes.append("참고: 답안 파일이 \(graded.results.count)개 있습니다(\(graded.results.map { "'\(name($0))'" }.joined(separator: ", "))). '\(name(chosen))'만 채점했습니다.")
        }
        try AtomicFile.write(try graded.restricted(to: [chosen]).gradescope(visibility: gradescope.visibility, executionTime: seconds(), notes: notes), to: results)
    }
}

/// Who submitted, from Gradescope's submission_metadata.json (`users`: `email`, `id`, `name`,
/// and `sid` where the course roster has student ids).
struct Submitters: CustomStringConvertible {
    var ids: Set<String>
    var names: [String]

    static func read(_ path: String) -> Submitters? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 16 << 20,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let users = object["users"] as? [[String: Any]], !users.isEmpty else { return nil }
        var ids = Set<String>()
        var names: [String] = []
        for u in users {
            func text(_ key: String) -> String? {
                if let s = u[key] as? String, !s.trimmingCharacters(in: .whitespaces).isEmpty { return s.trimmingCharacters(in: .whitespaces) }
                if let n = u[key] as? NSNumber { return n.stringValue }
                return nil
            }
            if let sid = text("sid") { ids.insert(sid) }
            if let email = text("email") {
                ids.insert(email)
                if let at = email.firstIndex(of: "@") { ids.insert(String(email[..<at])) }
            }
            names.append([text("name"), text("sid") ?? text("email")].compactMap { $0 }.joined(separator: " "))
        }
        return Submitters(ids: ids, names: names)
    }

    func matches(_ student: String) -> Bool { ids.contains(student) }

    var description: String { names.joined(separator: ", ") }
}

/// The answer files of a submission folder.
enum SubmissionFiles {
    case answers([String])
    /// No *.yaml/*.yml/*.json file, but exactly one other small file: probably the answers under another name.
    case misnamed(String)
    /// Nothing to grade; the names of what was there.
    case none([String])

    static func find(in dir: String) -> SubmissionFiles {
        let fm = FileManager.default
        let all = (fm.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { rel in
            let parts = rel.split(separator: "/")
            guard !parts.contains(where: { $0.hasPrefix(".") || $0 == "__MACOSX" }) else { return false }
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: (dir as NSString).appendingPathComponent(rel), isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
        let answers = all.filter { rel in [".yaml", ".yml", ".json"].contains { rel.lowercased().hasSuffix($0) } }
        if !answers.isEmpty { return .answers(answers.map { (dir as NSString).appendingPathComponent($0) }) }
        if all.count == 1 { return .misnamed((dir as NSString).appendingPathComponent(all[0])) }
        return .none(all)
    }
}

/// `--visibility` takes Gradescope's own words (`visible`, `hidden`, `after_due_date`, `after_published`);
/// anything else is refused by the parser with the list, before any work.
extension GradeReport.Visibility: ExpressibleByArgument {}
