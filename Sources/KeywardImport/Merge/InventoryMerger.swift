import KeywardCore

/// Merges the records an import yields, one at a time, into the existing inventory, so that an
/// import is idempotent: the same file twice gives the same records, counted `unchanged` the
/// second time, and never a duplicate.
///
/// A record is matched to an existing one by natural key first, then by external id (an AWS key
/// whose id was learned from `list-access-keys` matches a later import of it under any key).
struct InventoryMerger {
    enum Outcome: Equatable {
        case created, updated, unchanged
        /// The same credential appeared earlier in this file, on `line`.
        case duplicate(line: Int)
    }

    private var existing: [String: InventoryRecord] = [:]
    private var naturalKeyByExternalID: [String: String] = [:]
    /// Natural key → the line of the file that listed it.
    private var listedOn: [String: Int] = [:]
    private let now: Timestamp
    private(set) var changed: [InventoryRecord] = []
    private(set) var unchangedKeys: [String] = []
    private(set) var created = 0
    private(set) var updated = 0

    init(existing records: [InventoryRecord], now: Timestamp) {
        self.now = now
        existing.reserveCapacity(records.count)
        for record in records {
            existing[record.naturalKey] = record
            if let externalID = record.externalID { naturalKeyByExternalID[externalID] = record.naturalKey }
        }
    }

    var accepted: Int { listedOn.count }

    mutating func accept(_ incoming: InventoryRecord, line: Int) -> Outcome {
        var key = incoming.naturalKey
        if existing[key] == nil, let externalID = incoming.externalID, let known = naturalKeyByExternalID[externalID] {
            key = known
        }
        if let first = listedOn[key] { return .duplicate(line: first) }
        listedOn[key] = line
        guard let old = existing[key] else {
            var record = incoming
            record.firstSeenAt = now
            record.lastSeenAt = now
            changed.append(record)
            created += 1
            return .created
        }
        let next = old.merged(with: incoming, at: now)
        guard next.differsInContent(from: old) else {
            unchangedKeys.append(key)
            return .unchanged
        }
        changed.append(next)
        updated += 1
        return .updated
    }

    /// Marks as disappeared every record in `scope` that this import did not list, except those of
    /// `protectedIdentities` (identities on rejected rows: their keys may well still exist). An
    /// import that accepted nothing marks nothing: an empty or wholly broken file is no evidence
    /// that keys were deleted.
    mutating func markDisappeared(scope: DisappearanceScope, protectedIdentities: Set<String>) -> Int {
        guard accepted > 0 else { return 0 }
        var gone: [InventoryRecord] = []
        for (key, record) in existing where listedOn[key] == nil && record.status != .disappeared && scope.contains(record) {
            if let identity = record.identity, protectedIdentities.contains(identity) { continue }
            var next = record
            next.status = .disappeared
            next.disappearedAt = now
            gone.append(next)
        }
        changed.append(contentsOf: gone.sorted { $0.naturalKey < $1.naturalKey })
        return gone.count
    }
}
