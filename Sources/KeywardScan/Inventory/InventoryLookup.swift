import KeywardCore

/// What a scan needs from an inventory: look keys up by hash, and act on the leaked ones.
///
/// The scanner hands over SHA-256 hashes of keyward keys, never the keys: a plaintext secret
/// leaves the scanning process only as part of a finding's redacted form. Implementations
/// (the local database, the HTTP API) live with the command-line tool, so that the scanning
/// library needs neither a database nor a network.
public protocol InventoryLookup: Sendable {
    /// Matches for the hashes the inventory knows; hashes absent from the answer are unknown to it.
    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch]

    /// Responds to leaked keys as keyward responds to every leak report, in one transaction:
    /// each live key is revoked, its critical `leaked-key` finding opened and `key.leaked`
    /// written (webhooks fire from it), with where it was found (``LeakSighting/locations``).
    /// Returns one outcome per sighting, in order.
    func respondToLeaks(_ sightings: [LeakSighting]) async throws -> [LeakOutcome]
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
