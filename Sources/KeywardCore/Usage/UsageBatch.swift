/// Uses of one key since the last flush: added to its `use_count` and `last_used_at`.
public struct UsageDelta: Sendable, Equatable {
    public var keyID: KeyID
    public var uses: Int64
    public var lastUsedAt: Timestamp

    public init(keyID: KeyID, uses: Int64, lastUsedAt: Timestamp) {
        self.keyID = keyID
        self.uses = uses
        self.lastUsedAt = lastUsedAt
    }

    /// The deltas with each key once: uses added, the latest use kept (a batch put back after a
    /// failed write meets the same keys' new uses).
    static func merged(_ deltas: [UsageDelta]) -> [UsageDelta] {
        var merged: [KeyID: UsageDelta] = [:]
        for delta in deltas {
            if var known = merged[delta.keyID] {
                known.uses += delta.uses
                known.lastUsedAt = max(known.lastUsedAt, delta.lastUsedAt)
                merged[delta.keyID] = known
            } else {
                merged[delta.keyID] = delta
            }
        }
        return Array(merged.values)
    }
}

/// Hourly count of one key's verifications with one answer.
public struct UsageCount: Sendable, Equatable {
    public var keyID: KeyID
    /// The hour's first instant.
    public var hour: Timestamp
    public var code: VerificationCode
    public var count: Int64

    public init(keyID: KeyID, hour: Timestamp, code: VerificationCode, count: Int64) {
        self.keyID = keyID
        self.hour = hour
        self.code = code
        self.count = count
    }
}

/// One caller of one key since the last flush.
public struct CallerUsage: Sendable, Equatable {
    public var keyID: KeyID
    public var caller: CallerIdentity
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var count: Int64
    /// Of `count`, the verifications answered VALID.
    public var validCount: Int64

    public init(keyID: KeyID, caller: CallerIdentity, firstSeen: Timestamp, lastSeen: Timestamp, count: Int64, validCount: Int64) {
        self.keyID = keyID
        self.caller = caller
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.validCount = validCount
    }
}

/// Unknown (`NOT_FOUND`) and `MALFORMED` keys from one address in one hour: the trace of
/// someone guessing keys.
public struct GuessUsage: Sendable, Equatable {
    /// An IPv4 address, or an IPv6 /64.
    public var source: String
    public var hour: Timestamp
    public var notFound: Int64
    public var malformed: Int64
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp

    public init(source: String, hour: Timestamp, notFound: Int64, malformed: Int64, firstSeen: Timestamp, lastSeen: Timestamp) {
        self.source = source
        self.hour = hour
        self.notFound = notFound
        self.malformed = malformed
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// What ``UsageRecorder`` counted since its last drain: the keys' uses and the monitoring tables,
/// each written by its own store call (`recordUsage`, `recordMonitoredUsage`).
public struct RecordedUsage: Sendable, Equatable {
    /// Uses per key, each key once.
    public var uses: [UsageDelta] = []
    /// Hourly counts by answer, callers and guesses.
    public var monitored = UsageBatch()

    public init(uses: [UsageDelta] = [], monitored: UsageBatch = UsageBatch()) {
        self.uses = uses
        self.monitored = monitored
    }

    public var isEmpty: Bool { uses.isEmpty && monitored.isEmpty }
}

/// The monitoring part of what ``UsageRecorder`` counted, ready to be added to the store.
public struct UsageBatch: Sendable, Equatable {
    public var counts: [UsageCount] = []
    public var callers: [CallerUsage] = []
    public var guesses: [GuessUsage] = []
    /// Verifications of a key whose caller did not fit the in-memory caller table.
    public var callerOverflow: [KeyID: Int64] = [:]
    /// Unknown or malformed keys whose source did not fit the guess table.
    public var droppedGuesses: Int64 = 0

    public init() {}

    public var isEmpty: Bool { counts.isEmpty && callers.isEmpty && guesses.isEmpty && callerOverflow.isEmpty && droppedGuesses == 0 }

    /// Adds `other` (a batch that failed to write, put back for the next flush).
    public mutating func merge(_ other: UsageBatch) {
        counts += other.counts
        callers += other.callers
        guesses += other.guesses
        callerOverflow.merge(other.callerOverflow, uniquingKeysWith: +)
        droppedGuesses += other.droppedGuesses
    }
}

extension Timestamp {
    /// The first instant of this timestamp's hour (UTC).
    public var hourStart: Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch - ((millisecondsSinceEpoch % 3_600_000) + 3_600_000) % 3_600_000)
    }
}
