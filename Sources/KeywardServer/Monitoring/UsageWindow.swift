import KeywardCore

/// What this node flushed since the anomaly detector's last run, reduced to what the rules
/// need: which keys were used (validly, from which networks, in which stated environments) and
/// which addresses sent unknown keys. Bounded: at most ``maximumKeys`` keys and
/// ``maximumSources`` guess sources per window; the rest is counted in ``dropped``.
struct UsageWindow {
    struct KeyActivity {
        var validUses: Int64 = 0
        var lastValidUse: Timestamp?
        /// network → (an address in it, earliest sight in this window)
        var networks: [String: (address: String, first: Timestamp)] = [:]
        var environments: [String: Int64] = [:]
    }

    static let maximumKeys = 100_000
    static let maximumSources = 10_000
    static let maximumNetworksPerKey = 64

    var keys: [KeyID: KeyActivity] = [:]
    var sources: Set<String> = []
    var dropped = 0

    var isEmpty: Bool { keys.isEmpty && sources.isEmpty }

    mutating func add(_ batch: UsageBatch) {
        // Every key with a count was used (callers that overflowed the caller table included).
        for count in batch.counts {
            guard touch(count.keyID) else { continue }
            if count.code == .valid { keys[count.keyID]!.validUses += count.count }
        }
        for caller in batch.callers where touch(caller.keyID) {
            keys[caller.keyID]!.record(caller)
        }
        for guess in batch.guesses {
            guard sources.count < Self.maximumSources || sources.contains(guess.source) else { dropped += 1; continue }
            sources.insert(guess.source)
        }
    }

    /// Makes room for `key`; false when the window is full.
    private mutating func touch(_ key: KeyID) -> Bool {
        if keys[key] != nil { return true }
        guard keys.count < Self.maximumKeys else {
            dropped += 1
            return false
        }
        keys[key] = KeyActivity()
        return true
    }
}

extension UsageWindow.KeyActivity {
    mutating func record(_ caller: CallerUsage) {
        if caller.validCount > 0 { lastValidUse = max(lastValidUse ?? caller.lastSeen, caller.lastSeen) }
        if let network = caller.caller.network, let address = caller.caller.address {
            if let known = networks[network] {
                if caller.firstSeen < known.first { networks[network] = (address, caller.firstSeen) }
            } else if networks.count < UsageWindow.maximumNetworksPerKey {
                networks[network] = (address, caller.firstSeen)
            }
        }
        if let environment = caller.caller.environment { environments[environment, default: 0] += caller.count }
    }
}
