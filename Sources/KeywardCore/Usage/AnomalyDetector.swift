/// Turns usage facts into anomalies. Pure: the clock, the thresholds and the facts come in, so
/// every rule is tested with a fixed time and no database.
///
/// `windowStart` is the previous run's time: a caller network is "new" only when the store's
/// first sight of it falls in this window, so one network is reported once, by whichever run
/// first sees it.
public struct AnomalyDetector: Sendable {
    public var thresholds: AnomalyThresholds

    public init(thresholds: AnomalyThresholds) {
        self.thresholds = thresholds
    }

    public func detect(keys: [KeyUsageFacts], guesses: [GuessFacts], windowStart: Timestamp, now: Timestamp) -> [Anomaly] {
        var found: [Anomaly] = []
        for key in keys {
            if let anomaly = departedOwnerUse(key, now: now) { found.append(anomaly) }
            found += newNetworks(key, windowStart: windowStart, now: now)
            if let anomaly = spike(key, now: now) { found.append(anomaly) }
            found += environmentMismatches(key, now: now)
        }
        for guess in guesses {
            if let anomaly = guessing(guess, now: now) { found.append(anomaly) }
        }
        return found
    }

    func departedOwnerUse(_ key: KeyUsageFacts, now: Timestamp) -> Anomaly? {
        guard let entry = key.ownerEntry, entry.status == .departed, key.validUses > 0, let lastUse = key.lastValidUse else { return nil }
        // A use before the departure was recorded is not "after the owner departed".
        if let departed = entry.departedAt, lastUse < departed { return nil }
        var details = base(key)
        details["owner_status"] = .string(entry.status.rawValue)
        details["departed_at"] = entry.departedAt.map { .string($0.iso8601) } ?? .null
        details["uses"] = .number(Double(key.validUses))
        details["last_used_at"] = .string(lastUse.iso8601)
        return Anomaly(
            kind: .departedOwnerUse, keyID: key.keyID, owner: key.owner, detectedAt: now,
            message: "key \(key.keyID) of departed owner \(entry.handle) was used \(key.validUses) time(s), last at \(lastUse.iso8601)",
            remediation: "find the caller (keyward keys usage \(key.keyID)), give it a key of an active owner, then revoke this one: keyward keys revoke \(key.keyID)",
            details: details)
    }

    func newNetworks(_ key: KeyUsageFacts, windowStart: Timestamp, now: Timestamp) -> [Anomaly] {
        guard let firstSeen = key.firstSeen else { return [] }
        let learnt = firstSeen.adding(seconds: thresholds.learningPeriodSeconds)
        return key.networks.compactMap { sighting in
            guard sighting.firstSeen >= windowStart, sighting.firstSeen >= learnt else { return nil }
            var details = base(key)
            details["network"] = .string(sighting.network)
            details["address"] = .string(sighting.address)
            details["first_seen"] = .string(sighting.firstSeen.iso8601)
            return Anomaly(
                kind: .newNetwork, keyID: key.keyID, owner: key.owner, discriminator: sighting.network, detectedAt: now,
                message: "key \(key.keyID) was used from network \(sighting.network) (\(sighting.address)) for the first time, after \(thresholds.learningPeriodSeconds / 3600) h of learning its callers",
                remediation: "confirm with the owner (\(key.owner)) that \(sighting.network) is one of their services; if not, revoke the key: keyward keys revoke \(key.keyID)",
                details: details)
        }
    }

    func spike(_ key: KeyUsageFacts, now: Timestamp) -> Anomaly? {
        // Without a learnt baseline every first busy hour would look like a spike.
        guard let firstSeen = key.firstSeen, now >= firstSeen.adding(seconds: thresholds.learningPeriodSeconds),
              !key.baselineHourly.isEmpty else { return nil }
        let mean = Double(key.baselineHourly.reduce(0, +)) / Double(key.baselineHourly.count)
        let threshold = max(Double(thresholds.spikeMinimumPerHour), thresholds.spikeFactor * mean)
        guard Double(key.currentHourCount) > threshold else { return nil }
        var details = base(key)
        details["current_hour"] = .number(Double(key.currentHourCount))
        details["baseline_per_hour"] = .number((mean * 10).rounded() / 10)
        details["threshold"] = .number(threshold.rounded())
        return Anomaly(
            kind: .usageSpike, keyID: key.keyID, owner: key.owner, discriminator: now.hourStart.iso8601, detectedAt: now,
            message: "key \(key.keyID) was verified \(key.currentHourCount) times this hour against a baseline of \(String(format2: mean)) per hour (threshold \(Int64(threshold.rounded())))",
            remediation: "check the callers of the key (keyward keys usage \(key.keyID)); a leaked key is often used in bulk: rotate or revoke it",
            details: details)
    }

    func environmentMismatches(_ key: KeyUsageFacts, now: Timestamp) -> [Anomaly] {
        key.statedEnvironments.keys.sorted().compactMap { stated in
            guard stated != key.environment else { return nil }
            var details = base(key)
            details["stated_environment"] = .string(stated)
            details["verifications"] = .number(Double(key.statedEnvironments[stated] ?? 0))
            return Anomaly(
                kind: .environmentMismatch, keyID: key.keyID, owner: key.owner, discriminator: stated, detectedAt: now,
                message: "key \(key.keyID) of environment \(key.environment) was presented by a service running in \(stated)",
                remediation: "issue the service a key of its own environment (keyward keys create --environment …) and stop sharing keys across environments",
                details: details)
        }
    }

    func guessing(_ guess: GuessFacts, now: Timestamp) -> Anomaly? {
        let total = guess.notFound + guess.malformed
        guard total >= thresholds.guessingPerHour else { return nil }
        return Anomaly(
            kind: .keyGuessing, keyID: nil, owner: nil, source: guess.source, discriminator: now.hourStart.iso8601, detectedAt: now,
            message: "\(guess.source) presented \(guess.notFound) unknown and \(guess.malformed) malformed keys this hour (threshold \(thresholds.guessingPerHour))",
            remediation: "block \(guess.source) at the edge, and find which service forwards its requests to keyward",
            details: [
                "source": .string(guess.source), "not_found": .number(Double(guess.notFound)), "malformed": .number(Double(guess.malformed)),
                "first_seen": .string(guess.firstSeen.iso8601), "last_seen": .string(guess.lastSeen.iso8601),
                "threshold": .number(Double(thresholds.guessingPerHour)),
            ])
    }

    private func base(_ key: KeyUsageFacts) -> [String: JSONValue] {
        ["key_id": .string(key.keyID.description), "owner": .string(key.owner), "environment": .string(key.environment)]
    }
}

extension String {
    /// One decimal place, without Foundation.
    init(format2 value: Double) {
        let tenths = Int64((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
