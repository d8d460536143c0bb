/// A change to a registered owner (`PATCH /v1/owners/{handle}`, `keyward owners update`): nil
/// leaves a field as it is, an empty display name or contact removes it, and `departed` stamps
/// the departure (kept from the first time) while `active` clears it.
public struct OwnerUpdate: Sendable, Equatable, Codable {
    public var kind: OwnerEntry.Kind?
    public var displayName: String?
    public var contact: String?
    public var status: OwnerEntry.Status?
    /// Replaces the owner's aliases (``OwnerEntry/aliases``); `[]` removes them all.
    public var aliases: [String]?

    public init(kind: OwnerEntry.Kind? = nil, displayName: String? = nil, contact: String? = nil, status: OwnerEntry.Status? = nil,
                aliases: [String]? = nil) {
        self.kind = kind
        self.displayName = displayName
        self.contact = contact
        self.status = status
        self.aliases = aliases
    }

    enum CodingKeys: String, CodingKey {
        case kind, displayName = "display_name", contact, status, aliases
    }
}
