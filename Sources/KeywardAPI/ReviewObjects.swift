import KeywardCore

/// Which credentials a review covers, as JSON: every member a list of accepted values (globs for
/// names), members combined with AND; an absent member matches everything.
public struct SelectorObject: Codable, Sendable, Equatable {
    public var provider: [String]?
    public var kind: [String]?
    public var environment: [String]?
    public var owner: [String]?
    public var tag: [String: [String]]?

    public init(provider: [String]? = nil, kind: [String]? = nil, environment: [String]? = nil, owner: [String]? = nil,
                tag: [String: [String]]? = nil) {
        self.provider = provider
        self.kind = kind
        self.environment = environment
        self.owner = owner
        self.tag = tag
    }

    public static let members: Set<String> = ["provider", "kind", "environment", "owner", "tag"]

    /// The selector, or `invalidArgument` naming the member and the accepted values.
    public func selector() throws -> InventorySelector {
        func parse<T: RawRepresentable & CaseIterable>(_ values: [String]?, _ member: String, as type: T.Type) throws -> Set<T> where T.RawValue == String {
            Set(try (values ?? []).map { value in
                guard let parsed = T(rawValue: value) else {
                    throw KeywardError.invalidArgument("selector.\(member): unknown value \"\(value.prefix(40))\"; use \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return parsed
            })
        }
        return InventorySelector(
            providers: try parse(provider, "provider", as: InventoryProvider.self), kinds: try parse(kind, "kind", as: CredentialKind.self),
            environments: (environment ?? []).map(GlobPattern.init), owners: (owner ?? []).map(GlobPattern.init),
            tags: (tag ?? [:]).mapValues { $0.map(GlobPattern.init) }
        )
    }

    /// The selector in words, for the campaign's `scope` and the evidence.
    public var description: String {
        var parts: [String] = []
        for (name, values) in [("provider", provider), ("kind", kind), ("environment", environment), ("owner", owner)] {
            if let values, !values.isEmpty { parts.append("\(name)=\(values.joined(separator: ","))") }
        }
        for (name, values) in (tag ?? [:]).sorted(by: { $0.key < $1.key }) { parts.append("tag:\(name)=\(values.joined(separator: ","))") }
        return parts.isEmpty ? "all live credentials" : parts.joined(separator: " ")
    }
}

/// `POST /v1/reviews`.
public struct ReviewStartBody: Codable, Sendable {
    public var name: String?
    public var selector: SelectorObject?
    public var dueDays: Int64?

    public init(name: String?, selector: SelectorObject?, dueDays: Int64?) {
        self.name = name
        self.selector = selector
        self.dueDays = dueDays
    }

    enum CodingKeys: String, CodingKey {
        case name, selector, dueDays = "due_days"
    }
}

/// A campaign without its items: what `GET /v1/reviews` lists.
public struct ReviewSummaryObject: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var scope: String
    public var status: ReviewCampaign.Status
    public var startedBy: String
    public var startedAt: Timestamp
    public var dueAt: Timestamp
    @ExplicitNull public var closedAt: Timestamp?
    public var total: Int
    public var kept: Int
    public var revoked: Int
    public var unanswered: Int
    public var revocationsPending: Int
    /// Open, past its due date, with unanswered items.
    public var overdue: Bool

    public init(_ campaign: ReviewCampaign, now: Timestamp) {
        let progress = campaign.progress
        id = campaign.id
        name = campaign.name
        scope = campaign.scope
        status = campaign.status
        startedBy = campaign.startedBy
        startedAt = campaign.startedAt
        dueAt = campaign.dueAt
        closedAt = campaign.closedAt
        total = progress.total
        kept = progress.kept
        revoked = progress.revoked
        unanswered = progress.unanswered
        revocationsPending = campaign.pendingRevocations.count
        overdue = campaign.status == .open && now > campaign.dueAt && progress.unanswered > 0
    }

    enum CodingKeys: String, CodingKey {
        case id, name, scope, status
        case startedBy = "started_by", startedAt = "started_at", dueAt = "due_at", closedAt = "closed_at"
        case total, kept, revoked, unanswered
        case revocationsPending = "revocations_pending", overdue
    }
}

public struct ReviewListObject: Codable, Sendable {
    public var reviews: [ReviewSummaryObject]

    public init(reviews: [ReviewSummaryObject]) { self.reviews = reviews }
}

/// `GET /v1/reviews/{id}`: the summary and every item with its answer.
public struct ReviewDetailObject: Codable, Sendable {
    public var review: ReviewSummaryObject
    public var items: [ReviewItem]

    public init(_ campaign: ReviewCampaign, now: Timestamp) {
        review = ReviewSummaryObject(campaign, now: now)
        items = campaign.items
    }
}

/// `POST /v1/reviews/{id}/attest`: `subject` is the credential's id or external id.
public struct AttestBody: Codable, Sendable {
    public var subject: String
    public var decision: Attestation.Decision
    public var justification: String?

    public init(subject: String, decision: Attestation.Decision, justification: String?) {
        self.subject = subject
        self.decision = decision
        self.justification = justification
    }
}

public struct AttestResultObject: Codable, Sendable {
    public var review: ReviewSummaryObject
    public var item: ReviewItem
    /// The keyward key a revoke answer revoked.
    public var revokedKey: String?

    public init(review: ReviewSummaryObject, item: ReviewItem, revokedKey: String?) {
        self.review = review
        self.item = item
        self.revokedKey = revokedKey
    }

    enum CodingKeys: String, CodingKey {
        case review, item, revokedKey = "revoked_key"
    }
}
