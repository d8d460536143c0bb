import KeywardCore

/// A reproducible inventory of `count` credentials for benchmarks: 40 % AWS access keys,
/// 30 % keyward keys, 10 % each GCP keys, GitHub tokens and other secrets.
///
/// Two profiles: `neglected` gives every credential random ages up to three years, a fifth never
/// used, a fifth unowned, half never reviewed — about 3.5 findings per credential, the worst case
/// for evaluation and reconciliation; `maintained` keeps 90 % of credentials within policy (young,
/// used, owned, reviewed) and draws the rest like `neglected`, closer to a governed estate.
public struct SyntheticInventory {
    public enum Profile: String, Sendable, CaseIterable { case neglected, maintained }

    public var count: Int
    public var seed: UInt64
    public var now: Timestamp
    public var profile: Profile

    public init(count: Int, seed: UInt64 = 42, now: Timestamp, profile: Profile = .neglected) {
        self.count = count
        self.seed = seed
        self.now = now
        self.profile = profile
    }

    public func items() -> [InventoryItem] {
        var random = SplitMix64(seed: seed)
        var items: [InventoryItem] = []
        items.reserveCapacity(count)
        let environments = [["production"], ["staging"], ["dev"], ["production", "staging"]]
        let owners: [String?] = ["payments", "platform", "data", "growth", nil]
        for index in 0..<count {
            let (provider, kind): (InventoryProvider, CredentialKind) = switch index % 10 {
            case 0, 1, 2, 3: (.aws, .accessKey)
            case 4, 5, 6: (.keyward, .apiKey)
            case 7: (.gcp, .serviceAccountKey)
            case 8: (.github, .personalAccessToken)
            default: (.other, .secret)
            }
            let subjectKind: FindingSubject.Kind = provider == .keyward ? .key : .externalKey
            let subject = FindingSubject(kind: subjectKind, id: "item-\(index)", provider: provider, externalID: "EXT\(index)",
                                         owner: owners[Int(random.next(below: UInt64(owners.count)))], identity: "identity-\(index)")
            if profile == .maintained && random.next(below: 10) > 0 {
                items.append(compliant(subject: subject, kind: kind, index: index, random: &random))
                continue
            }
            let created = now.adding(seconds: -Int64(random.next(below: 3 * 365 * 86_400)))
            let used: Timestamp? = random.next(below: 5) == 0 ? nil : created.adding(seconds: Int64(random.next(below: UInt64(max(1, now.seconds(since: created))))))
            let expires: Timestamp? = kind == .accessKey || random.next(below: 3) == 0 ? nil : created.adding(seconds: Int64(30 + random.next(below: 700)) * 86_400)
            var shared = subject
            shared.identity = "identity-\(index / 2)"
            items.append(InventoryItem(
                subject: shared, kind: kind, name: "credential \(index)", purpose: random.next(below: 4) == 0 ? nil : "integration",
                environments: environments[Int(random.next(below: UInt64(environments.count)))],
                scopes: random.next(below: 20) == 0 ? ["*"] : ["read:orders"],
                status: random.next(below: 10) == 0 ? .revoked : .active, createdAt: created, lastRotatedAt: created,
                lastUsedAt: used, expiresAt: expires,
                reviewedAt: random.next(below: 2) == 0 ? nil : now.adding(seconds: -Int64(random.next(below: 200)) * 86_400)))
        }
        return items
    }

    /// A credential that passes every rule of the default policy: young, recently used, owned,
    /// with a purpose, reviewed this quarter, expiring within a year where it can.
    private func compliant(subject: FindingSubject, kind: CredentialKind, index: Int, random: inout SplitMix64) -> InventoryItem {
        var owned = subject
        if owned.owner == nil { owned.owner = "platform" }
        let created = now.adding(seconds: -Int64(1 + random.next(below: 80)) * 86_400)
        return InventoryItem(
            subject: owned, kind: kind, name: "credential \(index)", purpose: "integration", environments: ["production"],
            scopes: ["read:orders"], status: .active, createdAt: created, lastRotatedAt: created,
            lastUsedAt: now.adding(seconds: -Int64(random.next(below: 10 * 86_400))),
            expiresAt: kind == .accessKey || kind == .secret ? nil : created.adding(seconds: 300 * 86_400),
            reviewedAt: now.adding(seconds: -Int64(random.next(below: 60)) * 86_400))
    }
}
