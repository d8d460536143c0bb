/// A JSON value that remembers the line it starts on, so that a rejected element of an export
/// can be reported as `file:line` like a CSV row. ``StrictJSONParser`` makes them.
public struct LocatedJSON: Sendable {
    public enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([LocatedJSON])
        case object([String: LocatedJSON])
    }

    public var line: Int
    public var value: Value

    public init(line: Int, value: Value) {
        self.line = line
        self.value = value
    }

    public subscript(member: String) -> LocatedJSON? {
        if case .object(let members) = value { return members[member] }
        return nil
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    public var array: [LocatedJSON]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    public var object: [String: LocatedJSON]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// A name for the value's type, for error messages.
    public var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
