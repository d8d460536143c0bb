/// An access-review campaign: the credentials in scope when it started, each owner's keep or
/// revoke answer for each of their credentials, and a due date after which a missing answer is a
/// finding (CIS Controls 5.5: review service accounts at least quarterly; NIST CSF PR.AA-05).
///
/// Pure value: the store keeps it (campaign row plus one row per item), the server and CLI call
/// ``attest(subjectID:decision:justification:by:asAdministrator:at:)`` and carry out
/// ``pendingRevocations``.
public struct ReviewCampaign: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case open, closed }

    public var id: String
    public var name: String
    /// How the scope was chosen, in words, for the evidence.
    public var scope: String
    public var startedBy: String
    public var startedAt: Timestamp
    public var dueAt: Timestamp
    public var status: Status
    public var closedAt: Timestamp?
    public var items: [ReviewItem]

    /// Opens a campaign over the live items that `selector` chooses.
    public init(name: String, selector: InventorySelector, scopeDescription: String, items: [InventoryItem],
                startedBy: String, now: Timestamp, dueInDays: Int64) {
        id = StableIdentifier.make(prefix: "rev_", parts: [name, String(now.millisecondsSinceEpoch)], length: 20)
        self.name = name
        scope = scopeDescription
        self.startedBy = startedBy
        startedAt = now
        dueAt = now.adding(seconds: dueInDays * 86_400)
        status = .open
        closedAt = nil
        self.items = items
            .filter { $0.status.isLive && selector.matches($0) }
            .map { ReviewItem(subject: $0.subject, name: $0.name, environments: $0.environments, scopes: $0.scopes) }
            .sorted { ($0.subject.owner ?? "", $0.subject.id) < ($1.subject.owner ?? "", $1.subject.id) }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, scope, startedBy = "started_by", startedAt = "started_at", dueAt = "due_at", status
        case closedAt = "closed_at", items
    }
}
