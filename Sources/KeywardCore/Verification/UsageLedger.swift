import Synchronization

/// Usage of one key accumulated since the last flush.
public struct UsageDelta: Sendable, Equatable {
    public var keyID: KeyID
    public var uses: Int64
    public var lastUsedAt: Timestamp

    public init(keyID: KeyID, uses: Int64, lastUsedAt: Timestamp) {
        self.keyID = keyID
        self.uses = uses
        self.lastUsedAt = lastUsedAt
    }
}

/// Collects which keys were used since the last flush, so that a flush touches only those.
///
/// A verification never writes to the database: it bumps counters on its ``IndexedKey`` and,
/// the first time after a flush, appends the key here. ``drain()`` hands the totals to whoever
/// writes them out (once a second and at shutdown).
public final class UsageLedger: Sendable {
    private let dirty = Mutex<[IndexedKey]>([])
    private let retries = Mutex<[UsageDelta]>([])

    public init() {}

    func markDirty(_ key: IndexedKey) {
        dirty.withLock { $0.append(key) }
    }

    /// Takes every pending use. A use that races with the drain is either in this batch or the
    /// next; none is lost, because a key is cleared before its counter is taken.
    public func drain() -> [UsageDelta] {
        let keys = dirty.withLock { list -> [IndexedKey] in
            let taken = list
            list.removeAll(keepingCapacity: true)
            return taken
        }
        var deltas = retries.withLock { list -> [UsageDelta] in
            let taken = list
            list.removeAll()
            return taken
        }
        deltas.reserveCapacity(deltas.count + keys.count)
        for key in keys {
            key.isDirty.store(false, ordering: .sequentiallyConsistent)
            let uses = key.pendingUses.exchange(0, ordering: .sequentiallyConsistent)
            guard uses > 0 else { continue }
            deltas.append(UsageDelta(keyID: key.id, uses: uses, lastUsedAt: Timestamp(millisecondsSinceEpoch: key.lastUsedMillis.load(ordering: .relaxed))))
        }
        guard deltas.count > keys.count else { return deltas }
        // Retried deltas may repeat keys of this round: merge so each key appears once.
        var merged: [KeyID: UsageDelta] = [:]
        for delta in deltas {
            merged[delta.keyID, default: UsageDelta(keyID: delta.keyID, uses: 0, lastUsedAt: delta.lastUsedAt)].uses += delta.uses
            merged[delta.keyID]!.lastUsedAt = max(merged[delta.keyID]!.lastUsedAt, delta.lastUsedAt)
        }
        return Array(merged.values)
    }

    /// Puts deltas back after a failed write so the next drain returns them again.
    public func restore(_ deltas: [UsageDelta]) {
        retries.withLock { $0.append(contentsOf: deltas) }
    }

    public var pendingKeyCount: Int { dirty.withLock { $0.count } }
}
