internal import CLibXML2

/// Well-formedness checking for the SVG and XHTML that SockLab emits.
///
/// FoundationXML on Linux parses in recover mode (it repairs broken markup without a word and
/// crashes on an empty string), so it cannot tell us our output is broken. libxml2 in strict mode
/// can, with exact lines and columns.
public enum XMLCheck {
    /// Every problem libxml2 reports for `xml`; an empty array means the document is well-formed.
    ///
    /// Warnings count as problems too: the documents we check are our own output and should be
    /// clean, and some real mistakes (an undefined `&nbsp;` in a document whose DOCTYPE names an
    /// external DTD) are only warnings to libxml2. The parse never touches the network
    /// (`XML_PARSE_NONET`) and never loads external DTDs. Safe to call from several threads at
    /// once: each call has its own parser context and collects its errors through that context,
    /// not through libxml2's global handler.
    public static func problems(in xml: String) -> [XMLProblem] {
        libxmlInitialized.touch()
        if xml.utf8.isEmpty {
            // libxml2 refuses to create a context for zero bytes; say what it would have said.
            return [XMLProblem(line: 1, column: 1, message: "Document is empty")]
        }
        guard xml.utf8.count <= Int(Int32.max) else {
            return [XMLProblem(line: 0, column: 0, message: "Document is larger than 2 GiB")]
        }
        let parseBytes = { (bytes: UnsafeBufferPointer<UInt8>) -> [XMLProblem] in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                parse(chars.baseAddress!, count: Int32(chars.count))
            }
        }
        // Native strings are contiguous UTF-8 already; only bridged ones need a copy.
        return xml.utf8.withContiguousStorageIfAvailable(parseBytes)
            ?? Array(xml.utf8).withUnsafeBufferPointer(parseBytes)
    }

    /// Whether `xml` is well-formed, with no warnings either.
    public static func isWellFormed(_ xml: String) -> Bool {
        problems(in: xml).isEmpty
    }

    private static func parse(_ bytes: UnsafePointer<CChar>, count: Int32) -> [XMLProblem] {
        guard let context = xmlCreateMemoryParserCtxt(bytes, count) else {
            return [XMLProblem(line: 0, column: 0, message: "libxml2 could not create a parser")]
        }
        defer {
            if let document = context.pointee.myDoc {
                xmlFreeDoc(document)
                context.pointee.myDoc = nil
            }
            xmlFreeParserCtxt(context)
        }
        let collector = ProblemCollector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }

        // The handler is the context's own, not libxml2's global one, and it finds this call's
        // collector through the context: `_private` is the field libxml2 promises never to touch.
        context.pointee._private = unmanaged.toOpaque()
        context.pointee.sax.pointee.serror = collectProblem
        _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))

        let status = xmlParseDocument(context)
        var problems = collector.problems
        if problems.isEmpty && (status != 0 || context.pointee.wellFormed == 0) {
            // Should not happen, but a silent failure would read as "well-formed".
            problems.append(XMLProblem(line: 0, column: 0, message: "libxml2 rejected the document without a message"))
        }
        return problems
    }
}

/// Holds the problems of one parse; reached from the C callback through the context's `_private`.
private final class ProblemCollector {
    var problems: [XMLProblem] = []
}

/// The structured error handler installed on each parser context.
private func collectProblem(_ userData: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    // The error names its parser context; `userData` is the same context in every path libxml2
    // 2.9 takes, so it is only the fallback.
    guard let error, let raw = error.pointee.ctxt ?? userData else { return }
    let context = raw.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let box = context.pointee._private else { return }
    let collector = Unmanaged<ProblemCollector>.fromOpaque(box).takeUnretainedValue()
    var message = error.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error"
    while message.last?.isNewline == true || message.last == " " {
        message.removeLast()
    }
    collector.problems.append(XMLProblem(line: Int(error.pointee.line),
                                         column: Int(error.pointee.int2),
                                         message: message))
}

/// Runs `xmlInitParser` once, before any parse.
///
/// libxml2 asks for this to be called from one thread before parsing from several; a lazily
/// initialised static gives exactly that.
private struct LibXMLInitializer: Sendable {
    init() { xmlInitParser() }
    func touch() {}
}

private let libxmlInitialized = LibXMLInitializer()
