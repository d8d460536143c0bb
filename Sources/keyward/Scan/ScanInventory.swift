import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import KeywardDeployment
import KeywardScan
import KeywardSettings
import KeywardStore

/// The inventory a scan links to: the local database (`--db`) or a server (`KEYWARD_ADDR`,
/// `KEYWARD_TOKEN`). Either way only SHA-256 hashes of keys are looked up.
struct ScanInventory {
    let lookup: any InventoryLookup
    let name: String
    let close: @Sendable () async -> Void

    /// `--db` first, then a server when `KEYWARD_TOKEN` or `KEYWARD_ADDR` is set; nil when neither.
    static func open(db: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ScanInventory? {
        if let db {
            let inventory = try await DatabaseInventory.open(path: db, environment: environment)
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

/// `--db PATH`: reads keys from the store and responds to leaks through ``KeyService``, in one
/// transaction with the finding and the audit events, as the server would.
final class DatabaseInventory: InventoryLookup {
    let store: SQLStore
    let service: KeyService

    /// An inventory on a store and key service built elsewhere (from the deployment's
    /// configuration, so that its life-cycle settings apply). ``close()`` closes the store.
    init(store: SQLStore, service: KeyService) {
        self.store = store
        self.service = service
    }

    /// The deployment on the file at `path`, opened by the composition root with the
    /// deployment's configuration (`KEYWARD_…` variables and `KEYWARD_CONFIG`), so that its key
    /// format and life-cycle apply; a path with no database is an error, not a new database.
    static func open(path: String, environment: [String: String]) async throws -> DatabaseInventory {
        do {
            let resolved = try ConfigurationLoader(flags: ["db": path], configPath: nil, environment: environment).load()
            let deployment = try await Deployment.open(resolved, existing: true, logger: .keyward(level: resolved.configuration.logLevel, quiet: true))
            return DatabaseInventory(store: deployment.store, service: deployment.keys)
        } catch let error as ConfigurationError {
            throw ScanInventoryError(error.description)
        }
    }

    func close() async { try? await store.close() }

    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch] {
        let now = service.clock.now()
        return try await store.keys(hashes: keyHashes).mapValues { InventoryMatch($0, now: now) }
    }

    /// The key service's leak response, always revoking (`--revoke` asked for it), with the
    /// actor `scanner`: a server on the same file sees the revocation through its change feed.
    func respondToLeaks(_ sightings: [LeakSighting]) async throws -> [LeakOutcome] {
        let report = LeakReportBatch(sightings: sightings, reporter: .scanner(actor: "scanner"))
        return try await service.respondToLeaks([report], action: .revoke)[0]
    }
}

/// `KEYWARD_ADDR`/`KEYWARD_TOKEN`: `POST /v1/keys/lookup` with hashes (scope keyward:read) and
/// `POST /v1/leaks/revoke` with hashes and places (keyward:write), which runs the same leak
/// response on the server.
struct ServerInventory: InventoryLookup {
    let client: KeywardClient

    func lookup(keyHashes: [KeyHash]) async throws -> [KeyHash: InventoryMatch] {
        let result = try await client.lookup(hashes: keyHashes)
        var matches: [KeyHash: InventoryMatch] = [:]
        for match in result.matches {
            guard let hash = KeyHash(hex: match.hash), let id = KeyID(match.keyID) else {
                throw ScanInventoryError("the server answered a look-up with a malformed hash or key id")
            }
            matches[hash] = InventoryMatch(.key(id), state: InventoryStatus(match.status), owner: match.owner)
        }
        return matches
    }

    func respondToLeaks(_ sightings: [LeakSighting]) async throws -> [LeakOutcome] {
        let answer = try await client.revokeLeaks(sightings.map(LeakRevokeItem.init))
        guard answer.leaks.count == sightings.count else {
            throw ScanInventoryError("the server answered \(answer.leaks.count) outcomes for \(sightings.count) leaked keys")
        }
        return try answer.leaks.map { item in
            guard let outcome = item.outcome else { throw ScanInventoryError("the server answered \(item.action.rawValue) without a key id") }
            return outcome
        }
    }
}

extension InventoryMatch {
    /// A keyward key as the scan reports it.
    init(_ record: KeyRecord, now: Timestamp) {
        self.init(.key(record.id), state: InventoryStatus(record.status(at: now)), owner: record.owner)
    }
}

// MARK: - external identifiers (AWS access key ids and the like, from imported inventory)

extension InventoryMatch {
    /// An imported record as the scan reports it: `active`/`rotating` are live, a disabled,
    /// revoked or disappeared record is `revoked` (``state`` keeps the exact word).
    init(_ match: InventoryLookupResult.Match) {
        self.init(.record(match.recordID), state: match.status, owner: match.owner ?? match.identity)
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
