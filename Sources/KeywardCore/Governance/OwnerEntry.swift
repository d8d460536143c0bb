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

    public init(handle: String, kind: Kind, displayName: String? = nil, contact: String? = nil,
                status: Status = .active, departedAt: Timestamp? = nil) {
        self.handle = handle
        self.kind = kind
        self.displayName = displayName
        self.contact = contact
        self.status = status
        self.departedAt = departedAt
    }

    enum CodingKeys: String, CodingKey {
        case handle, kind, displayName = "display_name", contact, status, departedAt = "departed_at"
    }
}

/// The registry as the checks read it: lookups by handle, case-insensitively (`Alice` and
/// `alice` are one owner, as people type them both).
public struct OwnerRegistry: Sendable, Equatable {
    private var entries: [String: OwnerEntry]

    public init(_ owners: [OwnerEntry] = []) {
        entries = Dictionary(owners.map { (OwnerHandle.folded($0.handle), $0) }, uniquingKeysWith: { _, last in last })
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var all: [OwnerEntry] { entries.values.sorted { $0.handle < $1.handle } }

    public func entry(for handle: String) -> OwnerEntry? { entries[OwnerHandle.folded(handle)] }

    public func isDeparted(_ handle: String) -> Bool { entry(for: handle)?.status == .departed }
}
