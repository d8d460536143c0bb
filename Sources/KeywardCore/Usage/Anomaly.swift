/// An unusual use of a key (or a burst of guesses from one address) found in flushed usage.
///
/// Each becomes a governance finding (source `anomaly`) and an `anomaly.detected` audit event.
/// The finding id is stable per kind and subject (and per network or environment for those
/// kinds), so the same anomaly seen again is the same finding rather than a new one.
public struct Anomaly: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case departedOwnerUse = "anomaly-departed-owner-use"
        case newNetwork = "anomaly-new-network"
        case usageSpike = "anomaly-usage-spike"
        case keyGuessing = "anomaly-key-guessing"
        case environmentMismatch = "anomaly-environment-mismatch"

        public var severity: FindingSeverity {
            switch self {
            case .departedOwnerUse: return .high
            case .keyGuessing: return .high
            case .newNetwork, .usageSpike, .environmentMismatch: return .medium
            }
        }

        /// OWASP NHI Top 10 (2025) and NIST CSF 2.0 items (docs/shared reference: DE.CM-03 is
        /// "technology usage is monitored to find potentially adverse events").
        public var frameworks: [FrameworkReference] {
            switch self {
            case .departedOwnerUse: return [.nhi(1), .csf("DE.CM-03"), .csf("PR.AA-01")]
            case .newNetwork: return [.nhi(9), .csf("DE.CM-03")]
            case .usageSpike: return [.nhi(2), .csf("DE.CM-03")]
            case .keyGuessing: return [.csf("DE.CM-03"), .csf("PR.AA-03")]
            case .environmentMismatch: return [.nhi(8), .csf("DE.CM-09")]
            }
        }
    }

    public var kind: Kind
    /// The key concerned; nil for key guessing, whose subject is an address.
    public var keyID: KeyID?
    public var owner: String?
    /// The address (or IPv6 /64) guessing keys.
    public var source: String?
    /// What distinguishes two anomalies of one kind on one key: the network, the environment.
    public var discriminator: String?
    public var detectedAt: Timestamp
    public var message: String
    public var remediation: String
    /// Facts for the audit event and webhook payload; never a secret.
    public var details: [String: JSONValue]

    public init(kind: Kind, keyID: KeyID?, owner: String?, source: String? = nil, discriminator: String? = nil, detectedAt: Timestamp,
                message: String, remediation: String, details: [String: JSONValue]) {
        self.kind = kind
        self.keyID = keyID
        self.owner = owner
        self.source = source
        self.discriminator = discriminator
        self.detectedAt = detectedAt
        self.message = message
        self.remediation = remediation
        self.details = details
    }

    public var subject: FindingSubject {
        if let keyID {
            return FindingSubject(kind: .key, id: keyID.description, provider: .keyward, owner: owner)
        }
        return FindingSubject(kind: .identity, id: "address:\(source ?? "unknown")", provider: .keyward)
    }

    /// The finding this anomaly opens (or keeps open).
    public var finding: Finding {
        var finding = Finding(rule: kind.rawValue, severity: kind.severity, subject: subject, message: message, remediation: remediation,
                              frameworks: kind.frameworks, openedAt: detectedAt)
        if let discriminator {
            finding.id = StableIdentifier.make(prefix: "fnd_", parts: [kind.rawValue, subject.kind.rawValue, subject.id, discriminator])
        }
        return finding
    }
}
