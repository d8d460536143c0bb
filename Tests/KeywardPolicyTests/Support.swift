import KeywardCore
import KeywardPolicy

/// Builders for inventory items at a fixed clock, so every age in a test is written in days.
enum Sample {
    static let now = Timestamp(iso8601: "2026-11-29T12:00:00Z")!

    static func daysAgo(_ days: Int64) -> Timestamp { now.adding(seconds: -days * 86_400) }
    static func inDays(_ days: Int64) -> Timestamp { now.adding(seconds: days * 86_400) }

    static func awsKey(_ id: String, user: String = "ci", owner: String? = "platform", createdDaysAgo: Int64 = 10,
                       usedDaysAgo: Int64? = 1, status: InventoryStatus = .active, environments: [String] = ["production"]) -> InventoryItem {
        InventoryItem(
            subject: FindingSubject(kind: .externalKey, id: "inv_\(id)", provider: .aws, externalID: id, owner: owner, identity: user),
            kind: .accessKey, name: "\(user) key", purpose: "deploys", environments: environments, status: status,
            createdAt: daysAgo(createdDaysAgo), lastRotatedAt: daysAgo(createdDaysAgo), lastUsedAt: usedDaysAgo.map(daysAgo),
            reviewedAt: daysAgo(5))
    }

    static func apiKey(_ id: String, owner: String? = "payments", scopes: [String] = ["billing:read"], environments: [String] = ["production"],
                       createdDaysAgo: Int64 = 10, expiresInDays: Int64? = 30, reviewedDaysAgo: Int64? = 5,
                       purpose: String? = "checkout", tags: [String: String] = [:]) -> InventoryItem {
        InventoryItem(
            subject: FindingSubject(kind: .key, id: id, provider: .keyward, externalID: "kw_live_abcd…", owner: owner, identity: id),
            kind: .apiKey, name: id, purpose: purpose, environments: environments, scopes: scopes, tags: tags,
            createdAt: daysAgo(createdDaysAgo), lastRotatedAt: daysAgo(createdDaysAgo), lastUsedAt: daysAgo(1),
            expiresAt: expiresInDays.map(inDays), reviewedAt: reviewedDaysAgo.map(daysAgo))
    }

    static func policy(_ yaml: String) throws -> Policy { try PolicyLoader.parse(yaml, file: "test-policy.yaml") }

    static func rule(_ body: String) throws -> PolicyEngine {
        PolicyEngine(policy: try policy("version: 1\nrules:\n  - id: r\n    severity: high\n" + body))
    }
}
