import Synchronization

/// Everything a node counts about how its keys are used, in memory, for the usage flusher.
///
/// Each verification is recorded once, here, by whoever answered it:
///
/// - ``record(_:caller:)`` for a verification answered by `POST /v1/verify`: a VALID one is a use
///   of the key (its `use_count` and `last_used_at`), and every answer is counted by the hour,
///   by caller, and — for unknown and malformed keys — by source address;
/// - ``recordCredentialUse(_:at:)`` for a keyward credential that authenticated a request: a use
///   of the key only. The monitoring tables describe the traffic of the services that verify
///   keys; a credential's calls to keyward's own API are the audit log's business.
///
/// ``drain()`` hands the flusher one ``RecordedUsage`` with both, and ``restore(_:)`` takes back
/// what it failed to write.
///
/// A use costs two atomic operations on the key's index entry (where reads of the key find the
/// count not yet flushed), plus, the first time after a drain, an append to the list of used
/// keys. The tables cost one lock of one of 16 shards (chosen by key, or by address for keys that
/// were not found), one lookup of the key's tally (inline counters per answer for the current
/// hour) and one of its caller, both keyed by single words; they allocate only when a caller is
/// met for the first time since the last drain and its label, User-Agent or environment was never
/// seen by the shard (field strings are interned). The tables are bounded by ``UsageLimits``;
/// what does not fit is counted as overflow. Nothing here touches the database.
public final class UsageRecorder: Sendable {
    static let shardCount = 16
    public let limits: UsageLimits
    private let shards: [UsageShardBox]
    /// Callers held by all shards, checked against ``UsageLimits/totalCallers``.
    private let callerTotal = Atomic<Int>(0)
    /// Guess sources held by all shards, kept within ``UsageLimits/guessSources`` exactly.
    private let guessTotal = Atomic<Int>(0)
    /// Entries used since the last drain; each is listed once (see ``IndexedKey/countUse(at:)``).
    private let usedKeys = Mutex<[IndexedKey]>([])
    private let retries = Mutex(RecordedUsage())

    public init(limits: UsageLimits = UsageLimits()) {
        self.limits = limits
        shards = (0..<UsageRecorder.shardCount).map { _ in UsageShardBox() }
    }

    /// Counts one verification answered by `POST /v1/verify`, with its final answer (after any
    /// confirmation against the store). `outcome.key` is nil for `MALFORMED` and `NOT_FOUND`,
    /// which are counted by address instead.
    public func record(_ outcome: Verifier.Outcome, caller: CallerFields) {
        let hour = outcome.checkedAt.hourStart.millisecondsSinceEpoch
        let millis = outcome.checkedAt.millisecondsSinceEpoch
        guard let key = outcome.key else {
            // Unknown keys: only the address matters (there is no key to attribute them to).
            guard let address = caller.address?.guessSource else { return }
            let shard = shards[Int(truncatingIfNeeded: address.low ^ address.high) & (UsageRecorder.shardCount - 1)]
            shard.state.withLock {
                $0.recordGuess(GuessKey(source: address, hour: hour), malformed: outcome.code == .malformed, at: millis, admit: admitGuessSource)
            }
            return
        }
        let valid = outcome.code == .valid
        if valid { countUse(of: key, at: outcome.checkedAt) }
        let slot = KeySlot(key)
        let hashes = caller.fieldHashes()
        let callerKey = CallerKey(slot: slot, fingerprint: caller.fingerprint(hashes))
        let codeIndex = VerificationCode.index(of: outcome.code)
        let limits = self.limits
        shards[slot.shard].state.withLock { shard in
            // One lookup for the key's counters, one for the caller.
            let keyIndex: Dictionary<KeySlot, KeyTally>.Index
            if let found = shard.keys.index(forKey: slot) {
                keyIndex = found
                shard.keys.values[keyIndex].count(hour: hour, code: codeIndex)
            } else {
                var tally = KeyTally(key: key, hour: hour)
                tally.count(hour: hour, code: codeIndex)
                shard.keys[slot] = tally
                keyIndex = shard.keys.index(forKey: slot)!
            }
            if let index = shard.callers.index(forKey: callerKey) {
                shard.callers.values[index].add(at: millis, valid: valid)
                return
            }
            guard shard.keys.values[keyIndex].callers < limits.callersPerKey, callerTotal.load(ordering: .relaxed) < limits.totalCallers else {
                shard.keys.values[keyIndex].overflow += 1
                return
            }
            shard.keys.values[keyIndex].callers += 1
            callerTotal.add(1, ordering: .relaxed)
            let limit = limits.maximumFieldBytes
            let recorded = RecordedCaller(
                address: caller.address, label: shard.interner.intern(caller.label, hash: hashes.label, limit: limit),
                agent: shard.interner.intern(caller.agent, hash: hashes.agent, limit: limit),
                environment: shard.interner.intern(caller.environment, hash: hashes.environment, limit: limit))
            var tally = CallerTally(caller: recorded, first: millis)
            tally.add(at: millis, valid: valid)
            shard.callers[callerKey] = tally
        }
    }

    /// Counts one use of a keyward credential that authenticated a request to keyward's own API.
    public func recordCredentialUse(_ key: IndexedKey, at now: Timestamp) {
        countUse(of: key, at: now)
    }

    private func countUse(of key: IndexedKey, at now: Timestamp) {
        if key.countUse(at: now) { usedKeys.withLock { $0.append(key) } }
    }

    /// Admits a new guess source while fewer than the limit are held (exactly: the count is
    /// taken before the check, so concurrent shards cannot pass it together).
    private func admitGuessSource() -> Bool {
        guard guessTotal.add(1, ordering: .relaxed).newValue > limits.guessSources else { return true }
        guessTotal.subtract(1, ordering: .relaxed)
        return false
    }

    /// Takes everything counted so far (and what ``restore(_:)`` put back). A use that races
    /// with the drain is in this batch or the next, never lost: a key leaves the used list
    /// before its counter is taken.
    public func drain() -> RecordedUsage {
        var drained = retries.withLock { pending in
            let taken = pending
            pending = RecordedUsage()
            return taken
        }
        let keys = usedKeys.withLock { list -> [IndexedKey] in
            let taken = list
            list.removeAll(keepingCapacity: true)
            return taken
        }
        let retried = drained.uses.count
        drained.uses.reserveCapacity(retried + keys.count)
        for key in keys {
            if let delta = key.takeUses() { drained.uses.append(delta) }
        }
        if retried > 0 { drained.uses = UsageDelta.merged(drained.uses) }
        for shard in shards {
            let taken = shard.state.withLock { shard in
                let taken = shard
                shard.clear()
                return taken
            }
            callerTotal.subtract(taken.callers.count, ordering: .relaxed)
            guessTotal.subtract(taken.guesses.count, ordering: .relaxed)
            taken.append(to: &drained.monitored)
        }
        return drained
    }

    /// Puts usage back after a failed write, so that the next drain returns it again.
    public func restore(_ usage: RecordedUsage) {
        retries.withLock { pending in
            pending.uses += usage.uses
            pending.monitored.merge(usage.monitored)
        }
    }
}
