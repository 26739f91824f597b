import CourseModel
import SocketSim

/// A student's answer read as the question's kind asks.
enum ReadAnswer: Hashable, Sendable {
    case integer(Int)
    case never
    case boolean(Bool)
    case word(String)
    case state(TCPState)
    case list([String])
    case counts([String: Int])
}

/// Reading answers and comparing them with keys, one rule per question kind.
enum Marking {
    /// Reads an answer for a kind; nil with a Korean reason when it cannot be read.
    static func read(_ raw: RawAnswer, as kind: QuestionKind, choices: [String]) -> Result<ReadAnswer, Unreadable> {
        switch kind {
        case .integer:
            guard case .scalar(let s) = raw else { return .failure(.init(hint: "정수 하나(예: 500) 또는 never")) }
            if let v = integer(s) { return .success(.integer(v)) }
            if isNever(s) { return .success(.never) }
            return .failure(.init(hint: "정수 하나(예: 500) 또는 never"))
        case .yesno:
            guard case .scalar(let s) = raw, let b = AnswerValue.parseBoolean(s) else { return .failure(.init(hint: "yes 또는 no (예/아니요)")) }
            return .success(.boolean(b))
        case .choice:
            guard case .scalar(let s) = raw, let c = choices.first(where: { $0 == s }) ?? Self.choice(s, in: choices) else {
                return .failure(.init(hint: "다음 중 하나: \(choices.joined(separator: ", "))"))
            }
            return .success(.word(c))
        case .state:
            guard case .scalar(let s) = raw, let st = TCPState(spelling: s) else { return .failure(.init(hint: "TCP 상태 이름(예: ESTABLISHED, TIME_WAIT)")) }
            return .success(.state(st))
        case .list:
            switch raw {
            case .list(let items): return .success(.list(items.map(normalizeItem).filter { !$0.isEmpty }))
            case .scalar(let s):
                let parts = s.split(whereSeparator: { $0 == "," || $0 == "→" || $0 == ">" || $0 == "\n" }).map { normalizeItem(String($0)) }
                return .success(.list(parts.filter { !$0.isEmpty }))
            default: return .failure(.init(hint: "순서 있는 목록(예: [SYN, SYN+ACK, ACK])"))
            }
        case .counts:
            guard case .mapping(let m) = raw else { return .failure(.init(hint: "send별 바이트 수(예: {send 1: 300, send 2: 200})")) }
            var out: [String: Int] = [:]
            for (k, v) in m {
                guard let n = integer(v) else { return .failure(.init(hint: "send별 바이트 수(예: {send 1: 300, send 2: 200}); '\(k)'의 값이 정수가 아닙니다")) }
                if n != 0 { out[normalizeOrigin(k), default: 0] += n }
            }
            return .success(.counts(out))
        }
    }

    /// A choice written in other letter case.
    static func choice(_ s: String, in choices: [String]) -> String? {
        let l = s.lowercased()
        return choices.first { $0.lowercased() == l }
    }

    struct Unreadable: Error, Hashable {
        var hint: String
    }

    /// A key as the same reading would give it, so that answer and key compare directly.
    static func read(key: AnswerValue, as kind: QuestionKind) -> ReadAnswer {
        switch key {
        case .integer(let v): return kind == .choice ? .word(String(v)) : .integer(v)
        case .never: return .never
        case .boolean(let b): return .boolean(b)
        case .text(let t):
            if kind == .state, let s = TCPState(spelling: t) { return .state(s) }
            return .word(t)
        case .list(let items): return .list(items.map(normalizeItem))
        case .counts(let c): return .counts(Dictionary(uniqueKeysWithValues: c.filter { $0.value != 0 }.map { (normalizeOrigin($0.key), $0.value) }))
        }
    }

    /// The fraction of the points an answer earns against a key (0...1).
    static func credit(_ answer: ReadAnswer, key: ReadAnswer, tolerance: Int, partial: PartialCredit?) -> Double {
        switch (answer, key) {
        case (.integer(let a), .integer(let k)):
            return abs(a - k) <= tolerance ? 1 : 0
        case (.word(let a), .word(let k)):
            return a == k || a.lowercased() == k.lowercased() ? 1 : 0
        case (.list(let a), .list(let k)):
            if a == k { return 1 }
            guard let partial, !k.isEmpty else { return 0 }
            switch partial {
            case .prefix:
                let common = zip(a, k).prefix { $0 == $1 }.count
                return Double(common) / Double(max(k.count, a.count))
            case .position:
                let same = zip(a, k).filter { $0 == $1 }.count
                return Double(same) / Double(max(k.count, a.count))
            case .perKey:
                return 0
            }
        case (.counts(let a), .counts(let k)):
            let keys = Set(a.keys).union(k.keys)
            let right = keys.filter { abs((a[$0] ?? 0) - (k[$0] ?? 0)) <= tolerance }.count
            if right == keys.count { return 1 }
            return partial == .perKey && !keys.isEmpty ? Double(right) / Double(keys.count) : 0
        default:
            return answer == key ? 1 : 0
        }
    }

    static func integer(_ s: String) -> Int? {
        if let v = Int(s) { return v }  // the usual case, without any string work
        var t = s.trimmed().lowercased()
        for suffix in ["바이트", "bytes", "byte", "단계", "번째", "번", "b"] where t.hasSuffix(suffix) {
            t = String(t.dropLast(suffix.count)).trimmed()
            break
        }
        t = t.filter { $0 != "," && $0 != "_" && $0 != " " }
        return Int(t)
    }

    static func isNever(_ s: String) -> Bool {
        ["never", "none", "-", "없음", "반환하지 않음", "반환 안 됨", "반환되지 않음", "영원히", "inf", "∞"].contains(s.trimmed().lowercased())
    }

    /// `syn/ack`, `SYN-ACK`, `syn ack` -> `SYN+ACK`; state names to their canonical spelling.
    static func normalizeItem(_ s: String) -> String {
        let t = s.trimmed()
        if let st = TCPState(spelling: t) { return st.rawValue }
        return t.utf8.allSatisfy({ $0 < 0x80 }) ? asciiItem(t) : generalItem(t)
    }

    /// `normalizeItem` for ASCII text (segment names such as SYN+ACK), on bytes.
    static func asciiItem(_ t: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(t.utf8.count)
        for b in t.utf8 {
            switch b {
            case UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "&"):
                if let last = out.last, last != UInt8(ascii: "+") { out.append(UInt8(ascii: "+")) }
            case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(b - 32)
            default: out.append(b)
            }
        }
        while out.last == UInt8(ascii: "+") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// `normalizeItem` by Characters, for any text.
    static func generalItem(_ t: String) -> String {
        var out = ""
        for ch in t.uppercased() {
            if ch == "/" || ch == "-" || ch == " " || ch == "," || ch == "&" { if !out.hasSuffix("+") && !out.isEmpty { out.append("+") } }
            else { out.append(ch) }
        }
        while out.hasSuffix("+") { out.removeLast() }
        return out
    }

    /// `Send1`, `send #1`, `client  send 2` -> `send 1`, `client send 2`.
    static func normalizeOrigin(_ s: String) -> String {
        s.utf8.allSatisfy({ $0 < 0x80 }) ? asciiOrigin(s) : generalOrigin(s)
    }

    /// `normalizeOrigin` for ASCII text (as written almost always), on bytes.
    static func asciiOrigin(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        var lastWasDigit: Bool?
        for var b in s.utf8 {
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "#"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"):
                lastWasDigit = nil
                if let last = out.last, last != UInt8(ascii: " ") { out.append(UInt8(ascii: " ")) }
                continue
            default:
                if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { b += 32 }
                let digit = b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
                if let l = lastWasDigit, l != digit { out.append(UInt8(ascii: " ")) }
                out.append(b)
                lastWasDigit = digit
            }
        }
        if out.last == UInt8(ascii: " ") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// `normalizeOrigin` by Characters, for any text.
    static func generalOrigin(_ s: String) -> String {
        var words: [String] = []
        var current = ""
        var lastWasDigit: Bool?
        for ch in s.lowercased() {
            if ch == " " || ch == "#" || ch == "_" || ch == "-" || ch == "." || ch == ":" {
                if !current.isEmpty { words.append(current); current = "" }
                lastWasDigit = nil
                continue
            }
            let digit = ch.isNumber
            if let last = lastWasDigit, last != digit, !current.isEmpty { words.append(current); current = "" }
            current.append(ch)
            lastWasDigit = digit
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ")
    }
}
