/// An owner's answer for one credential in an access review.
public struct Attestation: Sendable, Equatable, Codable {
    public enum Decision: String, Sendable, Codable, CaseIterable {
        /// Still needed; the justification says why.
        case keep
        /// No longer needed; keyward revokes its own keys, a person disables external ones.
        case revoke
    }

    public var decision: Decision
    public var justification: String?
    public var attestedBy: String
    public var attestedAt: Timestamp
    /// When the revocation was carried out; nil for `keep` and for revocations still pending.
    public var carriedOutAt: Timestamp?

    public init(decision: Decision, justification: String?, attestedBy: String, attestedAt: Timestamp, carriedOutAt: Timestamp? = nil) {
        self.decision = decision
        self.justification = justification
        self.attestedBy = attestedBy
        self.attestedAt = attestedAt
        self.carriedOutAt = carriedOutAt
    }

    enum CodingKeys: String, CodingKey {
        case decision, justification, attestedBy = "attested_by", attestedAt = "attested_at", carriedOutAt = "carried_out_at"
    }
}

/// One credential under review: a snapshot of the subject at the campaign's start, and the answer.
public struct ReviewItem: Sendable, Equatable, Codable {
    public var subject: FindingSubject
    public var name: String?
    public var environments: [String]
    public var scopes: [String]
    public var attestation: Attestation?

    public init(subject: FindingSubject, name: String?, environments: [String], scopes: [String], attestation: Attestation? = nil) {
        self.subject = subject
        self.name = name
        self.environments = environments
        self.scopes = scopes
        self.attestation = attestation
    }
}
