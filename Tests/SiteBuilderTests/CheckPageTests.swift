import CourseModel
import Foundation
import Testing
@testable import SiteBuilder

/// The student kit's offline checker: check.html and the answer schema it reads.
@Suite("The answer-file checker page")
struct CheckPageTests {
    static func catalog(_ tree: SourceTree) throws -> ExerciseCatalog {
        let files = try #require(Course.Files(tree: tree.files))
        return try #require(Course.load(files, caches: sharedCaches).course).catalog
    }

    /// Every string leaf of a JSON value, with the path of keys that leads to it.
    static func leaves(_ value: Any, path: [String] = []) -> [(path: [String], text: String)] {
        switch value {
        case let d as [String: Any]: return d.keys.sorted().flatMap { leaves(d[$0]!, path: path + [$0]) }
        case let a as [Any]: return a.flatMap { leaves($0, path: path) }
        case let s as String: return [(path, s)]
        default: return []
        }
    }

    @Test("the schema holds ids, kinds, choices and parameter names, and no key, query, prompt or explanation")
    func schemaHasNoAnswers() throws {
        let tree = try realTree()
        let built = SiteBuilder.build(tree, caches: sharedCaches)
        #expect(built.errors == [])
        let json = try #require(built.file(CheckPage.schemaJSON))
        let script = try #require(built.file(CheckPage.schemaScript))
        #expect(script == "window.SOCKLAB_SCHEMA = " + json.trimmingCharacters(in: .newlines).replacingOccurrences(of: "<", with: "\\u003c") + ";\n")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(schema.keys) == ["version", "course", "exercises", "kindNames", "spellings"])
        let exercises = try #require(schema["exercises"] as? [[String: Any]])
        for e in exercises {
            #expect(Set(e.keys) == ["id", "title", "parameters", "varies", "questions"])
            for q in try #require(e["questions"] as? [[String: Any]]) { #expect(Set(q.keys) == ["id", "kind", "kindName", "choices"]) }
        }

        let catalog = try Self.catalog(tree)
        #expect(exercises.count == catalog.exercises.count)
        let all = Self.leaves(schema)
        // Choices and the accepted spellings of states and yes/no are in it on purpose: every
        // student sees them, whatever their key.
        let open = all.filter { !$0.path.contains("choices") && !$0.path.contains("spellings") && !$0.path.contains("kindNames")
            && $0.path.last != "kindName" && $0.path.last != "kind" }
        var checked = 0
        for e in catalog.exercises {
            for q in e.questions {
                // A one-word query (`deadlock`, `outcome`) is also a word of ids; longer ones must not appear at all.
                // (`segments` is both a query and a question's id.)
                #expect(!all.contains { $0.path.last != "id" && $0.text == q.answer.text }, "\(e.id)/\(q.id): the query is in the schema")
                if q.answer.text.contains(" ") { #expect(!json.contains(q.answer.text), "\(e.id)/\(q.id): the query is in the schema") }
                let prompt = q.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
                if prompt.count > 8 { #expect(!json.contains(String(prompt.prefix(12))), "\(e.id)/\(q.id): the prompt is in the schema") }
                let explanation = q.explanation.trimmingCharacters(in: .whitespacesAndNewlines)
                if explanation.count > 8 { #expect(!json.contains(String(explanation.prefix(12))), "\(e.id)/\(q.id): the explanation is in the schema") }
            }
            for variant in [e.defaultVariant] + e.allVariants(limit: 16) {
                let key = try e.answerKey(for: variant)
                for q in e.questions {
                    guard let value = key.values[q.id] else { continue }
                    for shown in Set([value.korean, value.display]) {
                        #expect(!open.contains { $0.text == shown }, "\(e.id)/\(q.id): the key '\(shown)' is a value of the schema")
                        if shown.count >= 3 {
                            let holder = open.first { !$0.path.contains("title") && $0.text.contains(shown) }
                            #expect(holder == nil, "\(e.id)/\(q.id): the key '\(shown)' is in the schema at \(holder?.path ?? []): \(holder?.text ?? "")")
                        }
                        checked += 1
                    }
                }
                // No parameter value either: only names.
                for (name, v) in variant.values where v.description.count >= 2 {
                    #expect(!open.contains { $0.path.last == "parameters" && $0.text == v.description }, "\(e.id): value of \(name) in the schema")
                }
            }
        }
        #expect(checked > 200)
    }

    @Test("check.html is in the student build, in the table of contents, and loads the schema and the checker script")
    func pageIsBuilt() throws {
        let built = SiteBuilder.build(try realTree(), caches: sharedCaches)
        let page = try #require(built.file(CheckPage.path))
        #expect(page.contains("<input type=\"file\" id=\"answer-file\""))
        #expect(page.contains("<script src=\"answer-schema.js\"></script>"))
        #expect(page.contains("<script src=\"assets/check.js\"></script>"))
        #expect(page.contains("답안 파일 형식 검사"))
        #expect(built.file("assets/check.js") != nil)
        #expect(try #require(built.file("index.html")).contains("href=\"check.html\""))
        #expect(try #require(built.file("exercises.html")).contains("href=\"check.html\""))
        // No network: nothing on the page or in the script names a remote address.
        let script = try #require(built.file("assets/check.js"))
        for text in [page, script] {
            #expect(!text.contains("src=\"http") && !text.contains("href=\"http") && !text.contains("fetch(") && !text.contains("XMLHttpRequest"),
                    "the checker must work offline")
        }
    }
}
