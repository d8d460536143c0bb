import KeywardCore

/// A JSON value that remembers the line it starts on, so that a rejected element of an export
/// can be reported as `file:line` like a CSV row.
struct LocatedJSON {
    enum Value {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([LocatedJSON])
        case object([String: LocatedJSON])
    }

    var line: Int
    var value: Value

    subscript(member: String) -> LocatedJSON? {
        if case .object(let members) = value { return members[member] }
        return nil
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    var array: [LocatedJSON]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    var object: [String: LocatedJSON]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// A name for the value's type, for error messages.
    var typeName: String {
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

/// Typed reads of an object's members that fail with the member's name, for row rejections.
extension LocatedJSON {
    func string(_ member: String) throws(RowProblem) -> String? {
        guard let node = self[member], !node.isNull else { return nil }
        switch node.value {
        case .string(let text): return text.isEmpty ? nil : text
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: throw RowProblem(field: member, reason: "expected a string, got \(node.typeName)")
        }
    }

    func requiredString(_ member: String) throws(RowProblem) -> String {
        guard let text = try string(member) else { throw RowProblem(field: member, reason: "is missing") }
        return text
    }

    func bool(_ member: String) throws(RowProblem) -> Bool? {
        guard let node = self[member], !node.isNull else { return nil }
        switch node.value {
        case .bool(let flag): return flag
        case .string: return try FieldValue.bool(try string(member), field: member)
        default: throw RowProblem(field: member, reason: "expected true or false, got \(node.typeName)")
        }
    }

    /// An ISO 8601 string, or a number of seconds since the epoch (the AWS API's raw JSON
    /// writes times that way; the AWS CLI prints strings).
    func time(_ member: String) throws(RowProblem) -> Timestamp? {
        if let node = self[member], case .number(let seconds) = node.value {
            guard seconds >= 0, seconds < 253_402_300_800 else { throw RowProblem(field: member, reason: "\(seconds) is not a time") }
            return Timestamp(millisecondsSinceEpoch: Int64((seconds * 1000).rounded()))
        }
        return try FieldValue.time(try string(member), field: member)
    }

    func strings(_ member: String) throws(RowProblem) -> [String] {
        guard let node = self[member], !node.isNull else { return [] }
        if case .string = node.value { return FieldValue.list(try string(member)) }
        guard let elements = node.array else { throw RowProblem(field: member, reason: "expected an array of strings, got \(node.typeName)") }
        return try elements.map { element throws(RowProblem) in
            guard case .string(let text) = element.value else {
                throw RowProblem(field: member, reason: "expected an array of strings, found \(element.typeName)")
            }
            return text
        }
    }
}


