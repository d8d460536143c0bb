import KeywardCore
import KeywardPolicy
import KeywardStore
import Logging
import Synchronization

/// Governance as a service: imports, the inventory view, owners and offboarding, policy
/// evaluation with reconciled findings, access reviews and the posture report — the calls of
/// docs/governance.md section 7 carried out against the store.
///
/// Each operation computes with the pure layer (KeywardImport, KeywardPolicy, KeywardCore's
/// Governance types) and writes its result, its finding history and its audit event in one
/// transaction. Key revocations go through ``KeywardStore/KeyService`` so the verify index and
/// the key's own audit trail stay as for any other revocation.
///
/// Operations that read, compute and write the same governance rows (imports, evaluations,
/// offboarding, review answers) take turns on one lock: an evaluation that read an open finding
/// must not overwrite an acknowledgement that committed in between.
public final class GovernanceService: Sendable {
    public let store: SQLStore
    public let keys: KeyService
    public let clock: any WallClock
    public let logger: Logger
    /// Moves on every inventory change; the server's scheduler re-evaluates when it does.
    public let changes: InventoryChanges
    private let current: Mutex<LoadedPolicy>
    let serial = AsyncSerialLock()

    public init(store: SQLStore, keys: KeyService, clock: any WallClock, policy: LoadedPolicy = .builtIn,
                changes: InventoryChanges = InventoryChanges(), logger: Logger = Logger(label: "keyward.governance")) {
        self.store = store
        self.keys = keys
        self.clock = clock
        self.logger = logger
        self.changes = changes
        current = Mutex(policy)
    }

    /// The policy in force.
    public var policy: LoadedPolicy { current.withLock { $0 } }

    func replacePolicy(_ policy: LoadedPolicy) {
        current.withLock { $0 = policy }
    }

    // MARK: inventory

    /// One page of keyward keys and external records.
    public func inventory(_ filter: InventoryFilter) async throws -> InventoryPage {
        try await store.inventoryPage(filter, now: clock.now())
    }

    /// Imported records by their provider identifiers (the scanner's AWS access key ids).
    public func records(externalIDs: [String], provider: InventoryProvider? = nil) async throws -> [InventoryRecord] {
        guard !externalIDs.isEmpty else { return [] }
        return try await store.governanceRead { try await $0.records(externalIDs: externalIDs, provider: provider) }
    }

    /// Every credential as the policy engine sees it: keyward keys and imported records.
    func snapshot(now: Timestamp) async throws -> (items: [InventoryItem], owners: OwnerRegistry) {
        var items: [InventoryItem] = []
        try await store.forEachKeyPage { page in
            // Drill and canary keys are not credentials anyone uses: no policy findings (KeyClass).
            items.append(contentsOf: page.lazy.filter { $0.keyClass == .standard }.map { InventoryItem(key: $0, now: now) })
        }
        let (records, owners) = try await store.governanceRead { sql in
            var items: [InventoryItem] = []
            try await sql.forEachRecordPage { page in items.append(contentsOf: page.map { InventoryItem(record: $0, now: now) }) }
            return (items, try await sql.owners())
        }
        items.append(contentsOf: records)
        return (items, OwnerRegistry(owners))
    }
}
