import KeywardCore

/// GitHub `GET /orgs/{org}/personal-access-tokens`: an array of fine-grained tokens granted to
/// the organisation (`id`, `owner.login`, `repository_selection`, `permissions`,
/// `access_granted_at`, `token_expired`, `token_expires_at`, `token_last_used_at`). Permissions
/// become scopes such as `repository:contents:write`; `repository_selection: all` adds
/// `repositories:all`, which the default policy treats as a wildcard. Members it does not read
/// are ignored, and so are `token_name` and `token_id` in a shape other than text.
///
/// A `{"organization": ORG, "tokens": […]}` document (what the `github` connector writes) names
/// the organisation: its tokens carry it as their account, and it speaks for that organisation
/// only, so syncing one organisation never marks another's tokens disappeared.
struct GitHubPATs {
    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        var organisations = Set<String>()
        for document in try JSONRecords.documents(of: bytes, file: context.file) {
            let organisation = document.object != nil ? document.descriptive("organization") : nil
            if let organisation { organisations.insert(organisation) }
            read(try JSONRecords.elements(in: [document], member: "tokens", file: context.file), organisation: organisation, context: &context)
        }
        let scope = DisappearanceScope(providers: [.github], kinds: [.personalAccessToken], accounts: organisations.isEmpty ? nil : organisations)
        return context.finish(scope: scope, findingRules: [])
    }

    private func read(_ elements: [LocatedJSON], organisation: String?, context: inout ImportContext) {
        JSONRecords.each(elements, identity: { try? $0["owner"]?.string("login") }, context: &context) { element, context throws(RowProblem) in
            let id = try element.requiredString("id")
            guard let ownerNode = element["owner"], ownerNode.object != nil else { throw RowProblem(field: "owner", reason: "is missing") }
            let login = try ownerNode.string("login")
            guard let login else { throw RowProblem(field: "owner.login", reason: "is missing") }
            let selection = try element.string("repository_selection")
            var scopes = try GitHubPATs.scopes(from: element["permissions"])
            if selection == "all" { scopes.append("repositories:all") }
            var attributes: [String: String] = [:]
            if let selection { attributes["repository_selection"] = selection }
            if let tokenID = element.descriptive("token_id") { attributes["token_id"] = tokenID }
            let expired = try element.bool("token_expired") ?? false
            let tokenName = element.descriptive("token_name")
            let granted = try element.time("access_granted_at")
            context.accept(InventoryRecord(
                naturalKey: "github:personal_access_token:\(id)", provider: .github, kind: .personalAccessToken,
                externalID: id, identity: login, account: organisation, name: tokenName ?? "\(login) token \(id)", owner: login,
                scopes: scopes.sorted(), createdAt: granted, lastRotatedAt: granted, lastUsedAt: try element.time("token_last_used_at"),
                expiresAt: try element.time("token_expires_at"), status: expired ? .expired : .active,
                attributes: attributes, firstSeenAt: context.now), line: element.line)
        }
    }

    /// `{"repository": {"contents": "write"}, "organization": {...}}` → `repository:contents:write`.
    static func scopes(from node: LocatedJSON?) throws(RowProblem) -> [String] {
        guard let node, !node.isNull else { return [] }
        guard let groups = node.object else { throw RowProblem(field: "permissions", reason: "expected an object") }
        var scopes: [String] = []
        for (group, permissions) in groups {
            guard let entries = permissions.object else { continue }
            for (permission, access) in entries {
                guard case .string(let level) = access.value else {
                    throw RowProblem(field: "permissions.\(group).\(permission)", reason: "expected read, write or admin")
                }
                scopes.append("\(group):\(permission):\(level)")
            }
        }
        return scopes
    }
}
