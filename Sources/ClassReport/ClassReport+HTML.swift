import Foundation

extension ClassReport {
    /// The instructor's page, `index.html`: one self-contained XHTML file (the site's style sheet
    /// inlined, charts as inline SVG, no script), so it opens offline and can be mailed as is.
    /// Korean, like everything else people read in SockLab.
    ///
    /// - Parameters:
    ///   - style: the site's style sheet (`templates/assets/style.css`), which the command reads.
    ///   - courseTitle: shown above the heading.
    public func html(style: String, courseTitle: String) -> String {
        var b = HTMLBuilder()
        b.line("<!DOCTYPE html>")
        b.line(#"<html xmlns="http://www.w3.org/1999/xhtml" lang="ko" xml:lang="ko">"#)
        b.line("<head>")
        b.line(#"<meta charset="utf-8"/>"#)
        b.line(#"<meta name="viewport" content="width=device-width, initial-scale=1"/>"#)
        b.line(#"<meta name="color-scheme" content="light dark"/>"#)
        b.line("<title>반 전체 분석 · \(esc(courseTitle))</title>")
        // CDATA keeps the style sheet's characters from being read as markup in XHTML.
        b.line("<style>/*<![CDATA[*/\n\(style.replacingOccurrences(of: "]]>", with: "]] >"))\n\(Self.reportStyle)/*]]>*/</style>")
        b.line("</head>")
        b.line(#"<body class="page page-report">"#)
        b.line(##"<a class="skip" href="#main">본문으로 건너뛰기</a>"##)
        b.line(#"<div class="layout">"#)
        b.line(#"<nav class="toc" aria-label="차례"><p class="toc-title">반 전체 분석</p><ol>"#)
        for (id, title) in [("summary", "개요"), ("misconceptions", "다시 가르칠 오개념"), ("questions", "문항 분석"),
                            ("exercises", "연습문제별 점수"), ("copies", "베낀 답안 단서")] {
            b.line(##"<li><a href="#\##(id)">\##(title)</a></li>"##)
        }
        b.line("</ol></nav>")
        b.line(#"<main id="main">"#)
        b.line(#"<header class="page-header"><p class="course">\#(esc(courseTitle))</p><h1>반 전체 분석</h1>"#)
        b.line(#"<p class="summary">채점 결과에서 계산한 문항 통계, 오개념, 점수 분포입니다. 같은 채점 결과는 언제나 같은 보고서를 만듭니다.</p></header>"#)
        b.line(#"<article class="prose">"#)
        summarySection(&b)
        misconceptionSection(&b)
        questionSection(&b)
        exerciseSection(&b)
        copySection(&b)
        b.line("</article>")
        b.line(#"<footer class="site-footer"><p>같은 숫자가 report.json과 CSV 파일에도 있습니다. 학생에게 보여 주는 페이지가 아닙니다(정답이 들어 있습니다).</p></footer>"#)
        b.line("</main>")
        b.line("</div>")
        b.line("</body>")
        b.line("</html>")
        return b.text
    }

    static let reportStyle = """
    .report-table { border-collapse: collapse; font-size: 0.88rem; width: 100%; }
    .report-table th, .report-table td { border: 1px solid var(--rule); padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
    .report-table th { background: var(--panel); }
    .report-table td.n { text-align: right; font-variant-numeric: tabular-nums; }
    .table-wrap { overflow-x: auto; }
    .chart svg { display: block; width: 100%; height: auto; color: var(--fg); }
    .chart .bar { fill: var(--accent); }
    .chart .bar.alt { fill: var(--accent-2); }
    .chart text { fill: currentColor; font-size: 12px; }
    .chart .axis { stroke: var(--rule); }
    .flag { background: var(--accent-2); color: #fff; padding: 0 0.35rem; border-radius: 3px; font-size: 0.8rem; white-space: nowrap; }
    .lead { border-left: 4px solid var(--accent-2); background: var(--panel); padding: 0.6rem 1rem; margin: 1rem 0; }
    .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr)); gap: 0.5rem; margin: 1rem 0; }
    .stats div { background: var(--panel); border-radius: 6px; padding: 0.4rem 0.7rem; }
    .stats dt { color: var(--muted); font-size: 0.85rem; }
    .stats dd { margin: 0; font-size: 1.2rem; font-weight: 600; font-variant-numeric: tabular-nums; }
    .mini { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 1rem; }
    """

    // MARK: - Sections

    func summarySection(_ b: inout HTMLBuilder) {
        let s = summary
        b.line(#"<h2 id="summary">개요</h2>"#)
        b.line(#"<dl class="stats">"#)
        for (k, v) in [("답안 파일", "\(s.files)"), ("채점됨", "\(s.graded)"), ("채점 못 함", "\(s.errors)"),
                       ("만점", Self.number(s.maxScore)), ("평균", Self.number(s.mean)), ("중앙값", Self.number(s.median)),
                       ("표준편차", Self.number(s.standardDeviation)), ("최저–최고", "\(Self.number(s.minimum))–\(Self.number(s.maximum))")] {
            b.line("<div><dt>\(k)</dt><dd>\(esc(v))</dd></div>")
        }
        b.line("</dl>")
        b.line(#"<figure class="chart">"#)
        b.line(SVGChart.columns(s.histogram.map { ($0.label, $0.count) }, title: "총점 분포 (만점 대비 %, 학생 수)"))
        b.line("<figcaption>총점 분포: 만점의 10 %씩 나눈 구간마다 학생 수.</figcaption></figure>")
    }

    func misconceptionSection(_ b: inout HTMLBuilder) {
        b.line(#"<h2 id="misconceptions">다시 가르칠 오개념</h2>"#)
        let o = options
        b.line("<p>학생의 틀린 답이 오개념(모델의 변형)이 예측한 값과 정확히 같으면 그 오개념을 보인 것으로 셉니다. "
               + "한 학생이 예측이 있는 문항의 \(Int(o.consistentMinFraction * 100)) % 이상에서(적어도 \(o.consistentMinHits)문항) 그렇게 답했으면 "
               + "<strong>일관되게</strong> 보인 것이고, 채점된 학생의 \(Self.number(o.foundMinFraction * 100)) % 이상(적어도 \(o.foundMinStudents)명)이 "
               + "일관되게 보이면 다시 가르칠 내용으로 표시합니다.</p>")
        guard !misconceptions.isEmpty else {
            b.line("<p>이 연습문제들에는 오개념 예측이 없습니다.</p>")
            return
        }
        b.line(#"<figure class="chart">"#)
        b.line(SVGChart.rows(misconceptions.map { ($0.id, Double($0.consistentStudents), "\($0.consistentStudents)명", $0.found) },
                             maximum: Double(max(1, misconceptions.map(\.consistentStudents).max() ?? 1)), title: "오개념을 일관되게 보인 학생 수"))
        b.line("<figcaption>오개념마다 일관되게 보인 학생 수(강조: 다시 가르칠 내용).</figcaption></figure>")
        for m in misconceptions {
            b.line("<h3>\(esc(m.title)) <code>\(esc(m.id))</code>\(m.found ? #" <span class="flag">다시 가르치기</span>"# : "")</h3>")
            b.line("<p>\(esc(m.correction))</p>")
            b.line("<p>틀린 답을 이 오개념이 예측한 학생: <strong>\(m.students)명</strong>, 일관되게 보인 학생: <strong>\(m.consistentStudents)명</strong>.</p>")
            let shown = m.questions.filter { $0.students > 0 }
            if !shown.isEmpty {
                b.line(#"<div class="table-wrap"><table class="report-table"><thead><tr><th>문항</th><th>예측대로 답한 학생</th><th>예측이 있던 학생</th></tr></thead><tbody>"#)
                for q in shown.sorted(by: { $0.students != $1.students ? $0.students > $1.students : $0.column < $1.column }) {
                    b.line(#"<tr><td><code>\#(esc(q.column))</code></td><td class="n">\#(q.students)</td><td class="n">\#(q.opportunities)</td></tr>"#)
                }
                b.line("</tbody></table></div>")
            }
            if !m.topStudents.isEmpty {
                b.line("<p>가장 일관되게 보인 학생: " + m.topStudents.map { "<code>\(esc($0.student))</code> (\($0.hits)/\($0.opportunities))" }.joined(separator: ", ") + "</p>")
            }
        }
    }

    func questionSection(_ b: inout HTMLBuilder) {
        b.line(#"<h2 id="questions">문항 분석</h2>"#)
        b.line("<p><strong>정답률</strong>: 받은 점수의 평균을 배점으로 나눈 값(1이면 모두 맞음). "
               + "<strong>변별도 r</strong>: 이 문항 점수와 나머지 문항 총점의 상관계수(0.2 미만이면 잘하는 학생과 못하는 학생을 잘 가르지 못함, 음수면 문항을 점검). "
               + "<strong>D</strong>: 총점 상위 27 %와 하위 27 %의 정답률 차이. "
               + "<strong>변형 차이</strong>: 학생이 \(options.minVariantStudents)명 이상인 변형들 사이의 정답률 최대–최소 차이.</p>")
        b.line(#"<figure class="chart">"#)
        b.line(SVGChart.rows(questions.map { ($0.column, $0.difficulty, Self.number($0.difficulty), ($0.discrimination ?? 1) < 0.2) },
                             maximum: 1, title: "문항별 정답률"))
        b.line("<figcaption>문항별 정답률(강조: 변별도가 0.2 미만).</figcaption></figure>")
        b.line(#"<div class="table-wrap"><table class="report-table"><thead><tr><th>문항</th><th>배점</th><th>정답률</th><th>변별도 r</th><th>D</th><th>빈칸</th><th>읽을 수 없음</th><th>변형 수</th><th>변형 차이</th><th>주의</th></tr></thead><tbody>"#)
        for q in questions {
            var flags: [String] = []
            if let r = q.discrimination, r < 0 { flags.append("음의 변별도") } else if let r = q.discrimination, r < 0.2 { flags.append("변별도 낮음") }
            if let h = q.hardVariant { flags.append("어려운 변형: \(h)") }
            if q.students > 0 && Double(q.blank) >= 0.2 * Double(q.students) { flags.append("빈칸 많음") }
            let cells = [Self.number(q.points), Self.number(q.difficulty), q.discrimination.map { Self.number($0) } ?? "–",
                         q.upperLower.map { Self.number($0) } ?? "–", "\(q.blank)", "\(q.unreadable)", "\(q.variants.count)",
                         q.variantSpread.map { Self.number($0) } ?? "–"]
            b.line("<tr><td><code>\(esc(q.column))</code></td>" + cells.map { #"<td class="n">\#(esc($0))</td>"# }.joined()
                   + "<td>" + flags.map { #"<span class="flag">\#(esc($0))</span>"# }.joined(separator: " ") + "</td></tr>")
        }
        b.line("</tbody></table></div>")
    }

    func exerciseSection(_ b: inout HTMLBuilder) {
        b.line(#"<h2 id="exercises">연습문제별 점수</h2>"#)
        b.line(#"<div class="mini">"#)
        for e in exercises {
            b.line(#"<figure class="chart">"#)
            b.line(SVGChart.columns(e.distribution.map { (Self.number($0.score), $0.count) }, title: "\(e.id) 점수 분포", height: 160))
            b.line("<figcaption><code>\(esc(e.id))</code> \(esc(e.title)): 평균 \(Self.number(e.mean)) / \(Self.number(e.maxScore)), 중앙값 \(Self.number(e.median))</figcaption></figure>")
        }
        b.line("</div>")
    }

    func copySection(_ b: inout HTMLBuilder) {
        b.line(#"<h2 id="copies">베낀 답안 단서</h2>"#)
        b.line(#"<p class="lead"><strong>\#(esc(Self.copiesNote))</strong></p>"#)
        b.line("<p>연습문제 하나를 한 단위로 셉니다(한 연습문제의 문항들은 같은 시나리오를 쓰므로 함께 틀리기 쉽습니다). "
               + "우연히 일치할 확률은 이 반의 답에서 잽니다: 정답이 a인 학생들이 b라고 답하는 비율. 틀린 예/아니요 답은 늘 다른 변형의 정답이므로 증거가 되지 않습니다. "
               + "우연한 일치가 \(Self.number(options.copyInformativeChance * 100)) % 이하인 연습문제만 세어, 학생 A의 틀린 답이 학생 B 변형의 정답과 같은 연습문제가 "
               + "\(options.copyMinExercises)개 이상이고 우연 확률이 \(Self.scientific(options.copyAlpha)) ÷ (학생 쌍의 수) 이하일 때만 나열합니다. "
               + "오개념이 설명하는 틀린 답, 해설 페이지의 숫자(기본 변형의 정답)로 설명되는 쌍은 빼었습니다.</p>")
        if copies.isEmpty {
            b.line("<p>이런 쌍이 없습니다.</p>")
            return
        }
        for lead in copies {
            b.line("<h3><code>\(esc(lead.students[0]))</code> · <code>\(esc(lead.students[1]))</code></h3>")
            for f in lead.findings {
                b.line("<p><code>\(esc(f.student))</code>의 틀린 답이 <code>\(esc(f.variantOf))</code> 변형의 정답과 같은 연습문제: "
                       + "<strong>\(f.exercises)개</strong> (정답이 서로 다른 연습문제 \(f.comparableExercises)개 중; 우연이라면 기대값 \(Self.number(f.expectedByChance))개, "
                       + "이만큼 이상 일치할 확률 \(Self.scientific(f.chance))).</p>")
                b.line(#"<div class="table-wrap"><table class="report-table"><thead><tr><th>문항</th><th>\#(esc(f.student))의 답</th><th>\#(esc(f.variantOf)) 변형의 정답</th><th>\#(esc(f.student)) 변형의 정답</th></tr></thead><tbody>"#)
                for e in f.evidence {
                    b.line("<tr><td><code>\(esc(e.column))</code></td><td><code>\(esc(e.answer))</code></td><td><code>\(esc(e.theirKey))</code></td><td><code>\(esc(e.ownKey))</code></td></tr>")
                }
                b.line("</tbody></table></div>")
            }
        }
    }
}

/// Accumulates the page line by line.
struct HTMLBuilder {
    var text = ""
    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }
}

/// Text for XHTML: the five characters that could start or end markup, and control characters
/// (which XML does not allow) made visible.
func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n": out.unicodeScalars.append(u)
        default:
            if u.value < 0x20 || u.value == 0x7F || (0xFFFE...0xFFFF).contains(u.value) { out += "?" } else { out.unicodeScalars.append(u) }
        }
    }
    return out
}

/// Two small SVG charts, enough for distributions and per-item bars. Colours come from the
/// site's style sheet (classes), so the charts follow light and dark mode.
enum SVGChart {
    /// Vertical columns with a label under each and the count above.
    static func columns(_ data: [(label: String, count: Int)], title: String, height: Int = 220) -> String {
        let width = max(320, data.count * 64 + 40)
        let top = 22, bottom = 30, left = 20
        let plot = height - top - bottom
        let peak = max(1, data.map(\.count).max() ?? 1)
        let w = data.isEmpty ? 0 : (width - left - 10) / data.count
        var s = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="\#(esc(title))"><title>\#(esc(title))</title>"#
        s += #"<line class="axis" x1="\#(left)" y1="\#(top + plot)" x2="\#(width - 10)" y2="\#(top + plot)"/>"#
        for (i, d) in data.enumerated() {
            let h = d.count * plot / peak
            let x = left + i * w
            s += #"<rect class="bar" x="\#(x + 3)" y="\#(top + plot - h)" width="\#(max(1, w - 6))" height="\#(h)"/>"#
            s += #"<text x="\#(x + w / 2)" y="\#(top + plot - h - 4)" text-anchor="middle">\#(d.count)</text>"#
            s += #"<text x="\#(x + w / 2)" y="\#(height - 10)" text-anchor="middle">\#(esc(d.label))</text>"#
        }
        return s + "</svg>"
    }

    /// Horizontal bars, one row per item, scaled to `maximum`; `highlight` rows in the second colour.
    static func rows(_ data: [(label: String, value: Double, text: String, highlight: Bool)], maximum: Double, title: String) -> String {
        let rowHeight = 18, labelWidth = 300, barWidth = 360, width = labelWidth + barWidth + 70
        let height = max(1, data.count) * rowHeight + 10
        var s = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="\#(esc(title))"><title>\#(esc(title))</title>"#
        for (i, d) in data.enumerated() {
            let y = 5 + i * rowHeight
            let w = maximum > 0 ? Int((min(max(d.value, 0), maximum) / maximum * Double(barWidth)).rounded()) : 0
            s += #"<text x="\#(labelWidth - 6)" y="\#(y + 13)" text-anchor="end">\#(esc(d.label))</text>"#
            s += #"<rect class="bar\#(d.highlight ? " alt" : "")" x="\#(labelWidth)" y="\#(y + 2)" width="\#(w)" height="\#(rowHeight - 5)"/>"#
            s += #"<text x="\#(labelWidth + w + 6)" y="\#(y + 13)">\#(esc(d.text))</text>"#
        }
        return s + "</svg>"
    }
}
