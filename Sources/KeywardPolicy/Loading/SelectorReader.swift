import KeywardCore

/// Reads `select:` and `exclude:` blocks. Unknown providers, kinds or statuses are errors: a
/// selector that silently matches nothing would disable its rule.
enum SelectorReader {
    /// `exclude:` takes one selector or a list of them; a credential any of them matches is left out.
    static func readList(_ node: PolicyNode) throws -> [InventorySelector] {
        guard case .sequence = node.node else { return [try read(node)] }
        return try node.elements().map(read)
    }

    static func read(_ node: PolicyNode) throws -> InventorySelector {
        var selector = InventorySelector()
        for (key, value) in try node.members(allowed: ["provider", "kind", "environment", "owner", "scope", "tag", "status"]) {
            switch key {
            case "provider":
                selector.providers = Set(try value.strings().map { text in
                    guard let provider = InventoryProvider(rawValue: text.lowercased()) else {
                        throw value.error("unknown provider \"\(text)\"; use \(InventoryProvider.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return provider
                })
            case "kind":
                selector.kinds = Set(try value.strings().map { text in
                    guard let kind = CredentialKind(rawValue: text.lowercased()) else {
                        throw value.error("unknown kind \"\(text)\"; use \(CredentialKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return kind
                })
            case "status":
                selector.statuses = Set(try value.strings().map { text in
                    guard let status = InventoryStatus(rawValue: text.lowercased()) else {
                        throw value.error("unknown status \"\(text)\"; use \(InventoryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return status
                })
            case "environment":
                selector.environments = try value.strings().map(GlobPattern.init)
            case "owner":
                selector.owners = try value.strings().map(GlobPattern.init)
            case "scope":
                selector.scopes = try value.strings().map(GlobPattern.init)
            default:
                guard case .mapping(let mapping) = value.node else { throw value.error("expected tag names with their values, e.g. tag: {team: payments}") }
                for (name, accepted) in mapping {
                    guard let tag = name.scalar?.string, !tag.isEmpty else { throw value.error("tag names must be plain text", at: name.mark) }
                    selector.tags[tag] = try value.child(accepted, tag).strings().map(GlobPattern.init)
                }
            }
        }
        return selector
    }
}
