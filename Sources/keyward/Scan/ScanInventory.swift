import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import KeywardScan
import KeywardStore
import Logging

/// The inventory a scan links to: the local database (`--db`) or a server (`KEYWARD_ADDR`,
/// `KEYWARD_TOKEN`). Either way only SHA-256 hashes of keys are looked up.
struct ScanInventory {
    let lookup: any InventoryLookup
    let name: String
    let close: @Sendable () async -> Void

    /// `--db` first, then a server when `KEYWARD_TOKEN` or `KEYWARD_ADDR` is set; nil when neither.
    static func open(db: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ScanInventory? {
        if let db {
            let inventory = try await DatabaseInventory.open(path: db)
            return ScanInventory(lookup: inventory, name: "database \(db)") { await inventory.close() }
        }
        guard environment["KEYWARD_TOKEN"] != nil || environment["KEYWARD_ADDR"] != nil else { return nil }
        let client = try KeywardClient.fromEnvironment(environment)
        return ScanInventory(lookup: ServerInventory(client: client), name: "server \(client.baseURL)") {}
    }
}

/// An inventory problem; `findings` holds what the scan found, so that it is still reported.
struct ScanInventoryError: Error, CustomStringConvertible {
    var description: String
    var findings: [SecretFinding]?
    init(_ description: String, findings: [SecretFinding]? = nil) {
        self.description = description
        self.findings = findings
    }
}

/// `--db PATH`: reads keys from the SQLite store and revokes through ``KeyService``, which
/// writes the audit event in the same transaction as the revocation.
final class DatabaseInventory: InventoryLookup {
    let store: SQLStore
    let service: KeyService
    let clock: any WallClock = SystemClock()

    private init(store: SQLStore, service: KeyService) {
        self.store = store
        self.service = service
    }

    static func open(path: String) async throws -> DatabaseInventory {
        // Opening would create an empty database; a typo should be an error instead.
        guard FileManager.default.fileExists(atPath: path) else { throw ScanInventoryError("no keyward database at \(path)") }
        var logger = Logger(label: "keyward.scan.inventory") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .warning
        let store = try await SQLStore.openSQLite(path: path, logger: logger)
        let service = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: SystemClock()) { _ in }
        return DatabaseInventory(store: store, service: service)
    }

    func close() async { try? await store.close() }

    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch] {
        let now = clock.now()
        var matches: [KeyHash: InventoryMatch] = [:]
        for hash in keyHashes {
            guard let record = try await store.key(hash: hash) else { continue }
            matches[hash] = Self.match(record, now: now)
        }
        return matches
    }

    func revoke(keyID: String, reason: String, source: LeakSource) async throws -> InventoryMatch {
        guard let id = KeyID(keyID) else { throw ScanInventoryError("\(keyID) is not a key id") }
        let record = try await service.revoke(id: id, reason: reason, by: .system("scanner"), details: source.details)
        return Self.match(record, now: clock.now())
    }

    static func match(_ record: KeyRecord, now: Timestamp) -> InventoryMatch {
        let keyStatus = record.status(at: now).rawValue
        return InventoryMatch(keyID: record.id.description, status: InventoryMatch.status(forKeyStatus: keyStatus), keyStatus: keyStatus, owner: record.owner)
    }
}

/// `KEYWARD_ADDR`/`KEYWARD_TOKEN`: `POST /v1/keys/lookup` with hashes (scope keyward:read) and
/// `POST /v1/keys/{id}/revoke` with the finding's location as `source` (keyward:write).
struct ServerInventory: InventoryLookup {
    let client: KeywardClient

    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch] {
        let result = try await client.lookup(hashes: keyHashes)
        var matches: [KeyHash: InventoryMatch] = [:]
        for match in result.matches {
            guard let hash = KeyHash(hex: match.hash) else { continue }
            let keyStatus = match.status.rawValue
            matches[hash] = InventoryMatch(keyID: match.keyID, status: InventoryMatch.status(forKeyStatus: keyStatus), keyStatus: keyStatus, owner: match.owner)
        }
        return matches
    }

    func revoke(keyID: String, reason: String, source: LeakSource) async throws -> InventoryMatch {
        let key = try await client.revoke(id: keyID, reason: reason, source: source.details)
        let keyStatus = key.status.rawValue
        return InventoryMatch(keyID: key.id, status: InventoryMatch.status(forKeyStatus: keyStatus), keyStatus: keyStatus, owner: key.owner)
    }
}

// MARK: - external identifiers (AWS access key ids and the like, from imported inventory)

extension InventoryMatch {
    /// An imported record's state as the scan reports it: `active`/`rotating` are live, a
    /// disabled, revoked or disappeared record is `revoked` (``keyStatus`` keeps the exact word).
    init(_ match: InventoryLookupResult.Match) {
        let status: LeakStatus = switch match.status {
        case "active", "rotating": .live
        case "expired": .expired
        case "disabled", "revoked", "disappeared": .revoked
        default: .unknown
        }
        self.init(keyID: match.recordID, status: status, keyStatus: match.status, owner: match.owner ?? match.identity)
    }

    /// Matches per identifier; a provider that is not one of the inventory's matches nothing.
    static func byIdentifier(_ identifiers: [ExternalIdentifier], _ matches: [InventoryLookupResult.Match]) -> [ExternalIdentifier: InventoryMatch] {
        var result: [ExternalIdentifier: InventoryMatch] = [:]
        for match in matches {
            let identifier = ExternalIdentifier(provider: match.provider, id: match.externalID)
            if identifiers.contains(identifier), result[identifier] == nil { result[identifier] = InventoryMatch(match) }
        }
        return result
    }
}

extension DatabaseInventory: ExternalIdentifierLookup {
    func lookup(externalIdentifiers: [ExternalIdentifier]) async throws -> [ExternalIdentifier: InventoryMatch] {
        let ids = Array(Set(externalIdentifiers.map(\.id)))
        let records = try await store.governanceRead { try await $0.records(externalIDs: ids) }
        return InventoryMatch.byIdentifier(externalIdentifiers, records.compactMap(InventoryLookupResult.Match.init))
    }
}

extension ServerInventory: ExternalIdentifierLookup {
    func lookup(externalIdentifiers: [ExternalIdentifier]) async throws -> [ExternalIdentifier: InventoryMatch] {
        let ids = Array(Set(externalIdentifiers.map(\.id)))
        var matches: [InventoryLookupResult.Match] = []
        for start in stride(from: 0, to: ids.count, by: InventoryLookupBody.maximumCount) {
            matches += try await client.lookupInventory(externalIDs: Array(ids[start..<min(start + InventoryLookupBody.maximumCount, ids.count)])).matches
        }
        return InventoryMatch.byIdentifier(externalIdentifiers, matches)
    }
}
