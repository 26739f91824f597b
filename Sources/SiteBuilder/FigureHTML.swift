import Diagrams

/// A figure in a page: every frame's SVG inline, shown all in order without script, and stepped
/// through one at a time (previous / next / slider) by the page's small script.
enum FigureHTML {
    static func html(_ figure: Figure, label: String, caption: String, fileStem: String) -> String {
        let count = figure.frames.count
        var s = "<figure class=\"sim-figure\" id=\"fig-\(figure.id.xmlEscaped)\" data-frames=\"\(count)\">\n"
        s += "<div class=\"frames\">\n"
        for (i, frame) in figure.frames.enumerated() {
            s += "<div class=\"frame\" data-frame=\"\(i + 1)\">"
            if count > 1 || !frame.label.isEmpty {
                s += "<p class=\"frame-label\"><span class=\"frame-no\">\(i + 1)/\(count)</span> \(frame.label.xmlEscaped)</p>"
            }
            s += "\n" + stripDeclaration(frame.svg) + "\n"
            s += "<p class=\"frame-file\"><a href=\"\(fileStem.xmlEscaped)-\(i + 1).svg\">SVG</a></p>"
            s += "</div>\n"
        }
        s += "</div>\n"
        if count > 1 {
            s += """
            <div class="stepper" hidden="hidden">\
            <button type="button" class="step-prev" aria-label="이전 단계">◀ 이전</button>\
            <input type="range" class="step-range" min="1" max="\(count)" value="1" aria-label="단계"/>\
            <button type="button" class="step-next" aria-label="다음 단계">다음 ▶</button>\
            <output class="step-pos">1 / \(count)</output>\
            </div>\n
            """
        }
        s += "<figcaption><span class=\"fig-label\">\(label.xmlEscaped)</span> \(caption.xmlEscaped)</figcaption>\n"
        if !figure.description.isEmpty {
            s += "<p class=\"fig-desc visually-hidden\">\(figure.description.xmlEscaped)</p>\n"
        }
        s += "</figure>"
        return s
    }

    /// An SVG inlined in XHTML must not carry its own XML declaration.
    static func stripDeclaration(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...]).trimmed()
    }
}
