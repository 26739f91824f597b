import Diagrams

/// A figure in a page: every frame's SVG inline, shown all in order without script, and stepped
/// through one at a time (previous / next / slider) by the page's small script.
enum FigureHTML {
    /// `printed`: the 1-based frames that print (the others carry `no-print`); all when empty.
    static func html(_ figure: Figure, label: String, caption: String, fileStem: String, printed: Set<Int> = []) -> String {
        let count = figure.frames.count
        var s = "<figure class=\"sim-figure\" id=\"fig-\(figure.id.xmlEscaped)\" data-frames=\"\(count)\">\n"
        s += "<div class=\"frames\">\n"
        for (i, frame) in figure.frames.enumerated() {
            let skipped = !printed.isEmpty && !printed.contains(i + 1)
            s += "<div class=\"frame\(skipped ? " no-print" : "")\" data-frame=\"\(i + 1)\">"
            if count > 1 || !frame.label.isEmpty {
                // The step is in the scenario's notation (explained by the caption's link): code.
                let (words, step) = frame.labelParts
                s += "<p class=\"frame-label\"><span class=\"frame-no\">\(i + 1)/\(count)</span> \(words.xmlEscaped)"
                s += (step.isEmpty ? "" : "<code>\(step.xmlEscaped)</code>") + "</p>"
            }
            s += "\n" + sized(stripDeclaration(frame.svg)) + "\n"
            s += "<p class=\"frame-file\"><a href=\"\(fileStem.xmlEscaped)-\(i + 1).svg\">SVG</a></p>"
            s += "</div>\n"
        }
        s += "</div>\n"
        if count > 1 {
            s += """
            <div class="stepper" hidden="hidden">\
            <button type="button" class="step-prev" aria-label="이전 단계">◀<span class="step-label"> 이전</span></button>\
            <input type="range" class="step-range" min="1" max="\(count)" value="1" aria-label="단계"/>\
            <button type="button" class="step-next" aria-label="다음 단계"><span class="step-label">다음 </span>▶</button>\
            <output class="step-pos">1 / \(count)</output>\
            </div>\
            <p class="step-live visually-hidden" aria-live="polite"></p>\n
            """
        }
        s += "<figcaption><span class=\"fig-label\">\(label.xmlEscaped)</span> \(caption.xmlEscaped)"
        s += " <a class=\"notation\" href=\"\(notationMarker)\">(그림 읽는 법)</a></figcaption>\n"
        if !figure.description.isEmpty {
            s += "<p class=\"fig-desc visually-hidden\">\(figure.description.xmlEscaped)</p>\n"
        }
        s += "</figure>"
        return s
    }

    /// Every caption links to where the step notation ("net: deliver", "→ 0 반환") is explained;
    /// the layout puts in that heading's address once it knows which page holds it.
    static let notationMarker = "#socklab-notation"

    /// An SVG inlined in XHTML must not carry its own XML declaration.
    static func stripDeclaration(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...]).trimmingUnicodeWhitespace()
    }

    /// The root element with its natural width as `--w`, so the stylesheet can draw it at that
    /// size on wide screens and never much below it on narrow ones (CSS cannot read an attribute).
    static func sized(_ svg: String) -> String {
        guard svg.hasPrefix("<svg "), let tagEnd = svg.firstIndex(of: ">"),
              let w = svg[..<tagEnd].range(of: " width=\""),
              let close = svg[w.upperBound..<tagEnd].firstIndex(of: "\"") else { return svg }
        let width = svg[w.upperBound..<close]
        return "<svg style=\"--w:\(width)\" " + svg.dropFirst("<svg ".count)
    }
}
