import KeywardCore

/// A loaded policy: rules and exceptions, validated as a whole.
public struct Policy: Sendable, Equatable {
    public var name: String
    public var rules: [PolicyRule]
    public var exceptions: [PolicyException]

    public init(name: String, rules: [PolicyRule], exceptions: [PolicyException] = []) {
        self.name = name
        self.rules = rules
        self.exceptions = exceptions
    }
}
