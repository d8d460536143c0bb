import KeywardCore
import KeywardStore
import Logging
import Synchronization

/// Finds anomalies in flushed usage, off the verify path: the usage flusher hands each batch it
/// wrote to ``observe(_:)`` (a few dictionary updates), and ``detect()`` — run by
/// ``AnomalyDetectionService`` every `check_interval_seconds`, and by tests directly — reads the
/// store's totals (every node's flushes) for what this node saw, applies ``AnomalyDetector``,
/// and records each new anomaly as a governance finding (source `anomaly`) with its history row
/// and the audit events `anomaly.detected` and `finding.opened`, in one transaction.
///
/// An anomaly whose finding is already open (or acknowledged, or suppressed) is not reported
/// again; a resolved one reopens when it happens again.
public final class AnomalyMonitor: Sendable {
    public let store: SQLStore
    public let clock: any WallClock
    public let thresholds: AnomalyThresholds
    let logger: Logger
    private let window = Mutex(UsageWindow())
    private let lastRun: Mutex<Timestamp>
    /// Detections take turns, so two runs never judge the same window.
    private let serial = AsyncSerialLock()

    public init(store: SQLStore, clock: any WallClock, thresholds: AnomalyThresholds, logger: Logger) {
        self.store = store
        self.clock = clock
        self.thresholds = thresholds
        self.logger = logger
        lastRun = Mutex(clock.now())
    }

    /// Notes what a flush wrote (called after the write succeeded).
    public func observe(_ batch: UsageBatch) {
        guard !batch.isEmpty else { return }
        window.withLock { $0.add(batch) }
    }

    /// Judges everything observed since the last run; returns the anomalies that opened (or
    /// reopened) a finding.
    @discardableResult
    public func detect() async throws -> [Anomaly] {
        try await serial.withLock {
            let now = clock.now()
            let taken = window.withLock { current in
                let taken = current
                current = UsageWindow()
                return taken
            }
            let windowStart = lastRun.withLock { $0 }
            if taken.dropped > 0 {
                logger.warning("usage window was full; some activity was not judged", metadata: ["dropped": .stringConvertible(taken.dropped)])
            }
            guard !taken.isEmpty else {
                lastRun.withLock { $0 = now }
                return []
            }
            do {
                let (keys, guesses) = try await facts(for: taken, now: now)
                let anomalies = AnomalyDetector(thresholds: thresholds).detect(keys: keys, guesses: guesses, windowStart: windowStart, now: now)
                let opened = try await record(anomalies, at: now)
                lastRun.withLock { $0 = now }
                return opened
            } catch {
                // Judge this window again next time rather than lose it.
                window.withLock { current in
                    var restored = taken
                    restored.merge(current)
                    current = restored
                }
                throw error
            }
        }
    }

    /// Deletes usage older than the retention period.
    public func prune() async throws {
        try await store.pruneUsage(before: clock.now().adding(seconds: -Int64(thresholds.retentionDays) * 86_400))
    }

    /// The facts of every key and source in the window, from the store's totals.
    func facts(for window: UsageWindow, now: Timestamp) async throws -> ([KeyUsageFacts], [GuessFacts]) {
        let ids = window.keys.keys.sorted()
        let records = try await store.keys(ids: ids)
        let owners = OwnerRegistry(try await store.governanceRead { sql in try await sql.owners() })
        let firstSeen = try await store.usageFirstSeen(ids)
        let pairs = window.keys.flatMap { key, activity in activity.networks.keys.map { (key: key, network: $0) } }
        let networkSeen = try await store.networkFirstSeen(pairs)
        let currentHour = now.hourStart
        let baselineStart = currentHour.adding(seconds: -3600 * Int64(thresholds.baselineHours))
        let totals = try await store.hourlyTotals(ids, hours: baselineStart...currentHour)
        var keys: [KeyUsageFacts] = []
        for record in records {
            guard let activity = window.keys[record.id] else { continue }
            let hours = totals[record.id] ?? [:]
            let baseline = (0..<thresholds.baselineHours).map { offset in
                hours[baselineStart.adding(seconds: 3600 * Int64(offset)).millisecondsSinceEpoch] ?? 0
            }
            let networks = activity.networks.map { network, seen in
                NetworkSighting(network: network, address: seen.address,
                                firstSeen: networkSeen["\(record.id)|\(network)"] ?? seen.first)
            }.sorted { $0.network < $1.network }
            keys.append(KeyUsageFacts(
                keyID: record.id, owner: record.owner, environment: record.environment, ownerEntry: owners.entry(for: record.owner),
                validUses: activity.validUses, lastValidUse: activity.validUses > 0 ? (activity.lastValidUse ?? now) : nil,
                firstSeen: firstSeen[record.id], networks: networks, statedEnvironments: activity.environments,
                currentHourCount: hours[currentHour.millisecondsSinceEpoch] ?? 0, baselineHourly: baseline))
        }
        let guesses = try await store.guessTotals(window.sources.sorted(), hour: currentHour)
        return (keys, guesses)
    }

    /// Opens (or reopens) a finding per new anomaly, with its events, in one transaction.
    func record(_ anomalies: [Anomaly], at now: Timestamp) async throws -> [Anomaly] {
        guard !anomalies.isEmpty else { return [] }
        // Everything the transaction needs, prepared outside it: its closure carries no `KeyID`
        // (a `UInt128`, which async closure contexts do not reliably align).
        let prepared = anomalies.map(Prepared.init)
        let openedIDs = try await store.governanceWrite { sql -> Set<String> in
            var findings: [Finding] = []
            var transitions: [FindingTransition] = []
            var events: [AuditDraft] = []
            for item in prepared {
                var finding = item.finding
                let previous = try await sql.finding(id: finding.id)
                if let previous, previous.state != .resolved { continue }
                finding.state = .open
                finding.openedAt = now
                findings.append(finding)
                transitions.append(FindingTransition(findingID: finding.id, rule: finding.rule, from: previous?.state, to: .open, at: now,
                                                     reason: previous == nil ? "detected in usage" : "detected again in usage"))
                events.append(AuditDraft(actor: "monitor", action: "anomaly.detected", subjectKind: item.subjectKind, subjectID: item.subjectID,
                                         details: item.details))
                events.append(AuditDraft(actor: "monitor", action: "finding.opened", subjectKind: "finding", subjectID: finding.id, details: [
                    "rule": .string(finding.rule), "severity": .string(finding.severity.rawValue),
                    "subject_kind": .string(finding.subject.kind.rawValue), "subject_id": .string(finding.subject.id),
                    "owner": finding.subject.owner.map(JSONValue.string) ?? .null, "source": "anomaly",
                ]))
            }
            guard !findings.isEmpty else { return [] }
            try await sql.upsertFindings(findings, source: .anomaly, at: now)
            try await sql.appendTransitions(transitions, actor: "monitor")
            try await sql.audit(events, at: now)
            return Set(findings.map(\.id))
        }
        return zip(anomalies, prepared).filter { openedIDs.contains($0.1.finding.id) }.map(\.0)
    }

    /// An anomaly as the transaction writes it.
    struct Prepared: Sendable {
        var finding: Finding
        var subjectKind: String
        var subjectID: String
        var details: [String: JSONValue]

        init(_ anomaly: Anomaly) {
            finding = anomaly.finding
            subjectKind = anomaly.keyID == nil ? "address" : "key"
            subjectID = anomaly.keyID?.description ?? anomaly.source ?? "unknown"
            details = anomaly.details
            details["rule"] = .string(anomaly.kind.rawValue)
            details["severity"] = .string(anomaly.kind.severity.rawValue)
            details["finding_id"] = .string(finding.id)
            details["message"] = .string(anomaly.message)
        }
    }
}

extension UsageWindow {
    mutating func merge(_ other: UsageWindow) {
        for (key, activity) in other.keys {
            guard var mine = keys[key] else {
                if keys.count < Self.maximumKeys { keys[key] = activity } else { dropped += 1 }
                continue
            }
            mine.validUses += activity.validUses
            if let last = activity.lastValidUse { mine.lastValidUse = max(mine.lastValidUse ?? last, last) }
            for (network, seen) in activity.networks where mine.networks[network].map({ seen.first < $0.first }) ?? true {
                if mine.networks.count < Self.maximumNetworksPerKey || mine.networks[network] != nil { mine.networks[network] = seen }
            }
            mine.environments.merge(activity.environments, uniquingKeysWith: +)
            keys[key] = mine
        }
        sources.formUnion(other.sources.prefix(max(0, Self.maximumSources - sources.count)))
        dropped += other.dropped
    }
}
