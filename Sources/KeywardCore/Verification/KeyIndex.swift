import Synchronization

/// The in-memory map from key hash to key that answers every verification.
///
/// Split into 64 shards, each a ``KeySlotTable`` behind its own lock, so that verifications on two
/// cores rarely meet on the same lock and a bulk update (offboarding thousands of keys) holds no
/// lock for long.
/// Strings and scope sets are interned: keys that share an owner or a scope list share storage.
public final class KeyIndex: Sendable {
    static let shardCount = 64
    private let shards: [Shard]
    private let interned = Mutex(Interner())

    public init() {
        shards = (0..<KeyIndex.shardCount).map { _ in Shard() }
    }
    static func shardIndex(_ hash: KeyHash) -> Int { Int(truncatingIfNeeded: hash.w1 & UInt64(shardCount - 1)) }

    public func lookup(_ hash: KeyHash) -> IndexedKey? {
        shards[KeyIndex.shardIndex(hash)].entries.withLock { $0.lookup(hash) }
    }

    /// Adds or updates the entry for a record; state changes apply in place, configuration
    /// changes replace the entry (the usage recorder still lists the old one, so its pending
    /// uses are still flushed).
    public func upsert(_ record: KeyRecord, now: Timestamp) {
        let shard = shards[KeyIndex.shardIndex(record.hash)]
        if let existing = shard.entries.withLock({ $0.lookup(record.hash) }), existing.hasSameConfiguration(as: record) {
            existing.update(from: record)
            return
        }
        let entry = makeEntry(record, now: now)
        shard.entries.withLock { $0.insert(entry) }
    }

    /// Entries built outside the locks, to be installed in one step (start-up, resynchronisation).
    public struct Batch: Sendable {
        fileprivate var grouped = [KeySlotTable](repeating: KeySlotTable(), count: KeyIndex.shardCount)
        public fileprivate(set) var count = 0
        public init() {}
    }

    public func add(_ records: some Sequence<KeyRecord>, to batch: inout Batch, now: Timestamp) {
        for record in records {
            batch.grouped[KeyIndex.shardIndex(record.hash)].insert(makeEntry(record, now: now))
            batch.count += 1
        }
    }

    /// Installs a batch. With `replacing`, each shard's contents become exactly the batch's
    /// (keys missing from the batch disappear); otherwise the batch is merged in.
    public func install(_ batch: Batch, replacing: Bool) {
        for (index, entries) in batch.grouped.enumerated() {
            shards[index].entries.withLock { shard in
                if replacing {
                    shard = entries
                } else {
                    for entry in entries.entries { shard.insert(entry) }
                }
            }
        }
    }

    public func load(_ records: some Sequence<KeyRecord>, now: Timestamp) {
        var batch = Batch()
        add(records, to: &batch, now: now)
        install(batch, replacing: false)
    }

    public func remove(_ hash: KeyHash) {
        _ = shards[KeyIndex.shardIndex(hash)].entries.withLock { $0.remove(hash) }
    }

    public var count: Int { shards.reduce(0) { total, shard in total + shard.entries.withLock { $0.count } } }

    private func makeEntry(_ record: KeyRecord, now: Timestamp) -> IndexedKey {
        let (owner, environment, scopes) = interned.withLock { interner in
            (interner.intern(record.owner), interner.intern(record.environment), interner.intern(scopes: record.scopes))
        }
        return IndexedKey(
            record: record, owner: owner, environment: environment, scopes: scopes,
            restrictions: KeyRestrictions(record: record, now: now)
        )
    }
}

final class Shard: Sendable {
    let entries = Mutex(KeySlotTable())
}

/// Shares one copy of each distinct string and scope list among index entries.
struct Interner {
    private var strings: Set<String> = []
    private var scopeSets: [[String]: ScopeSet] = [:]

    mutating func intern(_ value: String) -> String {
        if let existing = strings.firstIndex(of: value) { return strings[existing] }
        strings.insert(value)
        return value
    }

    mutating func intern(scopes: [String]) -> ScopeSet {
        if let existing = scopeSets[scopes] { return existing }
        let set = ScopeSet(normalized: scopes)
        scopeSets[scopes] = set
        return set
    }
}
