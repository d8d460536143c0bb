import KeywardCore

/// Reads one entry of `rules:`.
enum RuleReader {
    static let common: Set<String> = ["id", "check", "severity", "select", "exclude", "frameworks", "description", "grace"]

    static func read(_ node: PolicyNode) throws -> PolicyRule {
        guard case .mapping = node.node else { throw node.error("expected a rule: a mapping with id, check and severity") }
        let checkNode = try find("check", in: node)
        guard let checkName = PolicyCheck.Name(rawValue: try checkNode.string()) else {
            throw checkNode.error("unknown check \"\(try checkNode.string())\"; known checks: \(PolicyCheck.Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let members = try node.members(allowed: common.union(checkName.parameters))
        let settings = Dictionary(members, uniquingKeysWith: { first, _ in first })
        let id = try find("id", in: node).string()
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw try find("id", in: node).error("rule ids use letters, digits, '-', '_' and '.'")
        }
        let severityNode = try find("severity", in: node)
        guard let severity = FindingSeverity(rawValue: try severityNode.string()) else {
            throw severityNode.error("unknown severity; use one of \(FindingSeverity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let check = try readCheck(checkName, settings: settings, rule: node)
        var frameworks = checkName.frameworks
        if let list = settings["frameworks"] {
            for element in try list.elements() {
                guard let reference = FrameworkReference(try element.string()) else {
                    throw element.error("expected FRAMEWORK:ITEM such as CIS-AWS-7.0.0:2.12")
                }
                if !frameworks.contains(reference) { frameworks.append(reference) }
            }
        }
        return PolicyRule(
            id: id, check: check, severity: severity,
            selector: try settings["select"].map(SelectorReader.read) ?? .all,
            exclude: try settings["exclude"].map(SelectorReader.readList) ?? [],
            frameworks: frameworks, description: try settings["description"]?.string(),
            graceDays: try settings["grace"]?.days())
    }

    private static func find(_ key: String, in rule: PolicyNode) throws -> PolicyNode {
        guard case .mapping(let mapping) = rule.node else { throw rule.error("expected a mapping") }
        for (name, value) in mapping where name.scalar?.string == key { return rule.child(value, key) }
        throw rule.error("missing required setting \"\(key)\"")
    }

    private static func readCheck(_ name: PolicyCheck.Name, settings: [String: PolicyNode], rule: PolicyNode) throws -> PolicyCheck {
        func required(_ key: String) throws -> PolicyNode {
            guard let node = settings[key] else { throw rule.error("check \(name.rawValue) needs \"\(key)\"") }
            return node
        }
        switch name {
        case .maxAge: return .maxAge(days: try required("threshold").days())
        case .requiredExpiry: return .requiredExpiry
        case .maxLifetime: return .maxLifetime(days: try required("threshold").days())
        case .rotationInterval: return .rotationInterval(days: try required("threshold").days())
        case .unused: return .unused(days: try required("threshold").days())
        case .reviewInterval: return .reviewInterval(days: try required("threshold").days())
        case .requiredOwner: return .requiredOwner(registered: try settings["require_registered"]?.bool() ?? false)
        case .ownerDeparted: return .ownerDeparted
        case .sharedAcrossEnvironments: return .sharedAcrossEnvironments
        case .multipleActiveKeys:
            let max = try settings["max_keys"]?.integer() ?? 1
            guard max >= 1 else { throw try required("max_keys").error("max_keys must be at least 1") }
            return .multipleActiveKeys(max: max)
        case .requiredFields:
            let fields = try required("fields").elements().map { element in
                guard let field = InventoryField(rawValue: try element.string()) else {
                    throw element.error("unknown field; use one of \(InventoryField.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return field
            }
            guard !fields.isEmpty else { throw try required("fields").error("list at least one field") }
            return .requiredFields(fields)
        case .forbiddenAttributes:
            let node = try required("attributes")
            guard case .mapping(let mapping) = node.node, !mapping.isEmpty else {
                throw node.error("expected attribute names with forbidden values, e.g. attributes: {key_algorithm: [KEY_ALG_RSA_1024]}")
            }
            var attributes: [String: [GlobPattern]] = [:]
            for (name, values) in mapping {
                guard let attribute = name.scalar?.string, !attribute.isEmpty else { throw node.error("attribute names must be plain text", at: name.mark) }
                attributes[attribute] = try node.child(values, attribute).strings().map(GlobPattern.init)
            }
            return .forbiddenAttributes(attributes)
        case .forbiddenScopes:
            let patterns = try settings["scopes"]?.strings().map(GlobPattern.init) ?? []
            let wildcards = try settings["wildcards"]?.bool() ?? false
            guard !patterns.isEmpty || wildcards else { throw rule.error("check forbidden_scopes needs \"scopes\" or \"wildcards: true\"") }
            return .forbiddenScopes(patterns, wildcards: wildcards)
        }
    }
}
