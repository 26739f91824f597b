import CYaml

/// The limits every YAML text is held to before Yams builds a tree of it.
///
/// Yams composes recursively (a deeply nested document overflows the stack of a grading thread) and
/// checks each mapping for duplicate keys by hashing them, so a key that is an alias of an alias of
/// … (a "billion laughs" of a few hundred bytes) costs exponential time and memory inside `compose`,
/// before any caller could look at the tree. The check therefore runs first, on libyaml's event
/// stream: no tree, no recursion, one pass, constant memory but for the anchors' sizes. It counts
/// every alias as the nodes it stands for, so what it lets through is small once expanded, whatever
/// a later reader does with it.
public struct YAMLBudget: Sendable {
    /// Nesting of sequences and mappings, aliases expanded. Content and answer files need fewer
    /// than ten levels.
    public var maxDepth: Int
    /// Nodes, aliases expanded. The chapter's largest file has under a thousand.
    public var maxNodes: Int

    public init(maxDepth: Int = 64, maxNodes: Int = 100_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    public static let standard = YAMLBudget()

    /// Throws the first limit the text passes, located at the node that passed it. Syntax errors
    /// are not this check's business: it stops at the first one and leaves the message to Yams.
    public func check(_ text: String, file: String) throws(DiagnosticError) {
        var problem: Diagnostic?
        var text = text
        text.withUTF8 { bytes in problem = firstProblem(in: bytes, file: file) }
        if let problem { throw DiagnosticError(problem) }
    }

    private struct Open {
        var anchor: String?
        var nodesBefore: Int
        /// The greatest height among the collection's children so far (a scalar's is 0, a
        /// collection's is one more than its children's).
        var childHeight = 0
    }

    private func firstProblem(in bytes: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)

        var nodes = 0
        var open: [Open] = []
        /// Nodes and height of every anchored node seen so far (a scalar's height is 0).
        var anchors: [String: (nodes: Int, height: Int)] = [:]

        func at(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
        func tooDeep(_ mark: yaml_mark_t) -> Diagnostic {
            Diagnostic(at: at(mark), id: .yamlTooDeep,
                       "the document nests lists and mappings more than \(maxDepth) levels deep (aliases expanded)")
        }
        func tooLarge(_ mark: yaml_mark_t) -> Diagnostic {
            Diagnostic(at: at(mark), id: .yamlTooManyNodes,
                       "the document has more than \(maxNodes) values (aliases expanded)",
                       notes: ["anchors and aliases (&name, *name) count once for every place they are used"])
        }
        /// A finished child of `height`: its collection is at least one level higher.
        func closed(height: Int) {
            if !open.isEmpty { open[open.count - 1].childHeight = max(open[open.count - 1].childHeight, height) }
        }

        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let mark = event.start_mark
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                nodes += 1
                if let a = event.data.scalar.anchor { anchors[String(cString: a)] = (1, 0) }
                closed(height: 0)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                nodes += 1
                let a = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                open.append(Open(anchor: a.map { String(cString: $0) }, nodesBefore: nodes - 1))
                if open.count > maxDepth { return tooDeep(mark) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let done = open.popLast() else { return nil }
                let height = done.childHeight + 1
                if let a = done.anchor { anchors[a] = (nodes - done.nodesBefore, height) }
                closed(height: height)
            case YAML_ALIAS_EVENT:
                guard let name = event.data.alias.anchor.map({ String(cString: $0) }), let target = anchors[name] else {
                    // An undefined alias: Yams reports it.
                    return nil
                }
                nodes += target.nodes
                if open.count + target.height > maxDepth { return tooDeep(mark) }
                closed(height: target.height)
            default:
                break
            }
            if nodes > maxNodes { return tooLarge(mark) }
        }
    }
}
