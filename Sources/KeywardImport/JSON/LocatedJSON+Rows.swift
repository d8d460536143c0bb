import KeywardCore

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

    /// A member keyward only records (a name, a provider fact): its text when it is a string or
    /// a number, nil for any other shape. A provider that changes the shape of such a member
    /// must not cost the row: the credential, its identity and its dates still import.
    func descriptive(_ member: String) -> String? {
        try? string(member)
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


