import KeywardCore

/// What a scan needs from an inventory: look keys up by hash, and revoke them.
///
/// The scanner hands over SHA-256 hashes of keyward keys, never the keys: a plaintext secret
/// leaves the scanning process only as part of a finding's redacted form. Implementations
/// (the local database, the HTTP API) live with the command-line tool, so that the scanning
/// library needs neither a database nor a network.
public protocol InventoryLookup: Sendable {
    /// Matches for the hashes the inventory knows; hashes absent from the answer are unknown to it.
    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch]

    /// Revokes a leaked key and records where it was found (the audit event carries `source`).
    /// Returns the key's state afterwards.
    func revoke(keyID: String, reason: String, source: LeakSource) async throws -> InventoryMatch
}

/// An inventory that also knows other systems' credentials by their identifiers (AWS access key
/// ids from an import). Checked with `as?`: an inventory that does not conform is simply not
/// asked, and findings of external-id rules keep no inventory status.
public protocol ExternalIdentifierLookup: Sendable {
    func lookup(externalIdentifiers: [ExternalIdentifier]) async throws -> [ExternalIdentifier: InventoryMatch]
}

/// A credential's identifier in another system, such as an AWS access key id. Not a secret by
/// itself (AWS prints it in consoles and logs), which is why it may be sent for a look-up.
public struct ExternalIdentifier: Sendable, Hashable {
    public var provider: String
    public var id: String

    public init(provider: String, id: String) {
        self.provider = provider
        self.id = id
    }
}

/// Where a leaked key was found, as recorded in the revocation's audit event.
public struct LeakSource: Sendable, Equatable {
    public struct Location: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var column: Int
        public var commit: String?
        public var ruleID: String
        public var fingerprint: String
    }

    /// Every place the key was found, first one first.
    public var locations: [Location]

    public init(findings: [SecretFinding]) {
        locations = findings.map {
            Location(file: $0.file, line: $0.line, column: $0.column, commit: $0.commit?.id, ruleID: $0.ruleID, fingerprint: $0.fingerprint)
        }
    }

    /// The audit details: the first location in full, how many there were, and up to ten more.
    public var details: [String: JSONValue] {
        guard let first = locations.first else { return ["detected_by": "keyward scan"] }
        var details: [String: JSONValue] = [
            "detected_by": "keyward scan",
            "file": .string(first.file),
            "line": .number(Double(first.line)),
            "column": .number(Double(first.column)),
            "rule_id": .string(first.ruleID),
            "fingerprint": .string(first.fingerprint),
            "locations_found": .number(Double(locations.count)),
        ]
        if let commit = first.commit { details["commit"] = .string(commit) }
        if locations.count > 1 {
            details["also_found_at"] = .array(locations.dropFirst().prefix(10).map { location in
                .string("\(location.file):\(location.line)" + (location.commit.map { "@\($0.prefix(12))" } ?? ""))
            })
        }
        return details
    }
}
