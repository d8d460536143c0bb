import Synchronization

/// Per-key usage counted in memory on the verify path: hourly counts by answer, distinct callers
/// with first and last sight, and unknown or malformed keys by address.
///
/// A verification costs one lock of one of 16 shards (chosen by key, or by address for keys
/// that were not found) and two dictionary updates of fixed-size keys; it allocates only when a
/// caller is met for the first time since the last flush (its strings are then copied once).
/// ``drain()`` swaps the tables out for the usage flusher, which adds them to the store; tables
/// are bounded by ``UsageLimits`` and what does not fit is counted as overflow.
public final class UsageRecorder: Sendable {
    static let shardCount = 16
    /// The guess table's bound is split across shards; each may round up by one.
    public static var shardCountForTests: Int { shardCount }
    public let limits: UsageLimits
    private let shards: [UsageShardBox]
    /// Callers held by all shards, checked against ``UsageLimits/totalCallers``.
    private let callerTotal = Atomic<Int>(0)
    private let retries = Mutex(UsageBatch())

    public init(limits: UsageLimits = UsageLimits()) {
        self.limits = limits
        shards = (0..<UsageRecorder.shardCount).map { _ in UsageShardBox() }
    }

    /// Counts one verification. `key` is the key the plaintext belonged to (nil for
    /// `MALFORMED` and `NOT_FOUND`, which are counted by address instead).
    public func record(_ key: IndexedKey?, code: VerificationCode, at now: Timestamp, caller: CallerFields) {
        let hour = now.hourStart.millisecondsSinceEpoch
        let millis = now.millisecondsSinceEpoch
        guard let key else {
            // Unknown keys: only the address matters (there is no key to attribute them to).
            guard let address = caller.address?.guessSource else { return }
            let shard = shards[Int(truncatingIfNeeded: address.low ^ address.high) & (UsageRecorder.shardCount - 1)]
            let limit = limits.guessSources / UsageRecorder.shardCount + 1
            shard.state.withLock { $0.recordGuess(GuessKey(source: address, hour: hour), malformed: code == .malformed, at: millis, limit: limit) }
            return
        }
        let slot = KeySlot(key.idDigits)
        let hashes = caller.fieldHashes()
        var hasher = Hasher()
        hasher.combine(caller.address)
        hasher.combine(hashes.label)
        hasher.combine(hashes.agent)
        hasher.combine(hashes.environment)
        let fingerprint = hasher.finalize()
        let codeIndex = UInt8(VerificationCode.index(of: code))
        let limits = self.limits
        shards[slot.shard].state.withLock { shard in
            shard.counts[CountKey(slot: slot, hour: hour, code: codeIndex), default: 0] += 1
            let callerKey = CallerKey(slot: slot, fingerprint: fingerprint)
            if let index = shard.callers.index(forKey: callerKey) {
                shard.callers.values[index].add(at: millis, valid: code == .valid)
                return
            }
            let held = shard.callersPerKey[slot, default: 0]
            guard held < limits.callersPerKey, callerTotal.load(ordering: .relaxed) < limits.totalCallers else {
                shard.overflow[slot, default: 0] += 1
                return
            }
            shard.callersPerKey[slot] = held + 1
            callerTotal.add(1, ordering: .relaxed)
            let limit = limits.maximumFieldBytes
            let recorded = RecordedCaller(
                address: caller.address, label: shard.interner.intern(caller.label, hash: hashes.label, limit: limit),
                agent: shard.interner.intern(caller.agent, hash: hashes.agent, limit: limit),
                environment: shard.interner.intern(caller.environment, hash: hashes.environment, limit: limit))
            var tally = CallerTally(caller: recorded, first: millis)
            tally.add(at: millis, valid: code == .valid)
            shard.callers[callerKey] = tally
        }
    }

    /// Takes everything counted so far (and batches put back by ``restore(_:)``).
    public func drain() -> UsageBatch {
        var batch = retries.withLock { pending in
            let taken = pending
            pending = UsageBatch()
            return taken
        }
        for shard in shards {
            let taken = shard.state.withLock { shard in
                let taken = shard
                shard.clear()
                return taken
            }
            callerTotal.subtract(taken.callers.count, ordering: .relaxed)
            taken.append(to: &batch)
        }
        return batch
    }

    /// Puts a batch back after a failed write so that the next drain returns it again.
    public func restore(_ batch: UsageBatch) {
        retries.withLock { $0.merge(batch) }
    }
}

/// A key as the recorder's tables name it: the id's packed digits, copied from the index entry
/// without building the id's text.
struct KeySlot: Hashable {
    var a: UInt64, b: UInt64, c: UInt64

    init(_ digits: KeyID.PackedDigits) { (a, b, c) = digits.words }

    var shard: Int { Int(truncatingIfNeeded: a ^ b ^ c ^ (c >> 17)) & (UsageRecorder.shardCount - 1) }
    var keyID: KeyID { KeyID.PackedDigits(words: (a, b, c)).keyID }
}

struct CountKey: Hashable {
    var slot: KeySlot
    var hour: Int64
    var code: UInt8
}

struct CallerKey: Hashable {
    var slot: KeySlot
    var fingerprint: Int
}

struct CallerTally {
    var caller: RecordedCaller
    var first: Int64
    var last: Int64 = 0
    var count: Int64 = 0
    var valid: Int64 = 0

    init(caller: RecordedCaller, first: Int64) {
        self.caller = caller
        self.first = first
    }

    mutating func add(at millis: Int64, valid isValid: Bool) {
        count += 1
        if isValid { valid += 1 }
        if millis > last { last = millis }
        if millis < first { first = millis }
    }
}

struct GuessKey: Hashable {
    var source: IPAddress
    var hour: Int64
}

struct GuessTally {
    var notFound: Int64 = 0
    var malformed: Int64 = 0
    var first: Int64
    var last: Int64
}

/// One shard's tables behind their own lock (a class, because a `Mutex` cannot be copied into an array).
final class UsageShardBox: Sendable {
    let state = Mutex(UsageShard())
}

struct UsageShard {
    var counts: [CountKey: Int64] = [:]
    var callers: [CallerKey: CallerTally] = [:]
    var callersPerKey: [KeySlot: Int] = [:]
    var overflow: [KeySlot: Int64] = [:]
    var guesses: [GuessKey: GuessTally] = [:]
    var droppedGuesses: Int64 = 0
    /// Kept across flushes: field values repeat from one interval to the next.
    var interner = FieldInterner()

    mutating func recordGuess(_ key: GuessKey, malformed: Bool, at millis: Int64, limit: Int) {
        if guesses[key] == nil {
            guard guesses.count < limit else {
                droppedGuesses += 1
                return
            }
            guesses[key] = GuessTally(first: millis, last: millis)
        }
        guesses[key]!.last = max(guesses[key]!.last, millis)
        if malformed { guesses[key]!.malformed += 1 } else { guesses[key]!.notFound += 1 }
    }

    /// Empties the tables but keeps their capacity, so the next interval does not regrow them.
    mutating func clear() {
        counts.removeAll(keepingCapacity: true)
        callers.removeAll(keepingCapacity: true)
        callersPerKey.removeAll(keepingCapacity: true)
        overflow.removeAll(keepingCapacity: true)
        guesses.removeAll(keepingCapacity: true)
        droppedGuesses = 0
    }

    func append(to batch: inout UsageBatch) {
        var ids: [KeySlot: KeyID] = [:]
        func id(_ slot: KeySlot) -> KeyID {
            if let known = ids[slot] { return known }
            let made = slot.keyID
            ids[slot] = made
            return made
        }
        for (key, count) in counts {
            batch.counts.append(UsageCount(keyID: id(key.slot), hour: Timestamp(millisecondsSinceEpoch: key.hour),
                                           code: VerificationCode.allCases[Int(key.code)], count: count))
        }
        for (key, tally) in callers {
            batch.callers.append(CallerUsage(keyID: id(key.slot), caller: tally.caller.identity, firstSeen: Timestamp(millisecondsSinceEpoch: tally.first),
                                             lastSeen: Timestamp(millisecondsSinceEpoch: tally.last), count: tally.count, validCount: tally.valid))
        }
        for (slot, count) in overflow { batch.callerOverflow[id(slot), default: 0] += count }
        for (key, tally) in guesses {
            batch.guesses.append(GuessUsage(source: key.source.isIPv4 ? key.source.description : "\(key.source)/64",
                                            hour: Timestamp(millisecondsSinceEpoch: key.hour), notFound: tally.notFound,
                                            malformed: tally.malformed, firstSeen: Timestamp(millisecondsSinceEpoch: tally.first),
                                            lastSeen: Timestamp(millisecondsSinceEpoch: tally.last)))
        }
        batch.droppedGuesses += droppedGuesses
    }
}

extension VerificationCode {
    /// Position in `allCases`, without searching (the recorder stores codes as one byte).
    static func index(of code: VerificationCode) -> Int {
        switch code {
        case .valid: return 0
        case .malformed: return 1
        case .notFound: return 2
        case .expired: return 3
        case .revoked: return 4
        case .disabled: return 5
        case .insufficientScope: return 6
        case .rateLimited: return 7
        case .ipNotAllowed: return 8
        }
    }
}
