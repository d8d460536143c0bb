import KeywardCore

/// The checks that look at one credential at a time.
enum ItemCheck {
    /// `text` caches what several rules' findings about one item say alike (its description, how
    /// to rotate or disable it): built only when a first check needs it (most pairs pass) and
    /// then shared — one string, not one per finding.
    static func verdict(_ check: PolicyCheck, item: InventoryItem, text: inout ItemText, owners: OwnerRegistry, now: Timestamp) -> Verdict? {
        var name: String { text.name(item) }
        func daysSince(_ time: Timestamp) -> Int64 { now.seconds(since: time) / 86_400 }
        switch check {
        case .maxAge(let limit):
            guard let created = item.createdAt, daysSince(created) > limit else { return nil }
            return Verdict(message: "\(name) is \(ItemDescription.days(daysSince(created))) old (created \(created.iso8601)); the policy allows \(ItemDescription.days(limit)).",
                           remediation: text.rotate(item))
        case .rotationInterval(let limit):
            guard let rotated = item.lastRotatedAt ?? item.createdAt, daysSince(rotated) > limit else { return nil }
            return Verdict(message: "\(name) was last rotated \(ItemDescription.days(daysSince(rotated))) ago (\(rotated.iso8601)); it must be rotated at least every \(ItemDescription.days(limit)).",
                           remediation: text.rotate(item))
        case .unused(let limit):
            return unused(item, name: name, limit: limit, now: now, text: &text)
        case .requiredExpiry:
            guard item.expiresAt == nil else { return nil }
            return Verdict(message: "\(name) never expires: if it leaks, it works until someone notices.",
                           remediation: "Give it an expiry date; " + text.rotate(item))
        case .maxLifetime(let limit):
            return lifetime(item, name: name, limit: limit, text: &text)
        case .requiredOwner(let registered):
            guard let owner = item.owner, !owner.isEmpty else {
                // An identity registered as an owner's alias is owned (the IAM user `bob` is bob's).
                if let identity = item.identity, owners.entry(forIdentity: identity) != nil { return nil }
                return Verdict(message: "\(name) has no owner: nobody answers for it, reviews it or revokes it when it is no longer needed.",
                               remediation: "Record the team or person who owns it (its owner field, or an owner tag at the provider), then re-import.")
            }
            guard registered, !owners.isEmpty, owners.entry(for: owner) == nil else { return nil }
            return Verdict(message: "\(name) names \(owner) as owner, who is not in the owner registry.",
                           remediation: "Add \(owner) to the owner registry (keyward owners add) or give the credential a registered owner.")
        case .ownerDeparted:
            // Departed as named owner, or through an identity that is the departed person's alias.
            let named = item.owner.flatMap { owners.entry(for: $0) }
            let byIdentity = item.identity.flatMap { owners.entry(forIdentity: $0) }
            guard let entry = named?.status == .departed ? named : byIdentity, entry.status == .departed else { return nil }
            let owner = named?.status == .departed ? item.owner ?? entry.handle : entry.handle
            let when = entry.departedAt.map { " on \($0.iso8601)" } ?? ""
            return Verdict(message: "\(name) belongs to \(owner), who departed\(when); it is still live.",
                           remediation: "Hand it to a current owner and record the new owner. Otherwise: " + text.disable(item))
        case .requiredFields(let fields):
            let missing = fields.filter { !$0.isPresent(in: item) }
            guard !missing.isEmpty else { return nil }
            return Verdict(message: "\(name) lacks \(missing.map(\.rawValue).joined(separator: ", ")) in the inventory.",
                           remediation: "Fill in \(missing.map(\.rawValue).joined(separator: ", ")): an inventory of service credentials needs owner, purpose and review date (CIS Controls 5.5).")
        case .forbiddenScopes(let patterns, let wildcards):
            let matched = item.scopes.filter { scope in (wildcards && scope.utf8.contains(UInt8(ascii: "*"))) || patterns.contains { $0.matches(scope) } }
            guard !matched.isEmpty else { return nil }
            let environments = item.environments.isEmpty ? "" : " in \(item.environments.joined(separator: ", "))"
            return Verdict(message: "\(name)\(environments) carries forbidden scope\(matched.count == 1 ? "" : "s") \(matched.joined(separator: ", ")).",
                           remediation: "Replace it with a credential limited to the permissions its consumer uses; keep wildcard and admin scopes out of production.")
        case .sharedAcrossEnvironments:
            let distinct = Set(item.environments.map { $0.lowercased() })
            guard distinct.count > 1 else { return nil }
            return Verdict(message: "\(name) is used in \(distinct.count) environments (\(item.environments.joined(separator: ", "))): a leak in the weakest one opens all of them.",
                           remediation: "Issue one credential per environment and revoke the shared one.")
        case .reviewInterval(let limit):
            // The review clock starts at creation: issuing a credential is its first decision
            // that it is needed, so the first review is due one interval later, not at once.
            let remediation = "Include it in an access review (keyward reviews start) so its owner confirms it is still needed."
            guard let reviewed = item.reviewedAt else {
                guard let created = item.createdAt else {
                    return Verdict(message: "\(name) has never been reviewed by its owner.", remediation: remediation)
                }
                guard daysSince(created) > limit else { return nil }
                return Verdict(message: "\(name) has not been reviewed in the \(ItemDescription.days(daysSince(created))) since it was created (\(created.iso8601)); reviews are due every \(ItemDescription.days(limit)).",
                               remediation: remediation)
            }
            guard daysSince(reviewed) > limit else { return nil }
            return Verdict(message: "\(name) was last reviewed \(ItemDescription.days(daysSince(reviewed))) ago (\(reviewed.iso8601)); reviews are due every \(ItemDescription.days(limit)).",
                           remediation: remediation)
        case .forbiddenAttributes(let forbidden):
            let hits = forbidden.keys.sorted().compactMap { attribute -> String? in
                guard let value = item.attributes[attribute], forbidden[attribute]!.contains(where: { $0.matches(value) }) else { return nil }
                return "\(attribute) = \(value)"
            }
            guard !hits.isEmpty else { return nil }
            return Verdict(message: "\(name) has \(hits.joined(separator: ", ")), which the policy forbids.",
                           remediation: "Replace it with a credential that meets the policy. " + text.rotate(item))
        case .multipleActiveKeys:
            return nil  // per identity: IdentityCheck
        }
    }

    private static func unused(_ item: InventoryItem, name: String, limit: Int64, now: Timestamp, text: inout ItemText) -> Verdict? {
        if let used = item.lastUsedAt {
            let idle = now.seconds(since: used) / 86_400
            guard idle >= limit else { return nil }
            return Verdict(message: "\(name) has not been used for \(ItemDescription.days(idle)) (last used \(used.iso8601)); unused credentials should be disabled after \(ItemDescription.days(limit)).",
                           remediation: text.disable(item))
        }
        guard let created = item.createdAt else { return nil }
        let age = now.seconds(since: created) / 86_400
        guard age >= limit else { return nil }
        return Verdict(message: "\(name) has never been used in the \(ItemDescription.days(age)) since it was created (\(created.iso8601)).",
                       remediation: text.disable(item))
    }

    private static func lifetime(_ item: InventoryItem, name: String, limit: Int64, text: inout ItemText) -> Verdict? {
        guard let expires = item.expiresAt else {
            return Verdict(message: "\(name) never expires; the policy allows a lifetime of at most \(ItemDescription.days(limit)).",
                           remediation: "Replace it with a credential that expires within \(ItemDescription.days(limit)). " + text.rotate(item))
        }
        guard let created = item.createdAt else { return nil }
        let lifetime = expires.seconds(since: created) / 86_400
        guard lifetime > limit else { return nil }
        return Verdict(message: "\(name) is valid for \(ItemDescription.days(lifetime)) (until \(expires.iso8601)); the policy allows at most \(ItemDescription.days(limit)).",
                       remediation: "Replace it with a credential that expires within \(ItemDescription.days(limit)). " + text.rotate(item))
    }
}

/// The texts about one item that findings of several rules share, each built on first use.
struct ItemText {
    private var label: String?
    private var rotation: String?
    private var disabling: String?

    /// ``ItemDescription/name(of:)``.
    mutating func name(_ item: InventoryItem) -> String {
        if let label { return label }
        let text = ItemDescription.name(of: item)
        label = text
        return text
    }

    /// ``ItemDescription/rotate(_:)``.
    mutating func rotate(_ item: InventoryItem) -> String {
        if let rotation { return rotation }
        let text = ItemDescription.rotate(item)
        rotation = text
        return text
    }

    /// ``ItemDescription/disable(_:)``.
    mutating func disable(_ item: InventoryItem) -> String {
        if let disabling { return disabling }
        let text = ItemDescription.disable(item)
        disabling = text
        return text
    }
}
