import Synchronization

/// One key as the verify index holds it: only what verification and its answer need, about
/// 200 bytes including the index's share, so that a million keys fit in a couple of hundred MB.
///
/// Configuration (owner, scopes, restrictions) is immutable; a change to it replaces the entry.
/// State that changes often and must be seen at once by concurrent verifications (revoked,
/// disabled, rotating, expiry) lives in atomics and is updated in place. Use counters live here
/// too, so that counting a use costs two atomic operations and no lock.
public final class IndexedKey: Sendable {
    public let idDigits: KeyID.PackedDigits
    public let hash: KeyHash
    public let owner: String
    public let environment: String
    public let scopes: ScopeSet
    public let restrictions: KeyRestrictions?

    /// `KeyState` raw value plus `disabledBit`.
    let stateBits: Atomic<UInt8>
    /// Milliseconds since the epoch; `Int64.max` when the key never expires.
    let expiresAtMillis: Atomic<Int64>

    let pendingUses: Atomic<Int64>
    let lastUsedMillis: Atomic<Int64>
    let isDirty: Atomic<Bool>

    static let disabledBit: UInt8 = 0x80
    static let stateCodes: [KeyState] = [.active, .rotating, .revoked]

    init(record: KeyRecord, owner: String, environment: String, scopes: ScopeSet, restrictions: KeyRestrictions?) {
        idDigits = record.id.packedDigits
        hash = record.hash
        self.owner = owner
        self.environment = environment
        self.scopes = scopes
        self.restrictions = restrictions
        stateBits = Atomic(IndexedKey.bits(for: record))
        expiresAtMillis = Atomic(record.expiresAt?.millisecondsSinceEpoch ?? .max)
        pendingUses = Atomic(0)
        lastUsedMillis = Atomic(0)
        isDirty = Atomic(false)
    }

    static func bits(for record: KeyRecord) -> UInt8 {
        UInt8(stateCodes.firstIndex(of: record.state)!) | (record.disabled ? disabledBit : 0)
    }

    public var state: KeyState { IndexedKey.stateCodes[Int(stateBits.load(ordering: .acquiring) & 0x7F)] }
    public var isDisabled: Bool { stateBits.load(ordering: .acquiring) & IndexedKey.disabledBit != 0 }
    public var expiresAt: Timestamp? {
        let value = expiresAtMillis.load(ordering: .relaxed)
        return value == .max ? nil : Timestamp(millisecondsSinceEpoch: value)
    }

    /// Applies the mutable part of a newer record in place.
    func update(from record: KeyRecord) {
        expiresAtMillis.store(record.expiresAt?.millisecondsSinceEpoch ?? .max, ordering: .relaxed)
        stateBits.store(IndexedKey.bits(for: record), ordering: .releasing)
    }

    /// True when `record` differs from this entry only in what ``update(from:)`` can change.
    func hasSameConfiguration(as record: KeyRecord) -> Bool {
        record.id == id && record.owner == owner && record.environment == environment
            && record.scopes == scopes.scopes && record.rateLimit == restrictions?.rateLimiter?.policy
            && record.allowedCIDRs == (restrictions?.allowedNetworks ?? [])
    }

    /// Counts one use. True for the first use since the uses were last taken: the caller
    /// (``UsageRecorder``) then lists the entry, so that its drain visits only used keys.
    func countUse(at now: Timestamp) -> Bool {
        pendingUses.wrappingAdd(1, ordering: .relaxed)
        lastUsedMillis.store(now.millisecondsSinceEpoch, ordering: .relaxed)
        return !isDirty.load(ordering: .relaxed) && !isDirty.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Takes the uses counted since the last take; nil when there were none. The entry is
    /// unlisted before its counter is read, so a use racing with this is taken now or next time.
    func takeUses() -> UsageDelta? {
        isDirty.store(false, ordering: .sequentiallyConsistent)
        let uses = pendingUses.exchange(0, ordering: .sequentiallyConsistent)
        guard uses > 0 else { return nil }
        return UsageDelta(keyID: id, uses: uses, lastUsedAt: Timestamp(millisecondsSinceEpoch: lastUsedMillis.load(ordering: .relaxed)))
    }
}

/// The optional checks of a key, kept out of line so keys without them cost one null pointer.
public final class KeyRestrictions: Sendable {
    public let rateLimiter: RateLimiter?
    public let allowedNetworks: [CIDR]

    init?(record: KeyRecord, now: Timestamp) {
        guard record.rateLimit != nil || !record.allowedCIDRs.isEmpty else { return nil }
        rateLimiter = record.rateLimit.map { RateLimiter(policy: $0, now: now) }
        allowedNetworks = record.allowedCIDRs
    }

    func allows(_ address: IPAddress?) -> Bool {
        guard !allowedNetworks.isEmpty else { return true }
        guard let address else { return false }
        return allowedNetworks.contains { $0.contains(address) }
    }
}

extension IndexedKey {
    public var id: KeyID { idDigits.keyID }

    /// Uses counted since the last flush.
    public var unflushedUses: Int64 { pendingUses.load(ordering: .relaxed) }

    /// The last use seen by this node, if any since start.
    public var unflushedLastUsed: Timestamp? {
        let value = lastUsedMillis.load(ordering: .relaxed)
        return value == 0 ? nil : Timestamp(millisecondsSinceEpoch: value)
    }
}
