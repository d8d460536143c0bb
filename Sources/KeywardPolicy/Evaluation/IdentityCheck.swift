import KeywardCore

/// "More than N active keys per identity" (CIS AWS: one active access key per IAM user; OWASP
/// NHI9). Only `active` credentials count: a key in its rotation grace period is meant to overlap
/// with its successor.
enum IdentityCheck {
    /// Emits one finding per identity over the limit and returns how many identities it evaluated.
    static func evaluate(rule: PolicyRule, max: Int, items: [InventoryItem],
                         emit: (FindingSubject, String?, Verdict) -> Void) -> Int {
        struct Key: Hashable {
            var provider: InventoryProvider
            var identity: String
        }
        var groups: [Key: [InventoryItem]] = [:]
        var order: [Key] = []
        for item in items where item.status == .active && rule.applies(to: item) {
            guard let identity = item.identity else { continue }
            let key = Key(provider: item.provider, identity: identity)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        for key in order {
            let members = groups[key]!
            guard members.count > max else { continue }
            let label = ItemDescription.identityLabel(key.provider)
            let names = members.map { $0.subject.externalID ?? $0.name ?? $0.subject.id }
            let subject = FindingSubject(kind: .identity, id: "\(key.provider.rawValue):\(key.identity)", provider: key.provider,
                                         owner: members.compactMap(\.owner).first, identity: key.identity)
            emit(subject, key.identity, Verdict(
                message: "\(ItemDescription.providerLabel(key.provider)) \(label) \(key.identity) has \(members.count) active credentials (\(names.joined(separator: ", "))); the policy allows \(max).",
                remediation: "Keep one active credential per identity: finish the rotation by disabling the older key, or split the identity per consumer."))
        }
        return order.count
    }
}
