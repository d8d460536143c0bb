import KeywardCore

/// Reads one entry of `exceptions:`. Every field is required: an exception without a
/// justification, an approver or an end date is exactly what auditors flag.
enum ExceptionReader {
    static func read(_ node: PolicyNode, ruleIDs: Set<String>) throws -> PolicyException {
        let members = Dictionary(try node.members(allowed: ["id", "rule", "keys", "justification", "approver", "expires"]),
                                 uniquingKeysWith: { first, _ in first })
        func required(_ key: String) throws -> PolicyNode {
            guard let value = members[key] else { throw node.error("an exception needs \"\(key)\"") }
            return value
        }
        let ruleNode = try required("rule")
        let rule = try ruleNode.string()
        guard ruleIDs.contains(rule) else {
            throw ruleNode.error("no rule has the id \"\(rule)\"; rules are: \(ruleIDs.sorted().joined(separator: ", "))")
        }
        let keys = try required("keys").strings()
        guard !keys.isEmpty else { throw try required("keys").error("list at least one key") }
        let expiresNode = try required("expires")
        guard let expires = Timestamp(iso8601: try expiresNode.string()) else {
            throw expiresNode.error("expected a date such as 2027-03-31 or 2027-03-31T00:00:00Z")
        }
        return PolicyException(
            id: try required("id").string(), rule: rule, keys: keys.map(GlobPattern.init),
            justification: try required("justification").string(), approver: try required("approver").string(),
            expiresAt: expires)
    }
}
