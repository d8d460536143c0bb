import KeywardCore

/// Anthropic's Admin API `GET /v1/organizations/api_keys`, as it answers: pages
/// `{"data": […], "has_more", "first_id", "last_id"}` (several in one file, concatenated or in an
/// array), or a bare array of keys. Keys: `id` (the external id), `name`, `workspace_id` (null:
/// the default workspace), `created_at` (RFC 3339), `created_by` (`{id, type}`), `status`
/// (`active`, `inactive`, `archived`, `expired`), `expires_at`, `partial_key_hint`.
///
/// `inactive` becomes `disabled` (it can be made active again), `archived` `revoked` (for good),
/// `expired` `expired`. The workspace is the record's account and the creator its identity and
/// `created_by` attribute; the Admin API does not say when a key was last used.
///
/// Natural key `anthropic:api_key:<id>`; scope: every Anthropic key (one organisation per
/// connector).
struct AnthropicAPIKeys {
    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let elements = try JSONRecords.elements(of: bytes, member: "data", file: context.file)
        JSONRecords.each(elements, identity: { $0["created_by"]?.descriptive("id") }, context: &context) { element, context throws(RowProblem) in
            let id = try element.requiredString("id")
            guard let created = try element.time("created_at") else { throw RowProblem(field: "created_at", reason: "is missing") }
            let status: InventoryStatus
            switch try element.string("status") {
            case "active"?: status = .active
            case "inactive"?: status = .disabled
            case "archived"?: status = .revoked
            case "expired"?: status = .expired
            case let other:
                throw RowProblem(field: "status", reason: "expected active, inactive, archived or expired, got \(other.map { "\"\($0.prefix(20))\"" } ?? "nothing")")
            }
            let creator = element["created_by"]?.descriptive("id")
            var attributes: [String: String] = [:]
            if let creator { attributes["created_by"] = creator }
            if let type = element["created_by"]?.descriptive("type") { attributes["created_by_type"] = type }
            if let hint = element.descriptive("partial_key_hint") { attributes["partial_key_hint"] = hint }
            let workspace = try element.string("workspace_id")
            attributes["workspace"] = workspace ?? "default"
            context.accept(InventoryRecord(
                naturalKey: "anthropic:api_key:\(id)", provider: .anthropic, kind: .apiKey, externalID: id, identity: creator,
                account: workspace, name: element.descriptive("name") ?? "API key \(id)", createdAt: created, lastRotatedAt: created,
                expiresAt: try element.time("expires_at"), status: status, attributes: attributes, firstSeenAt: context.now), line: element.line)
        }
        return context.finish(scope: DisappearanceScope(providers: [.anthropic], kinds: [.apiKey]), findingRules: [])
    }
}
