/// An entry of the owner registry: the team or person that answers for credentials.
///
/// Records and keys name their owner by `handle`; the registry says whether that owner is still
/// there, which is what the offboarding and "owner departed" checks need (OWASP NHI1).
public struct OwnerEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case team, person }
    public enum Status: String, Sendable, Codable, CaseIterable { case active, departed }

    public var handle: String
    public var kind: Kind
    public var displayName: String?
    public var contact: String?
    public var status: Status
    public var departedAt: Timestamp?
    /// The owner's identities in other systems — IAM user names, GitHub logins, e-mail
    /// addresses, GCP principals — matched in any case. A credential whose identity is one of
    /// them is this owner's even when its owner field is empty or names a team: offboarding
    /// raises its finding, `required_owner` counts it as owned, `owner_departed` as departed.
    public var aliases: [String]

    /// At most this many aliases per owner.
    public static let maximumAliases = 64

    public init(handle: String, kind: Kind, displayName: String? = nil, contact: String? = nil,
                status: Status = .active, departedAt: Timestamp? = nil, aliases: [String] = []) {
        self.handle = handle
        self.kind = kind
        self.displayName = displayName
        self.contact = contact
        self.status = status
        self.departedAt = departedAt
        self.aliases = aliases
    }

    enum CodingKeys: String, CodingKey {
        case handle, kind, displayName = "display_name", contact, status, departedAt = "departed_at", aliases
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            handle: try container.decode(String.self, forKey: .handle), kind: try container.decode(Kind.self, forKey: .kind),
            displayName: try container.decodeIfPresent(String.self, forKey: .displayName),
            contact: try container.decodeIfPresent(String.self, forKey: .contact),
            status: try container.decode(Status.self, forKey: .status),
            departedAt: try container.decodeIfPresent(Timestamp.self, forKey: .departedAt),
            // Absent from answers of servers that predate aliases.
            aliases: try container.decodeIfPresent([String].self, forKey: .aliases) ?? [])
    }
}

/// The registry as the checks read it: lookups by handle, case-insensitively (`Alice` and
/// `alice` are one owner, as people type them both).
public struct OwnerRegistry: Sendable, Equatable {
    private var entries: [String: OwnerEntry]
    private var byAlias: [String: OwnerEntry]

    public init(_ owners: [OwnerEntry] = []) {
        entries = Dictionary(owners.map { (OwnerHandle.folded($0.handle), $0) }, uniquingKeysWith: { _, last in last })
        byAlias = Dictionary(owners.flatMap { owner in owner.aliases.map { (OwnerHandle.folded($0), owner) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The owner one of whose aliases `identity` is (any case), if any.
    public func entry(forIdentity identity: String) -> OwnerEntry? { byAlias[OwnerHandle.folded(identity)] }

    public var isEmpty: Bool { entries.isEmpty }
    public var all: [OwnerEntry] { entries.values.sorted { $0.handle < $1.handle } }

    public func entry(for handle: String) -> OwnerEntry? { entries[OwnerHandle.folded(handle)] }

    public func isDeparted(_ handle: String) -> Bool { entry(for: handle)?.status == .departed }
}
