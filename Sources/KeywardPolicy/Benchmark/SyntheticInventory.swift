import KeywardCore

/// A reproducible inventory of `count` credentials for benchmarks: 40 % AWS access keys,
/// 30 % keyward keys, 10 % each GCP keys, GitHub tokens and other secrets, with ages up to
/// three years, some unused, unowned, over-scoped or shared across environments, so that every
/// rule of the default policy has work to do.
public struct SyntheticInventory {
    public var count: Int
    public var seed: UInt64
    public var now: Timestamp

    public init(count: Int, seed: UInt64 = 42, now: Timestamp) {
        self.count = count
        self.seed = seed
        self.now = now
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
            let created = now.adding(seconds: -Int64(random.next(below: 3 * 365 * 86_400)))
            let used: Timestamp? = random.next(below: 5) == 0 ? nil : created.adding(seconds: Int64(random.next(below: UInt64(max(1, now.seconds(since: created))))))
            let expires: Timestamp? = kind == .accessKey || random.next(below: 3) == 0 ? nil : created.adding(seconds: Int64(30 + random.next(below: 700)) * 86_400)
            let identity = "identity-\(index / 2)"
            let subjectKind: FindingSubject.Kind = provider == .keyward ? .key : .externalKey
            items.append(InventoryItem(
                subject: FindingSubject(kind: subjectKind, id: "item-\(index)", provider: provider, externalID: "EXT\(index)",
                                        owner: owners[Int(random.next(below: UInt64(owners.count)))], identity: identity),
                kind: kind, name: "credential \(index)", purpose: random.next(below: 4) == 0 ? nil : "integration",
                environments: environments[Int(random.next(below: UInt64(environments.count)))],
                scopes: random.next(below: 20) == 0 ? ["*"] : ["read:orders"],
                status: random.next(below: 10) == 0 ? .revoked : .active, createdAt: created, lastRotatedAt: created,
                lastUsedAt: used, expiresAt: expires,
                reviewedAt: random.next(below: 2) == 0 ? nil : now.adding(seconds: -Int64(random.next(below: 200)) * 86_400)))
        }
        return items
    }
}
