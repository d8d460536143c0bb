import KeywardCore

/// A row of keyward's generic column set, read from a CSV row or a JSON object.
protocol GenericFields {
    func text(_ column: String) throws(RowProblem) -> String?
    /// A list: a JSON array, or one cell `a;b;c`.
    func list(_ column: String) throws(RowProblem) -> [String]
    /// Tags: a JSON object, or one cell `team=payments;tier=1`.
    func tags(_ column: String) throws(RowProblem) -> [String: String]
    var identityHint: String? { get }
}

/// keyward's generic inventory format, for every source without an importer of its own. Column
/// names (CSV header or JSON member names):
///
/// | column | required | meaning |
/// |---|---|---|
/// | provider | yes | aws, gcp, github, azure, openai, anthropic, other |
/// | external_id | yes | the provider's non-secret identifier |
/// | kind | no | access_key, service_account_key, personal_access_token, secret, api_key, other (default) |
/// | identity, account, name, owner, purpose, system | no | text |
/// | environments, scopes | no | `;`-separated in CSV, arrays in JSON |
/// | created_at, last_rotated_at, last_used_at, expires_at, reviewed_at | no | ISO 8601 |
/// | last_used_service, last_used_region | no | text |
/// | status | no | active (default), disabled, expired, revoked |
/// | tags | no | `k=v;k2=v2` in CSV, an object in JSON |
///
/// Unlike the providers' exports, this format is keyward's own and strict: an unknown column
/// fails the file, an unknown member rejects its element.
enum GenericInventory {
    static let columns = ["provider", "external_id", "kind", "identity", "account", "name", "owner", "purpose", "system",
                          "environments", "scopes", "created_at", "last_rotated_at", "last_used_at", "last_used_service",
                          "last_used_region", "expires_at", "reviewed_at", "status", "tags"]
    static let columnSet = Set(columns)
    static let required = ["provider", "external_id"]
    static let importableStatuses: [InventoryStatus] = [.active, .disabled, .expired, .revoked]

    static func record(from fields: some GenericFields, now: Timestamp) throws(RowProblem) -> InventoryRecord {
        let providerText = try fields.text("provider")?.lowercased()
        guard let providerText else { throw RowProblem(field: "provider", reason: "is empty") }
        guard let provider = InventoryProvider(rawValue: providerText), provider != .keyward else {
            throw RowProblem(field: "provider", reason: "\"\(providerText.prefix(30))\" is not one of aws, gcp, github, azure, openai, anthropic, other")
        }
        guard let externalID = try fields.text("external_id") else { throw RowProblem(field: "external_id", reason: "is empty") }
        var kind = CredentialKind.other
        if let text = try fields.text("kind") {
            guard let parsed = CredentialKind(rawValue: text.lowercased()) else {
                throw RowProblem(field: "kind", reason: "\"\(text.prefix(30))\" is not one of \(CredentialKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        var status = InventoryStatus.active
        if let text = try fields.text("status") {
            guard let parsed = InventoryStatus(rawValue: text.lowercased()), importableStatuses.contains(parsed) else {
                throw RowProblem(field: "status", reason: "\"\(text.prefix(30))\" is not one of active, disabled, expired, revoked")
            }
            status = parsed
        }
        func time(_ column: String) throws(RowProblem) -> Timestamp? { try FieldValue.time(try fields.text(column), field: column) }
        let created = try time("created_at")
        return InventoryRecord(
            naturalKey: "\(provider.rawValue):\(kind.rawValue):\(externalID)", provider: provider, kind: kind,
            externalID: externalID, identity: try fields.text("identity"), account: try fields.text("account"),
            name: try fields.text("name"), owner: try fields.text("owner"), purpose: try fields.text("purpose"),
            system: try fields.text("system"), environments: try fields.list("environments"), scopes: try fields.list("scopes"),
            createdAt: created, lastRotatedAt: try time("last_rotated_at") ?? created, lastUsedAt: try time("last_used_at"),
            lastUsedService: try fields.text("last_used_service"), lastUsedRegion: try fields.text("last_used_region"),
            expiresAt: try time("expires_at"), reviewedAt: try time("reviewed_at"), status: status,
            tags: try fields.tags("tags"), firstSeenAt: now)
    }

    /// Generic imports only vouch for what they listed before: a spreadsheet of GitHub tokens says
    /// nothing about AWS keys that arrived by another route.
    static func scope(kind: ImportKind, providers: Set<InventoryProvider>) -> DisappearanceScope {
        DisappearanceScope(providers: providers, kinds: [], source: kind.rawValue)
    }
}

extension CSVRow: GenericFields {
    func text(_ column: String) throws(RowProblem) -> String? { FieldValue.text(self[column]) }
    func list(_ column: String) throws(RowProblem) -> [String] { FieldValue.list(self[column]) }

    func tags(_ column: String) throws(RowProblem) -> [String: String] {
        var tags: [String: String] = [:]
        for pair in FieldValue.list(self[column]) {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw RowProblem(field: column, reason: "\"\(pair.prefix(40))\" is not name=value")
            }
            tags[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return tags
    }

    var identityHint: String? { self["identity"] }
}

extension LocatedJSON: GenericFields {
    func text(_ column: String) throws(RowProblem) -> String? { FieldValue.text(try string(column)) }
    func list(_ column: String) throws(RowProblem) -> [String] { try strings(column) }

    func tags(_ column: String) throws(RowProblem) -> [String: String] {
        guard let node = self[column], !node.isNull else { return [:] }
        guard let members = node.object else { throw RowProblem(field: column, reason: "expected an object of name: value") }
        var tags: [String: String] = [:]
        for name in members.keys { tags[name] = try node.string(name) ?? "" }
        return tags
    }

    var identityHint: String? { try? string("identity") }
}
