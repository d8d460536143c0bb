import KeywardCore
import Testing

/// Each anomaly rule: one case that triggers it and one that does not, at a fixed time.
@Suite("Anomaly detector")
struct AnomalyDetectorTests {
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
    let key = KeyID.random()
    var thresholds: AnomalyThresholds {
        var thresholds = AnomalyThresholds()
        thresholds.learningPeriodSeconds = 86_400
        thresholds.spikeFactor = 10
        thresholds.spikeMinimumPerHour = 100
        thresholds.baselineHours = 24
        thresholds.guessingPerHour = 50
        return thresholds
    }

    func facts(_ change: (inout KeyUsageFacts) -> Void = { _ in }) -> KeyUsageFacts {
        var facts = KeyUsageFacts(keyID: key, owner: "alice", environment: "live", validUses: 3, lastValidUse: now.adding(seconds: -5),
                                  firstSeen: now.adding(seconds: -10 * 86_400))
        change(&facts)
        return facts
    }

    func detect(_ keys: [KeyUsageFacts] = [], guesses: [GuessFacts] = []) -> [Anomaly] {
        AnomalyDetector(thresholds: thresholds).detect(keys: keys, guesses: guesses, windowStart: now.adding(seconds: -60), now: now)
    }

    @Test("departed owner: a use after the departure triggers; an active owner or an earlier use does not")
    func departedOwner() throws {
        let departed = OwnerEntry(handle: "alice", kind: .person, status: .departed, departedAt: now.adding(seconds: -3600))
        let found = detect([facts { $0.ownerEntry = departed }])
        let anomaly = try #require(found.first)
        #expect(found.map(\.kind) == [.departedOwnerUse])
        #expect(anomaly.finding.rule == "anomaly-departed-owner-use")
        #expect(anomaly.finding.severity == .high)
        #expect(anomaly.finding.frameworks.map(\.description).contains("OWASP-NHI-2025:NHI1"))
        #expect(anomaly.finding.subject.id == key.description)

        #expect(detect([facts { $0.ownerEntry = OwnerEntry(handle: "alice", kind: .person) }]).isEmpty)
        #expect(detect([facts {
            $0.ownerEntry = OwnerEntry(handle: "alice", kind: .person, status: .departed, departedAt: now)
            $0.lastValidUse = now.adding(seconds: -30)
        }]).isEmpty)
        // Refused verifications are not uses.
        #expect(detect([facts { $0.ownerEntry = departed; $0.validUses = 0; $0.lastValidUse = nil }]).isEmpty)
    }

    @Test("new network: first seen in this window after learning triggers; known or still learning does not")
    func newNetwork() throws {
        let fresh = NetworkSighting(network: "203.0.113.0/24", address: "203.0.113.7", firstSeen: now.adding(seconds: -20))
        let found = detect([facts { $0.networks = [fresh] }])
        #expect(found.map(\.kind) == [.newNetwork])
        #expect(found.first?.details["network"] == .string("203.0.113.0/24"))
        // Two networks are two findings.
        let other = NetworkSighting(network: "198.51.100.0/24", address: "198.51.100.1", firstSeen: now.adding(seconds: -10))
        let two = detect([facts { $0.networks = [fresh, other] }])
        #expect(Set(two.map(\.finding.id)).count == 2)

        let known = NetworkSighting(network: "10.0.0.0/24", address: "10.0.0.9", firstSeen: now.adding(seconds: -5 * 86_400))
        #expect(detect([facts { $0.networks = [known] }]).isEmpty)
        #expect(detect([facts { $0.networks = [fresh]; $0.firstSeen = now.adding(seconds: -3600) }]).isEmpty)
        #expect(detect([facts { $0.networks = [fresh]; $0.firstSeen = nil }]).isEmpty)
    }

    @Test("spike: far above the baseline and the minimum triggers; a busy but usual hour does not")
    func spike() throws {
        let baseline = [Int64](repeating: 20, count: 24)
        let found = detect([facts { $0.baselineHourly = baseline; $0.currentHourCount = 500 }])
        #expect(found.map(\.kind) == [.usageSpike])
        #expect(found.first?.details["threshold"] == .number(200))

        #expect(detect([facts { $0.baselineHourly = baseline; $0.currentHourCount = 150 }]).isEmpty)
        // Above 10× a tiny baseline but under the minimum: not a spike.
        #expect(detect([facts { $0.baselineHourly = [Int64](repeating: 1, count: 24); $0.currentHourCount = 90 }]).isEmpty)
        // A key still learning has no baseline yet.
        #expect(detect([facts { $0.baselineHourly = baseline; $0.currentHourCount = 5000; $0.firstSeen = now.adding(seconds: -600) }]).isEmpty)
    }

    @Test("key guessing: a burst of unknown and malformed keys from one address triggers; a few do not")
    func guessing() throws {
        let burst = GuessFacts(source: "203.0.113.9", notFound: 30, malformed: 25, firstSeen: now.adding(seconds: -50), lastSeen: now)
        let found = detect(guesses: [burst])
        let anomaly = try #require(found.first)
        #expect(anomaly.kind == .keyGuessing)
        #expect(anomaly.finding.subject.kind == .identity)
        #expect(anomaly.finding.subject.id == "address:203.0.113.9")
        #expect(detect(guesses: [GuessFacts(source: "203.0.113.9", notFound: 30, malformed: 10, firstSeen: now, lastSeen: now)]).isEmpty)
    }

    @Test("environment mismatch: a service in another environment triggers; the key's own does not")
    func environmentMismatch() throws {
        let found = detect([facts { $0.statedEnvironments = ["staging": 4, "live": 10] }])
        #expect(found.map(\.kind) == [.environmentMismatch])
        #expect(found.first?.details["stated_environment"] == .string("staging"))
        #expect(detect([facts { $0.statedEnvironments = ["live": 10] }]).isEmpty)
        #expect(detect([facts()]).isEmpty)
    }

    @Test("thresholds decode with defaults and refuse nonsense")
    func thresholdsDecoding() throws {
        var bad = AnomalyThresholds()
        bad.spikeFactor = 0.5
        #expect(throws: KeywardError.self) { try bad.validate() }
        bad = AnomalyThresholds()
        bad.checkIntervalSeconds = 0
        #expect(throws: KeywardError.self) { try bad.validate() }
        try AnomalyThresholds().validate()
    }
}
