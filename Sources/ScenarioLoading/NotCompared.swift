/// A value carried along but not part of its owner's identity: `==` holds for any two and it adds
/// nothing to a hash. For the caches a value holds: a run of the same text is the same run,
/// whichever cache it fills, and the owner keeps its synthesised `Hashable`.
@propertyWrapper
public struct NotCompared<Value: Sendable>: Hashable, Sendable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public static func == (_: NotCompared, _: NotCompared) -> Bool { true }

    public func hash(into _: inout Hasher) {}
}
