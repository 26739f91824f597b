import Testing
import XMLCheck

/// One input and the problems libxml2 must report for it, by line and a fragment of the message.
struct XMLCase: CustomTestStringConvertible, Sendable {
    let name: String
    let xml: String
    /// (line, message fragment) for every problem, in order; empty means well-formed.
    let expected: [(line: Int, fragment: String)]

    var testDescription: String { name }
}

private let svgOpen = #"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">"#
private let xhtmlHead = """
    <!DOCTYPE html>
    <html xmlns="http://www.w3.org/1999/xhtml" lang="ko">
    <head><meta charset="utf-8"/><title>소켓</title></head>
    """

let wellFormedCases: [XMLCase] = [
    XMLCase(name: "minimal SVG", xml: "\(svgOpen)</svg>", expected: []),
    XMLCase(name: "SVG with an XML declaration and escaped text",
            xml: """
            <?xml version="1.0" encoding="UTF-8"?>
            \(svgOpen)
              <text x="2" y="20">send &amp; recv &lt; 2000 &#160;bytes</text>
            </svg>
            """,
            expected: []),
    XMLCase(name: "Korean text in an SVG text element",
            xml: """
            \(svgOpen)
              <text x="2" y="20" font-family="Noto Sans CJK KR">송신 버퍼가 가득 찼습니다</text>
            </svg>
            """,
            expected: []),
    XMLCase(name: "XHTML5 with the bare html DOCTYPE",
            xml: """
            \(xhtmlHead)
            <body><p>a&#160;b &amp; c</p><script>if (1 &lt; 2) {}</script></body>
            </html>
            """,
            expected: []),
    XMLCase(name: "XHTML5 with inline SVG in its own namespace",
            xml: """
            \(xhtmlHead)
            <body>\(svgOpen)<rect width="10" height="10"/></svg></body>
            </html>
            """,
            expected: []),
]

let malformedCases: [XMLCase] = [
    XMLCase(name: "empty input", xml: "", expected: [(1, "empty")]),
    XMLCase(name: "whitespace only", xml: "  \n ", expected: [(2, "Start tag expected")]),
    XMLCase(name: "unescaped ampersand",
            xml: """
            \(svgOpen)
              <text>send & recv</text>
            </svg>
            """,
            expected: [(2, "EntityRef")]),
    XMLCase(name: "mismatched tags",
            xml: """
            \(svgOpen)
              <g>
                <text>x</g>
            </svg>
            """,
            expected: [(3, "Opening and ending tag mismatch: text line 3 and g"),
                       (4, "Opening and ending tag mismatch: g line 2 and svg"),
                       (4, "Premature end of data in tag svg line 1")]),
    XMLCase(name: "unclosed tag at end of input",
            xml: """
            \(svgOpen)
              <g>
            """,
            expected: [(2, "Premature end of data in tag g line 2")]),
    XMLCase(name: "undefined entity nbsp in XHTML5",
            xml: """
            \(xhtmlHead)
            <body><p>a&nbsp;b</p></body>
            </html>
            """,
            expected: [(4, "Entity 'nbsp' not defined")]),
    XMLCase(name: "undefined entity nbsp with an external DTD that is never loaded",
            xml: """
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml">
            <body><p>a&nbsp;b</p></body>
            </html>
            """,
            expected: [(3, "Entity 'nbsp' not defined")]),
    XMLCase(name: "two root elements",
            xml: "\(svgOpen)</svg>\n\(svgOpen)</svg>",
            expected: [(2, "Extra content at the end of the document")]),
    XMLCase(name: "unquoted attribute",
            xml: "\(svgOpen)\n<rect width=10/>\n</svg>",
            expected: [(2, "AttValue"), (2, "attributes construct error"),
                       (2, "Couldn't find end of Start Tag rect line 2")]),
]

@Test(arguments: wellFormedCases)
func acceptsWellFormed(_ testCase: XMLCase) {
    #expect(XMLCheck.problems(in: testCase.xml) == [])
    #expect(XMLCheck.isWellFormed(testCase.xml))
}

@Test(arguments: malformedCases)
func reportsEveryProblemWithItsLine(_ testCase: XMLCase) {
    let problems = XMLCheck.problems(in: testCase.xml)
    #expect(problems.map(\.line) == testCase.expected.map(\.line), "\(problems)")
    for (problem, expected) in zip(problems, testCase.expected) {
        #expect(problem.message.contains(expected.fragment), "\(problem)")
        #expect(!problem.message.hasSuffix("\n"))
        #expect(problem.column >= 1)
    }
    #expect(!XMLCheck.isWellFormed(testCase.xml))
}

@Test func emptyInputIsAProblemNotACrash() {
    #expect(XMLCheck.problems(in: "") == [XMLProblem(line: 1, column: 1, message: "Document is empty")])
}

@Test func descriptionIsLineColonColumn() {
    #expect(XMLProblem(line: 3, column: 12, message: "oops").description == "3:12: oops")
}

/// A document that is broken, when `index` is odd, only by an entity named after `index` on a line
/// chosen from `index`: a problem that leaked from another call would show the wrong name or line.
private func numberedDocument(_ index: Int) -> (xml: String, expected: [XMLProblem]) {
    let brokenLine = 2 + index % 40
    var lines = [svgOpen]
    for line in 2...45 {
        let text = (index % 2 == 1 && line == brokenLine) ? "doc \(index) &e\(index);" : "doc \(index) 세그먼트 \(line)"
        lines.append("<text y=\"\(line)\">\(text)</text>")
    }
    lines.append("</svg>")
    guard index % 2 == 1 else { return (lines.joined(separator: "\n"), []) }
    let column = "<text y=\"\(brokenLine)\">doc \(index) &e\(index);".utf8.count + 1
    return (lines.joined(separator: "\n"),
            [XMLProblem(line: brokenLine, column: column, message: "Entity 'e\(index)' not defined")])
}

@Test func concurrentCallsEachGetExactlyTheirOwnProblems() async {
    let count = 200
    let results = await withTaskGroup(of: (Int, [XMLProblem]).self) { group in
        for index in 0..<count {
            group.addTask { (index, XMLCheck.problems(in: numberedDocument(index).xml)) }
        }
        var results: [Int: [XMLProblem]] = [:]
        for await (index, problems) in group {
            results[index] = problems
        }
        return results
    }
    #expect(results.count == count)
    for index in 0..<count {
        #expect(results[index] == numberedDocument(index).expected, "document \(index)")
    }
}
