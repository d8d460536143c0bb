import KeywardCore

/// One secret found somewhere. It never holds the secret: only a redacted form, a fingerprint
/// and the SHA-256 of the secret (which is what keyward's inventory is keyed by).
public struct SecretFinding: Sendable, Equatable {
    public var ruleID: String
    public var ruleDescription: String
    public var provider: String?
    /// The path as scanned (forward slashes, no leading `./`), `-` for standard input.
    public var file: String
    /// 1-based line and column (in Unicode code points) of the secret's first and last character.
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    /// Set for findings in git history: the commit that introduced the secret at this path.
    public var commit: CommitInfo?
    public var secretRedacted: String
    /// Stable across scans and line moves: a hash of the rule, the path and the secret's hash.
    public var fingerprint: String
    public var confidence: Confidence
    public var severity: Severity
    public var entropy: Double
    /// SHA-256 of the secret. For a keyward key this is the key's stored hash.
    public var secretHash: KeyHash
    /// How this finding can be linked to an inventory (nil: it cannot).
    public var inventoryLink: RuleDefinition.InventoryLink?
    /// Filled in by ``InventoryLinker`` when an inventory was consulted.
    public var inventory: InventoryMatch?
    /// An external identifier (an AWS access key id) for external-id inventory look-ups.
    /// Kept in memory for the look-up only; no report format writes it.
    let externalIdentifier: String?

    public init(
        ruleID: String, ruleDescription: String, provider: String?, file: String, line: Int, column: Int,
        endLine: Int, endColumn: Int, commit: CommitInfo?, secretRedacted: String, fingerprint: String,
        confidence: Confidence, severity: Severity, entropy: Double, secretHash: KeyHash,
        inventoryLink: RuleDefinition.InventoryLink?, inventory: InventoryMatch? = nil, externalIdentifier: String? = nil
    ) {
        self.ruleID = ruleID
        self.ruleDescription = ruleDescription
        self.provider = provider
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.commit = commit
        self.secretRedacted = secretRedacted
        self.fingerprint = fingerprint
        self.confidence = confidence
        self.severity = severity
        self.entropy = entropy
        self.secretHash = secretHash
        self.inventoryLink = inventoryLink
        self.inventory = inventory
        self.externalIdentifier = externalIdentifier
    }

    /// Where the finding is, for people and for audit events: `file:line:column[@commit]`.
    public var location: String {
        var text = "\(file):\(line):\(column)"
        if let commit { text += "@\(commit.shortID)" }
        return text
    }
}

/// The commit a finding in git history was introduced by.
public struct CommitInfo: Sendable, Equatable, Hashable {
    public var id: String
    public var author: String
    public var email: String
    /// Author date, ISO-8601 as git prints it.
    public var date: String
    public var timestamp: Int64
    public var subject: String

    public init(id: String, author: String, email: String, date: String, timestamp: Int64, subject: String) {
        self.id = id
        self.author = author
        self.email = email
        self.date = date
        self.timestamp = timestamp
        self.subject = subject
    }

    public var shortID: String { String(id.prefix(12)) }
}

/// What an inventory said about a finding's secret.
public struct InventoryMatch: Sendable, Equatable {
    /// What the inventory holds the secret as.
    public enum Entry: Sendable, Hashable, CustomStringConvertible {
        /// One of keyward's own keys, found by the SHA-256 of the secret.
        case key(KeyID)
        /// An imported record (`inv_…`), found by the provider's identifier (an AWS access key id).
        case record(String)

        /// The id as reports print it (`inventory_key_id`).
        public var description: String {
            switch self {
            case .key(let id): id.description
            case .record(let id): id
            }
        }
    }

    /// Nil when the inventory was asked and does not know the secret.
    public var entry: Entry?
    /// The inventory's own state, finer than ``status``: a disabled key is reported `revoked`
    /// (unusable now) but stays `disabled` here, because it could be re-enabled.
    public var state: InventoryStatus?
    public var owner: String?

    public init(_ entry: Entry, state: InventoryStatus, owner: String? = nil) {
        self.entry = entry
        self.state = state
        self.owner = owner
    }

    /// The answer for a secret the inventory does not hold.
    public static let notInInventory = InventoryMatch(entry: nil, state: nil, owner: nil)

    private init(entry: Entry?, state: InventoryStatus?, owner: String?) {
        self.entry = entry
        self.state = state
        self.owner = owner
    }

    /// The keyward key, when the secret is one.
    public var keyID: KeyID? {
        if case .key(let id)? = entry { return id }
        return nil
    }

    /// The scan's status: `active` and `rotating` are live; disabled, revoked, deleted and disappeared
    /// credentials are unusable now (`revoked`); unknown when the inventory does not hold it.
    public var status: LeakStatus {
        switch state {
        case .active?, .rotating?: .live
        case .expired?: .expired
        case .disabled?, .revoked?, .disappeared?, .deleted?: .revoked
        case nil: .unknown
        }
    }
}

/// A leaked key's state in the inventory, as scan reports name it.
public enum LeakStatus: String, Sendable, Codable, CaseIterable {
    /// Usable right now: the leak is an open door (`active` and `rotating` keys).
    case live
    /// Revoked or disabled: the key cannot be used, the leak is closed.
    case revoked
    case expired
    /// Not in the inventory, or no inventory was consulted.
    case unknown
}
