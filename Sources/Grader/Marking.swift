import CourseModel
import SocketSim
import TraceQueries

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
    /// Reads an answer for a kind, or says why it cannot be read (in Korean for the student, in
    /// English for the diagnostic).
    static func read(_ raw: RawAnswer, as kind: QuestionKind, choices: [String]) -> Result<ReadAnswer, Unreadable> {
        switch kind {
        case .integer:
            guard case .scalar(let s) = raw else { return .failure(.init(kind, choices)) }
            switch number(s) {
            case .success(let v): return .success(.integer(v))
            case .failure(let u):
                if isNever(s) { return .success(.never) }
                return .failure(u)
            }
        case .yesno:
            guard case .scalar(let s) = raw, let b = AnswerValue.parseBoolean(s) else { return .failure(.init(kind, choices)) }
            return .success(.boolean(b))
        case .choice:
            guard case .scalar(let s) = raw, let c = choices.first(where: { $0 == s }) ?? Self.choice(s, in: choices) else {
                return .failure(.init(kind, choices))
            }
            return .success(.word(c))
        case .state:
            guard case .scalar(let s) = raw, let st = TCPState(spelling: s) else { return .failure(.init(kind, choices)) }
            return .success(.state(st))
        case .list:
            switch raw {
            case .list(let items): return .success(.list(items.map(normalizeItem).filter { !$0.isEmpty }))
            case .scalar(let s):
                let parts = s.split(whereSeparator: { $0 == "," || $0 == "→" || $0 == ">" || $0 == "\n" }).map { normalizeItem(String($0)) }
                return .success(.list(parts.filter { !$0.isEmpty }))
            default: return .failure(.init(kind, choices))
            }
        case .counts:
            guard case .mapping(let m) = raw else { return .failure(.init(kind, choices)) }
            var out: [String: Int] = [:]
            for (k, v) in m {
                switch number(v) {
                case .failure(let u):
                    return .failure(.init(hint: "`send`별 바이트 수(예: `{send 1: 300, send 2: 200}`), 각 값은 정수",
                                          problem: "\(Text.quoted(k)) 항목의 값: \(u.problem)", range: u.range))
                case .success(let n):
                    // No overflow: at most 10^6 entries (a 1 MB file) of at most 2^40 each.
                    if n != 0 { out[normalizeOrigin(k), default: 0] += n }
                }
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
        /// How to write the answer (Korean, for feedback).
        var hint: String
        /// What is wrong with it (a Korean sentence, for the diagnostic).
        var problem: String
        /// Whether it was a number outside `integerRange`.
        var range = false

        init(hint: String, problem: String, range: Bool = false) {
            self.hint = hint
            self.problem = problem
            self.range = range
        }

        /// How to write a whole number, in Korean; the spelling a student types (`never`) stays as
        /// code. Not `[SYN, SYN+ACK, ACK]` for lists: an example must not be some question's key.
        static let integerHint = "정수 하나(예: `500`) 또는 `never`"

        /// The usual advice for a kind.
        init(_ kind: QuestionKind, _ choices: [String]) {
            switch kind {
            case .integer: self.init(hint: Self.integerHint, problem: "정수도 `never`도 아닙니다")
            case .yesno: self.init(hint: "`yes` 또는 `no`(`예`/`아니요`)", problem: "`yes`도 `no`도 아닙니다")
            case .choice: self.init(hint: "다음 중 하나: \(choices.map { "`\($0)`" }.joined(separator: ", "))", problem: "보기 가운데 어느 것도 아닙니다")
            case .state: self.init(hint: "TCP 상태 이름(예: `ESTABLISHED`, `TIME_WAIT`)", problem: "TCP 상태 이름이 아닙니다")
            case .list: self.init(hint: "대괄호 안에 쉼표로 나눈 순서 있는 목록(예: `[항목1, 항목2]`)", problem: "목록이 아닙니다")
            case .counts: self.init(hint: "`send`별 바이트 수(예: `{send 1: 300, send 2: 200}`)", problem: "`send` 호출별 바이트 수를 적은 매핑이 아닙니다")
            }
        }
    }

    /// The whole numbers an answer may hold. Every number in an answer file is read here and
    /// nowhere else, so no arithmetic on answers can overflow: sizes and counts in the chapter
    /// stay far below 2^40, and a difference or a sum of a million such numbers fits in an Int.
    static let integerRange = -(1 << 40)...(1 << 40)

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
            // Answers are within `integerRange`; a key comes from the simulation, so the
            // difference is computed without trapping whatever it is.
            let (d, overflow) = a.subtractingReportingOverflow(k)
            return !overflow && tolerance >= 0 && d.magnitude <= UInt(tolerance) ? 1 : 0
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
            let right = keys.filter { key in
                let (d, overflow) = (a[key] ?? 0).subtractingReportingOverflow(k[key] ?? 0)
                return !overflow && tolerance >= 0 && d.magnitude <= UInt(tolerance)
            }.count
            if right == keys.count { return 1 }
            return partial == .perKey && !keys.isEmpty ? Double(right) / Double(keys.count) : 0
        default:
            return answer == key ? 1 : 0
        }
    }

    static func integer(_ s: String) -> Int? { try? number(s).get() }

    /// A whole number as students write it: `500`, `-3`, `+7`, `1,000` or `1_000` (groups of three
    /// digits only), with a unit after it (`500바이트`, `4단계`, `500 bytes`). Nothing else: `40, 0`
    /// and `300 100` are unreadable, not 400 and 300100. Within `integerRange`.
    static func number(_ s: String) -> Result<Int, Unreadable> {
        let notNumber = Unreadable(hint: Unreadable.integerHint, problem: "정수가 아닙니다")
        var digits: Substring
        if let v = Int(s) {
            // The usual case, without any string work.
            return integerRange.contains(v) ? .success(v) : .failure(outOfRange(s))
        }
        let t = s.trimmed().lowercased()
        digits = Substring(t)
        for suffix in ["바이트", "bytes", "byte", "단계", "번째", "번", "b"] where t.hasSuffix(suffix) {
            digits = Substring(String(t.dropLast(suffix.count)).trimmed())
            break
        }
        var sign = ""
        if let f = digits.first, f == "-" || f == "+" { sign = String(f); digits = digits.dropFirst() }
        let separators: Set<Character> = [",", "_"]
        let groups = digits.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) })
        guard let first = groups.first, !first.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || separators.contains($0)) }),
              groups.count == 1 || (first.count <= 3 && groups.dropFirst().allSatisfy { $0.count == 3 }),
              Set(digits.filter { separators.contains($0) }).count <= 1 else { return .failure(notNumber) }
        let plain = sign + groups.joined()
        guard plain.utf8.count <= 20, let v = Int(plain) else { return .failure(outOfRange(s)) }
        return integerRange.contains(v) ? .success(v) : .failure(outOfRange(s))
    }

    static func outOfRange(_ s: String) -> Unreadable {
        Unreadable(hint: "\(integerRange.lowerBound)부터 \(integerRange.upperBound) 사이의 정수", 
                   problem: "답으로 쓸 수 있는 수의 범위(\(integerRange.lowerBound)부터 \(integerRange.upperBound)까지)를 벗어납니다", range: true)
    }

    /// The words read as `never` (the template lists them).
    static let neverSpellings = ["never", "none", "-", "없음", "반환하지 않음", "반환 안 됨", "반환되지 않음", "영원히", "inf", "∞"]

    static func isNever(_ s: String) -> Bool {
        neverSpellings.contains(s.trimmed().lowercased())
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
