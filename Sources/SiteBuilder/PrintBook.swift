import CourseModel
import Diagrams
import SourceFiles

/// The printable book (`print.html`): the whole chapter on one page, sections in order with their
/// exercises (once: the collected exercise page is left out), then the extra pages, a page break
/// before each part, and each step-through figure as a few chosen frames.
///
/// Frames are chosen per figure: front matter names them (`print: [1, 4]`, 1-based frame numbers,
/// kept by the loader as the option `print`), otherwise the kind's default. A sequence chart or a
/// state diagram accumulates, so its last frame shows the whole story; a snapshot kind shows its
/// middle and last frames (the first is the emptiest, before most of the story: printing it cost a
/// page in six for little). The chosen frames are marked in every page, so printing any section
/// page prints the same frames. With these defaults and the print stylesheet the chapter prints
/// on at most 60 A4 pages (88 with first, middle and last frames and the screen layout).
enum PrintBook {
    static let path = "print.html"

    /// The 1-based frames printed for a figure of `count` frames.
    static func frames(kind: FigureKind, count: Int, option: String?, location: SourceLocation,
                       diagnostics: inout [Diagnostic]) -> Set<Int> {
        guard count > 0 else { return [] }
        if let option {
            var chosen = Set<Int>()
            for item in option.split(separator: ",") {
                let text = String(item).trimmingUnicodeWhitespace()
                guard let n = Int(text), (1...count).contains(n) else {
                    diagnostics.append(Diagnostic(at: location, id: .contentPrintFrame,
                                                  "print: '\(text)' is not a frame of this figure: give frame numbers from 1 to \(count)"))
                    continue
                }
                chosen.insert(n)
            }
            if !chosen.isEmpty { return chosen }
        }
        switch kind {
        case .sequence, .stateDiagram:
            return [count]
        case .socketStructure, .listener, .queues, .ring, .deadlock, .throughput, .segmentFormat:
            return count <= 2 ? Set(1...count) : [(count + 1) / 2, count]
        }
    }

    static func model(chapter: Chapter, parts: [(id: String, number: String, title: String, summary: String, content: String)],
                      parameters: String, solutions: Bool) -> PrintModel {
        PrintModel(lang: chapter.course.language, courseTitle: chapter.course.title, title: "\(chapter.course.title) (인쇄용)",
                   subtitle: chapter.course.subtitle, parameters: parameters,
                   parts: parts.map { PrintModel.Part(id: $0.id, number: $0.number.isEmpty ? nil : $0.number, title: $0.title,
                                                      summary: $0.summary, content: $0.content) },
                   solutions: solutions)
    }
}
