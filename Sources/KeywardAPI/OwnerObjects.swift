import KeywardCore

/// `GET /v1/owners`. Owners are ``KeywardCore/OwnerEntry`` values:
/// `{handle, kind, display_name, contact, status, departed_at}`.
public struct OwnerListObject: Codable, Sendable {
    public var owners: [OwnerEntry]

    public init(owners: [OwnerEntry]) { self.owners = owners }
}

/// `POST /v1/owners`.
public struct OwnerCreateBody: Codable, Sendable {
    public var handle: String
    public var kind: OwnerEntry.Kind?
    public var displayName: String?
    public var contact: String?
    public var aliases: [String]?

    public init(handle: String, kind: OwnerEntry.Kind?, displayName: String?, contact: String?, aliases: [String]? = nil) {
        self.handle = handle
        self.kind = kind
        self.displayName = displayName
        self.contact = contact
        self.aliases = aliases
    }

    enum CodingKeys: String, CodingKey {
        case handle, kind, displayName = "display_name", contact, aliases
    }
}

/// `PATCH /v1/owners/{handle}`: members present change, absent ones stay; `""` clears a text.
public typealias OwnerUpdateBody = OwnerUpdate

/// `POST /v1/owners/{handle}/offboard`.
public struct OffboardBody: Codable, Sendable {
    public var reason: String?

    public init(reason: String?) { self.reason = reason }
}

/// What offboarding did: the owner (now departed), the keyward keys it revoked, the findings
/// it opened for external credentials a person must disable, and the credentials that were
/// already inactive.
public struct OffboardResultObject: Codable, Sendable {
    public var owner: OwnerEntry
    public var revokedKeys: [String]
    public var findings: [Finding]
    public var alreadyInactive: [FindingSubject]
    /// External keys deactivated at their providers through connectors that allow it (issue 12).
    public var deactivated: [RemediationObject]

    public init(owner: OwnerEntry, revokedKeys: [String], findings: [Finding], alreadyInactive: [FindingSubject], deactivated: [RemediationObject] = []) {
        self.owner = owner
        self.revokedKeys = revokedKeys
        self.findings = findings
        self.alreadyInactive = alreadyInactive
        self.deactivated = deactivated
    }

    enum CodingKeys: String, CodingKey {
        case owner, revokedKeys = "revoked_keys", findings, alreadyInactive = "already_inactive", deactivated
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        owner = try container.decode(OwnerEntry.self, forKey: .owner)
        revokedKeys = try container.decode([String].self, forKey: .revokedKeys)
        findings = try container.decode([Finding].self, forKey: .findings)
        alreadyInactive = try container.decode([FindingSubject].self, forKey: .alreadyInactive)
        deactivated = try container.decodeIfPresent([RemediationObject].self, forKey: .deactivated) ?? []
    }
}
