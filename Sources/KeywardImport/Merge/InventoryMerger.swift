import KeywardCore

/// Merges the records an import yields, one at a time, into the existing inventory, so that an
/// import is idempotent: the same file twice gives the same records, counted `unchanged` the
/// second time, and never a duplicate.
///
/// A record is matched to an existing one by natural key first, then by external id (an AWS key
/// whose id was learned from `list-access-keys` matches a later import of it under any key).
struct InventoryMerger {
    enum Outcome: Equatable {
        /// Each with the record as the inventory now holds it (merged with what it held before).
        case created(InventoryRecord), updated(InventoryRecord), unchanged(InventoryRecord)
        /// The same credential appeared earlier in this file, on `line`.
        case duplicate(line: Int)
    }

    /// The existing records, kept as given (no copy); looked up by position.
    private let existing: [InventoryRecord]
    private var positionByNaturalKey: [String: Int] = [:]
    private var positionByExternalID: [String: Int] = [:]
    /// For each existing record, the line of this file that listed it (0: not listed).
    private var listedLine: [Int]
    /// New natural keys → the line that listed them.
    private var newOn: [String: Int] = [:]
    private let now: Timestamp
    private(set) var changed: [InventoryRecord] = []
    private(set) var unchangedKeys: [String] = []
    private(set) var created = 0
    private(set) var updated = 0
    private(set) var accepted = 0

    init(existing records: [InventoryRecord], now: Timestamp) {
        self.now = now
        existing = records
        listedLine = [Int](repeating: 0, count: records.count)
        positionByNaturalKey.reserveCapacity(records.count)
        for (position, record) in records.enumerated() {
            positionByNaturalKey[record.naturalKey] = position
            if let externalID = record.externalID { positionByExternalID[externalID] = position }
        }
    }

    mutating func accept(_ incoming: InventoryRecord, line: Int) -> Outcome {
        var position = positionByNaturalKey[incoming.naturalKey]
        if position == nil, let externalID = incoming.externalID { position = positionByExternalID[externalID] }
        guard let position else {
            if let first = newOn[incoming.naturalKey] { return .duplicate(line: first) }
            newOn[incoming.naturalKey] = line
            accepted += 1
            var record = incoming
            record.firstSeenAt = now
            record.lastSeenAt = now
            changed.append(record)
            created += 1
            return .created(record)
        }
        if listedLine[position] != 0 { return .duplicate(line: listedLine[position]) }
        listedLine[position] = line
        accepted += 1
        let old = existing[position]
        let next = old.merged(with: incoming, at: now)
        guard next.differsInContent(from: old) else {
            unchangedKeys.append(old.naturalKey)
            return .unchanged(old)
        }
        changed.append(next)
        updated += 1
        return .updated(next)
    }

    /// The identities of the existing records in `scope`: a listing that speaks for whole
    /// accounts speaks for every identity they held, including those it no longer lists.
    func identities(in scope: DisappearanceScope) -> Set<String> {
        Set(existing.lazy.filter(scope.contains).compactMap(\.identity))
    }

    /// Marks as disappeared every record in `scope` that this import did not list, except those of
    /// `protectedIdentities` (identities on rejected rows: their keys may well still exist). An
    /// import that accepted nothing marks nothing: an empty or wholly broken file is no evidence
    /// that keys were deleted.
    mutating func markDisappeared(scope: DisappearanceScope, protectedIdentities: Set<String>) -> Int {
        guard accepted > 0 else { return 0 }
        var gone: [InventoryRecord] = []
        for (position, record) in existing.enumerated() where listedLine[position] == 0 && record.status != .disappeared && record.status != .deleted && scope.contains(record) {
            if let identity = record.identity, protectedIdentities.contains(identity) { continue }
            var next = record
            next.status = .disappeared
            next.disappearedAt = now
            gone.append(next)
        }
        changed.append(contentsOf: gone)
        return gone.count
    }
}
