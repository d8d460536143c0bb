import KeywardCore

/// `aws secretsmanager list-secrets` JSON: `{"SecretList":[{Name, ARN, RotationEnabled,
/// RotationRules, LastRotatedDate, LastAccessedDate, LastChangedDate, CreatedDate, Tags}]}`.
/// These are the persistent secrets pipelines keep; owner, environment, purpose and system come
/// from tags when present (`owner`/`team`, `environment`/`env`, `purpose`, `system`/`application`).
/// Members it does not read are ignored, and so are `Description` and the rotation schedule in a
/// shape other than text.
struct AWSSecretsManager {
    static let ownerTags = ["owner", "team"]
    static let environmentTags = ["environment", "env", "stage"]
    static let purposeTags = ["purpose"]
    static let systemTags = ["system", "application", "app", "service"]

    func run(_ bytes: [UInt8], context: inout ImportContext) throws -> ImportResult {
        let elements = try JSONRecords.elements(of: bytes, member: "SecretList", file: context.file)
        var accounts = Set<String>()
        JSONRecords.each(elements, identity: { try? $0.string("Name") }, context: &context) { element, context throws(RowProblem) in
            let name = try element.requiredString("Name")
            let arn = try element.requiredString("ARN")
            guard arn.hasPrefix("arn:"), let account = AWSAccessKeyIdentity.account(fromARN: arn) else {
                throw RowProblem(field: "ARN", reason: "\"\(arn.prefix(80))\" is not an ARN")
            }
            accounts.insert(account)
            let tags = try AWSSecretsManager.tags(of: element)
            func tag(_ names: [String]) -> String? {
                tags.first { names.contains($0.key.lowercased()) }?.value
            }
            let created = try element.time("CreatedDate")
            let rotationEnabled = try element.bool("RotationEnabled") ?? false
            var attributes = ["rotation_enabled": rotationEnabled ? "true" : "false"]
            if let days = element["RotationRules"]?["AutomaticallyAfterDays"], case .number(let value) = days.value {
                attributes["rotation_days"] = String(Int(value))
            }
            if let schedule = element["RotationRules"]?.descriptive("ScheduleExpression") { attributes["rotation_schedule"] = schedule }
            if let changed = try element.time("LastChangedDate") { attributes["last_changed_at"] = changed.iso8601 }
            let deleted = try element.time("DeletedDate")
            let description = element.descriptive("Description")
            let lastRotated = try element.time("LastRotatedDate")
            context.accept(InventoryRecord(
                naturalKey: "aws:secret:\(arn)", provider: .aws, kind: .secret, externalID: arn, identity: name,
                account: account, name: name, owner: tag(AWSSecretsManager.ownerTags),
                purpose: tag(AWSSecretsManager.purposeTags) ?? description,
                system: tag(AWSSecretsManager.systemTags),
                environments: tag(AWSSecretsManager.environmentTags).map { [$0] } ?? [],
                createdAt: created, lastRotatedAt: lastRotated ?? created,
                lastUsedAt: try element.time("LastAccessedDate"), status: deleted == nil ? .active : .revoked,
                tags: tags, attributes: attributes, firstSeenAt: context.now), line: element.line)
        }
        let scope = DisappearanceScope(providers: [.aws], kinds: [.secret], accounts: accounts)
        return context.finish(scope: scope, findingRules: [])
    }

    /// `Tags: [{"Key": "owner", "Value": "payments"}]` as a dictionary.
    static func tags(of element: LocatedJSON) throws(RowProblem) -> [String: String] {
        guard let node = element["Tags"], !node.isNull else { return [:] }
        guard let list = node.array else { throw RowProblem(field: "Tags", reason: "expected an array of {Key, Value}") }
        var tags: [String: String] = [:]
        for entry in list {
            guard let key = try entry.string("Key") else { throw RowProblem(field: "Tags", reason: "a tag has no Key") }
            tags[key] = try entry.string("Value") ?? ""
        }
        return tags
    }
}
