import ArgumentParser
import ClassReport
import CourseModel
import Foundation
import Grader
import SourceFiles

/// `socklab report PATH... --out DIR`: grades the answer files and writes the class report.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade a class's answer files and write the instructor's class report.",
        discussion: """
        Writes DIR/index.html (one offline page with charts: item statistics, the misconceptions \
        behind the class's wrong answers, score distributions, leads on copied answers), \
        DIR/report.json with the same numbers, and CSV files (questions.csv, question-variants.csv, \
        misconceptions.csv, misconception-students.csv, exercises.csv, totals.csv, copies.csv). \
        The page shows keys: it is for instructors, not students. Every file is written atomically.
        """)

    @Argument(help: "Answer files or folders of answer files.")
    var paths: [String] = []

    @Option(help: "The folder to write the report into (created if needed).")
    var out: String

    @Option(help: "A roster (as for 'grade'); ids not in it are error rows.")
    var roster: String?

    @OptionGroup var folder: ContentFolder

    @Option(help: "The site's templates folder, whose assets/style.css the page inlines.")
    var templates: String = "templates"

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one answer file or folder, e.g. 'socklab report submissions/ --out report/'") }
        for p in paths where !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("'\(p)' does not exist")
        }
    }

    func run() throws {
        let content = try GradingContent.load(folder.content)
        let stylePath = URL(fileURLWithPath: templates).appendingPathComponent("assets/style.css").path
        let style = try report { () throws(DiagnosticError) in try readText(stylePath) }
        let roster = try self.roster.map(loadRoster)
        let grader = try content.grader(roster: roster?.ids)
        let graded = try report { () throws(DiagnosticError) in try grader.grade(Grade.readInputs(paths)) }
        let classReport = ClassReport(graded)
        var files: [(name: String, contents: String)] = [
            ("index.html", classReport.html(style: style, courseTitle: content.course.title)),
            ("report.json", try classReport.json()),
        ]
        files += classReport.csvFiles()
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create the folder \(out): \((error as NSError).localizedDescription)")
        }
        for f in files { try AtomicFile.write(f.contents, to: URL(fileURLWithPath: out).appendingPathComponent(f.name).path) }
        let s = classReport.summary
        print("report: \(s.graded) of \(s.files) files graded; \(classReport.misconceptions.filter(\.found).count) misconceptions to reteach, "
              + "\(classReport.copies.count) copy lead\(classReport.copies.count == 1 ? "" : "s"); wrote \(files.count) files to \(out)")
    }
}
