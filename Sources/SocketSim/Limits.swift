/// A kind of number that scenarios, course files and `--set` name, with the range it must fall in.
///
/// Every number that reaches the simulator is read by `Quantity.read` into one of these ranges, so
/// the simulator's arithmetic never needs to check: with at most `WorkBudget.maxSteps` steps, each
/// moving at most `Limits.maxBytes` bytes and advancing the clock by at most `Limits.maxTimeStep`,
/// every byte counter and sequence number stays below 2^40 · 2^17 = 2^57 and the clock below
/// 2^35 · 2^17 = 2^52 milliseconds, far from `Int.max` (2^63 − 1). Numbers outside a range are
/// almost always typos; a message names the range so the author can see which.
public struct Quantity: Hashable, Sendable {
    /// What the number is, for messages: "a byte count", "a port number".
    public let noun: String
    public let range: ClosedRange<Int>
    /// Written as a duration (`30s`, `500ms`, `2min`, `1h` or bare milliseconds).
    public let isDuration: Bool

    public init(_ noun: String, _ range: ClosedRange<Int>, duration: Bool = false) {
        self.noun = noun
        self.range = range
        self.isDuration = duration
    }

    /// Byte counts of `send`, `recv` and `transfer`.
    public static let bytes = Quantity("a byte count", 0...Limits.maxBytes)
    /// SendQ and RecvQ sizes.
    public static let queueSize = Quantity("a queue size", 1...Limits.maxBytes)
    public static let mss = Quantity("a segment size", 1...65_535)
    public static let port = Quantity("a port number", 0...65_535)
    public static let backlog = Quantity("a backlog", 0...65_535)
    public static let descriptor = Quantity("a descriptor number", 0...65_535)
    /// `net: deliver N` and `net: drop N`.
    public static let segmentCount = Quantity("a segment count", 1...WorkBudget.standard.segments)
    public static let retransmissions = Quantity("a retransmission count", 0...30)
    /// `time: +…`.
    public static let timeStep = Quantity("a time step", 0...Limits.maxTimeStep, duration: true)
    public static let msl = Quantity("a duration", 0...86_400_000, duration: true)
    public static let rto = Quantity("a duration", 1...3_600_000, duration: true)
    public static let finWait2Timeout = Quantity("a duration", 0...86_400_000, duration: true)
    /// `let` names and course parameters the simulator does not read itself: they only feed other
    /// numbers, which have their own ranges, so this range only keeps them printable and summable.
    public static let value = Quantity("a number", -Limits.maxBytes...Limits.maxBytes)
    /// The same range written as a duration (a course parameter such as `msl` that the content uses
    /// only in prose).
    public static let durationValue = Quantity("a duration", 0...Limits.maxTimeStep, duration: true)

    /// Why a text is not a number of this quantity.
    public enum Failure: Error, Hashable, Sendable {
        /// Not a number (or duration) at all.
        case notANumber
        /// A number, but outside the range (`nil`: too large even to hold).
        case outOfRange(Int?)
    }

    /// Reads `text` (spaces around it allowed) as this quantity.
    public func read(_ text: some StringProtocol) -> Result<Int, Failure> {
        let t = text.trimmingSpaces()
        let value: Int?
        if isDuration {
            switch DurationText.read(t) {
            case .success(let v): value = v
            case .failure(let f): return .failure(f)
            }
        } else {
            guard Self.isInteger(t) else { return .failure(.notANumber) }
            value = Int(t)
        }
        guard let value else { return .failure(.outOfRange(nil)) }
        return check(value)
    }

    /// `value` if it is in range.
    public func check(_ value: Int) -> Result<Int, Failure> {
        range.contains(value) ? .success(value) : .failure(.outOfRange(value))
    }

    /// "must be a byte count from 0 to 1099511627776, got 2000000000000"
    public func rangeMessage(got: Int?) -> String {
        let shown = isDuration ? "\(range.lowerBound)ms to \(DurationText.format(range.upperBound))" : "\(range.lowerBound) to \(range.upperBound)"
        return "must be \(noun) from \(shown), got \(got.map(String.init) ?? "a number too large to hold")"
    }

    /// An optional sign and ASCII digits (what `Int.init` reads, without its other spellings).
    static func isInteger(_ t: String) -> Bool {
        var u = Substring(t).utf8[...]
        if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { u = u.dropFirst() }
        return !u.isEmpty && u.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// Sizes and times the ranges are built from.
public enum Limits {
    /// The largest byte count or queue size: 1 TiB.
    public static let maxBytes = 1 << 40
    /// The longest single time step: one year, in milliseconds.
    public static let maxTimeStep = 365 * 24 * 3_600_000
    /// The deepest `{expression}`: parentheses, unary minus and operator chains together.
    public static let maxExpressionDepth = 64
    /// The most hosts a scenario may declare.
    public static let maxHosts = 64
}

/// How much work one run may do before it is refused as "scenario too large".
///
/// Instructors' scenarios take a few dozen steps and segments; the limits are orders of magnitude
/// above that and low enough that no run takes more than seconds or holds more than a few hundred
/// MB. A run that goes over stops at once and says which limit it hit and at which step.
public struct WorkBudget: Hashable, Sendable {
    /// Steps in the scenario.
    public var steps: Int
    /// Segments the run creates (data, ACK, SYN, FIN, RST, retransmissions).
    public var segments: Int
    /// Timer firings (retransmission, TIME_WAIT, FIN_WAIT_2).
    public var timerFirings: Int
    /// Entries of the per-step snapshots taken together: each step counts every socket structure
    /// the run has made and every run of bytes in the queues shown (what a trace holds and prints).
    public var snapshotEntries: Int
    /// Rounds of TCP progress between steps (a safety net: every round also moves bytes or segments).
    public var rounds: Int

    public init(steps: Int, segments: Int, timerFirings: Int, snapshotEntries: Int, rounds: Int) {
        self.steps = steps
        self.segments = segments
        self.timerFirings = timerFirings
        self.snapshotEntries = snapshotEntries
        self.rounds = rounds
    }

    public static let maxSteps = 25_000

    public static let standard = WorkBudget(steps: maxSteps, segments: 1 << 22, timerFirings: 1 << 20,
                                            snapshotEntries: 1 << 23, rounds: 1 << 24)

    /// The budget of a run whose whole trace is kept (`Simulator.run(_:budget:)`: the site's figures
    /// and prose values, exercises' answer keys): the standard one with a quarter of a million
    /// segments. A kept trace holds every segment it made (about 1.4 KB each, measured in a site
    /// build), so the standard four million would let one course value (`sqs: 1073741824`) take
    /// more than 10 GB; a streamed run (`socklab simulate`) holds one step at a time and keeps the
    /// standard budget.
    public static let kept = WorkBudget(steps: maxSteps, segments: 1 << 18, timerFirings: standard.timerFirings,
                                        snapshotEntries: standard.snapshotEntries, rounds: standard.rounds)

    /// Which limit a run went over.
    public enum Limit: String, Hashable, Sendable {
        case steps, segments, timerFirings = "timer firings", snapshotEntries = "snapshot entries", rounds
    }

    /// A run that went over its budget: which limit, and the step it was in.
    public struct Exceeded: Error, Hashable, Sendable, CustomStringConvertible {
        public var limit: Limit
        public var allowed: Int
        /// 1-based step during which the limit was reached.
        public var step: Int

        public var description: String {
            "scenario too large: more than \(allowed) \(limit.rawValue) (reached during step \(step))"
        }
    }
}

extension DurationText {
    /// `30s`, `500ms`, `2min`, `1h`, or bare milliseconds; `.outOfRange(nil)` when it is too large
    /// to hold.
    static func read(_ text: String) -> Result<Int, Quantity.Failure> {
        let t = text.lowercased()
        let units: [(String, Int)] = [("ms", 1), ("min", 60_000), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        var number = t
        var factor = 1
        for (suffix, f) in units where t.hasSuffix(suffix) {
            number = t.dropLast(suffix.count).trimmingSpaces()
            factor = f
            break
        }
        guard Quantity.isInteger(number) else { return .failure(.notANumber) }
        guard let v = Int(number) else { return .failure(.outOfRange(nil)) }
        let (ms, overflow) = v.multipliedReportingOverflow(by: factor)
        return overflow ? .failure(.outOfRange(nil)) : .success(ms)
    }
}
