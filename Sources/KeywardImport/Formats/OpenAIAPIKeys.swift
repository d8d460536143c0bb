import KeywardCore

/// OpenAI's Admin API key listings, as the API returns them: pages of
/// `GET /v1/organization/admin_api_keys` (objects `organization.admin_api_key`) and of
/// `GET /v1/organization/projects/{project_id}/api_keys` (objects
/// `organization.project.api_key`), each a `{"object": "list", "data": […], "has_more", …}`
/// page, several pages in one file (concatenated or in an array), or a bare array of keys.
///
/// A project key does not name its project in the API's answer, so each must carry it as
/// `project_id` (the `openai` connector adds it; by hand:
/// `jq '.data | map(. + {project_id: "proj_…"})'`). Keys: `id` (the external id), `name`,
/// `redacted_value`, `created_at` and `last_used_at` (epoch seconds), `expires_at`, and `owner`:
/// a user (`owner.user` of a project key, or the admin key's owner itself: `id`, `email`,
/// `name`) or a service account (`owner.service_account`). A user's e-mail becomes the record's
/// owner; the owner's id its identity; the project its account.
///
/// Natural key `openai:api_key:<id>`; scope: every OpenAI key (one organisation per connector).
struct OpenAIAPIKeys {
    static let adminObject = "organization.admin_api_key"

    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let elements = try JSONRecords.elements(of: bytes, member: "data", file: context.file)
        JSONRecords.each(elements, identity: { OpenAIAPIKeys.owner(of: $0)?.id }, context: &context) { element, context throws(RowProblem) in
            let id = try element.requiredString("id")
            let isAdmin = element.descriptive("object") == OpenAIAPIKeys.adminObject
            let project = try element.string("project_id")
            guard isAdmin || project != nil else {
                throw RowProblem(field: "project_id", reason: "is missing: a project API key must name its project (admin keys have object \(OpenAIAPIKeys.adminObject))")
            }
            guard let created = try element.time("created_at") else { throw RowProblem(field: "created_at", reason: "is missing") }
            let owner = OpenAIAPIKeys.owner(of: element)
            var attributes = ["key_type": isAdmin ? "admin" : "project"]
            if let owner {
                attributes["owner_type"] = owner.type
                if let name = owner.name { attributes["owner_name"] = name }
            }
            if let hint = element.descriptive("redacted_value") { attributes["redacted_value"] = hint }
            if let access = element.descriptive("owner_project_access") { attributes["owner_project_access"] = access }
            let name = element.descriptive("name")
            context.accept(InventoryRecord(
                naturalKey: "openai:api_key:\(id)", provider: .openai, kind: .apiKey, externalID: id, identity: owner?.id,
                account: project, name: name ?? "\(isAdmin ? "admin key" : "project key") \(id)", owner: owner?.email,
                createdAt: created, lastRotatedAt: created, lastUsedAt: try element.time("last_used_at"),
                expiresAt: try element.time("expires_at"), status: .active, attributes: attributes, firstSeenAt: context.now), line: element.line)
        }
        return context.finish(scope: DisappearanceScope(providers: [.openai], kinds: [.apiKey]), findingRules: [])
    }

    struct Owner {
        /// `user` or `service_account`.
        var type: String
        var id: String?
        var email: String?
        var name: String?
    }

    /// A project key's `owner.user` / `owner.service_account`, or an admin key's `owner` itself.
    static func owner(of element: LocatedJSON) -> Owner? {
        guard let node = element["owner"], node.object != nil else { return nil }
        let type = node.descriptive("type") ?? "user"
        let source = node[type].flatMap { $0.object != nil ? $0 : nil } ?? node
        return Owner(type: type, id: source.descriptive("id"), email: source.descriptive("email"), name: source.descriptive("name"))
    }
}
