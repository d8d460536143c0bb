import Synchronization

// The tables behind ``UsageRecorder``: one ``UsageShard`` per lock, and the tallies it keeps.

/// A key as the recorder's tables name it: the identity of its index entry, which the tally
/// holds on to (so the identity cannot be reused) and asks for the key's id at drain time. An
/// entry replaced meanwhile (a configuration change) simply has a second tally with the same id;
/// the store adds both.
struct KeySlot: Hashable {
    let bits: UInt

    init(_ key: IndexedKey) { bits = UInt(bitPattern: ObjectIdentifier(key)) }

    /// Entries are at least 16-byte aligned: skip the low bits.
    var shard: Int { Int(truncatingIfNeeded: bits >> 4 ^ bits >> 11) & (UsageRecorder.shardCount - 1) }

    func hash(into hasher: inout Hasher) { hasher.combine(bits) }
}

/// Verifications of one key since the last flush: by answer for the current hour (inline, no
/// allocation), other hours met within the interval (an hour boundary) in a side table, and
/// how many callers it holds in the caller table.
struct KeyTally {
    let key: IndexedKey
    var hour: Int64
    var counts = CodeCounts()
    var otherHours: [Int64: CodeCounts] = [:]
    var callers = 0
    var overflow: Int64 = 0

    init(key: IndexedKey, hour: Int64) {
        self.key = key
        self.hour = hour
    }

    mutating func count(hour: Int64, code: Int) {
        if hour == self.hour {
            counts.add(code)
        } else {
            otherHours[hour, default: CodeCounts()].add(code)
        }
    }
}

/// One counter per verification code, inline.
struct CodeCounts {
    var values: (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)

    mutating func add(_ code: Int) {
        withUnsafeMutableBytes(of: &values) { $0.storeBytes(of: $0.load(fromByteOffset: code * 8, as: Int64.self) + 1, toByteOffset: code * 8, as: Int64.self) }
    }

    func forEachNonZero(_ body: (VerificationCode, Int64) -> Void) {
        withUnsafeBytes(of: values) { raw in
            for (index, code) in VerificationCode.allCases.enumerated() {
                let value = raw.load(fromByteOffset: index * 8, as: Int64.self)
                if value > 0 { body(code, value) }
            }
        }
    }
}

struct CallerKey: Hashable {
    var slot: KeySlot
    var fingerprint: UInt64

    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint &+ UInt64(slot.bits) &* 0x9E37_79B9_7F4A_7C15) }
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
    var keys: [KeySlot: KeyTally] = [:]
    var callers: [CallerKey: CallerTally] = [:]
    var guesses: [GuessKey: GuessTally] = [:]
    var droppedGuesses: Int64 = 0
    /// Kept across flushes: field values repeat from one interval to the next.
    var interner = FieldInterner()

    /// Counts an unknown or malformed key from one source; `admit` decides whether a source not
    /// yet in the table may be added (the bound is shared by all shards).
    mutating func recordGuess(_ key: GuessKey, malformed: Bool, at millis: Int64, admit: () -> Bool) {
        if guesses[key] == nil {
            guard admit() else {
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
        keys.removeAll(keepingCapacity: true)
        callers.removeAll(keepingCapacity: true)
        guesses.removeAll(keepingCapacity: true)
        droppedGuesses = 0
    }

    func append(to batch: inout UsageBatch) {
        var ids: [KeySlot: KeyID] = [:]
        ids.reserveCapacity(keys.count)
        for (slot, tally) in keys {
            let id = tally.key.id
            ids[slot] = id
            let hour = Timestamp(millisecondsSinceEpoch: tally.hour)
            tally.counts.forEachNonZero { code, count in batch.counts.append(UsageCount(keyID: id, hour: hour, code: code, count: count)) }
            for (other, counts) in tally.otherHours {
                counts.forEachNonZero { code, count in
                    batch.counts.append(UsageCount(keyID: id, hour: Timestamp(millisecondsSinceEpoch: other), code: code, count: count))
                }
            }
            if tally.overflow > 0 { batch.callerOverflow[id, default: 0] += tally.overflow }
        }
        for (key, tally) in callers {
            guard let id = ids[key.slot] else { continue }
            batch.callers.append(CallerUsage(keyID: id, caller: tally.caller.identity, firstSeen: Timestamp(millisecondsSinceEpoch: tally.first),
                                             lastSeen: Timestamp(millisecondsSinceEpoch: tally.last), count: tally.count, validCount: tally.valid))
        }
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
