import KeywardCore

/// A caller of a key as the store holds it: the sum of every node's flushes.
public struct StoredCaller: Sendable, Equatable {
    public var id: String
    public var keyID: KeyID
    public var caller: CallerIdentity
    public var network: String?
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var count: Int64
    public var validCount: Int64

    public init(id: String, keyID: KeyID, caller: CallerIdentity, network: String?, firstSeen: Timestamp, lastSeen: Timestamp,
                count: Int64, validCount: Int64) {
        self.id = id
        self.keyID = keyID
        self.caller = caller
        self.network = network
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.validCount = validCount
    }
}

/// What the store holds about one key's usage over a period.
public struct StoredKeyUsage: Sendable, Equatable {
    public var hourly: [UsageCount]
    /// Most recently seen first.
    public var callers: [StoredCaller]
    /// Callers beyond `limit` that were left out of `callers`.
    public var moreCallers: Int
    /// Verifications whose caller was not kept (caller tables full).
    public var callerOverflow: Int64
}
