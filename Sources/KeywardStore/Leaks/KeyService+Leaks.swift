import KeywardCore
import SQLKit

extension KeyService {
    /// Acts on the sightings of one or more leak reports in one transaction: every reported
    /// hash is looked up in the store (locked on PostgreSQL), each live key is revoked when
    /// `action` says so, its `leaked-key` finding is opened or refreshed, and `key.revoked`,
    /// `key.leaked` (and `finding.opened` for a new finding) are appended in the same
    /// transaction. Returns, per report, one outcome per sighting in order.
    ///
    /// A key reported twice in one report is acted on once; a key another report of the same
    /// batch revoked is `alreadyRevoked`. Expired keys cannot be used any more and are left alone.
    ///
    /// This is keyward's one leak response: GitHub alerts (`/v1/leaks/github`), signed reports
    /// (`/v1/leaks/report`, `scan --report-to`) and the leaks `keyward scan --revoke` finds (in
    /// the database file with `--db`, or through `/v1/leaks/revoke`) all come here, so a leaked
    /// live key is treated the same whichever way it was reported. `action` is the deployment's
    /// `leak_action` for reports; `scan --revoke` is an explicit request and passes `.revoke`.
    /// A scanner's sightings carry where the key was found, recorded as `found_at` in both
    /// `key.revoked` and `key.leaked`.
    public func respondToLeaks(_ reports: [LeakReportBatch], action: LeakAction) async throws -> [[LeakOutcome]] {
        guard reports.contains(where: { !$0.sightings.isEmpty }) else { return reports.map { _ in [] } }
        let now = clock.now()
        let lifecycle = self.lifecycle
        let flavor = store.backend.flavor
        let hashes = Array(Set(reports.flatMap { $0.sightings.map(\.hash) }))
        let (outcomes, revoked) = try await store.backend.write { db -> ([[LeakOutcome]], [KeyRecord]) in
            var current = try await SQLStore.keys(hashes: hashes, on: db, lock: flavor == .postgres)
            guard !current.isEmpty else { return (reports.map { $0.sightings.map { _ in .unknown } }, []) }
            var plan = LeakPlan()
            var outcomes: [[LeakOutcome]] = []
            for report in reports {
                var actedOn: [KeyID: LeakOutcome] = [:]
                var answers: [LeakOutcome] = []
                for sighting in report.sightings {
                    guard let record = current[sighting.hash] else {
                        answers.append(.unknown)
                        continue
                    }
                    if let earlier = actedOn[record.id] {
                        answers.append(earlier)
                        continue
                    }
                    let outcome: LeakOutcome
                    switch record.status(at: now) {
                    case .revoked: outcome = .alreadyRevoked(record.id)
                    case .expired: outcome = .inactive(record.id)
                    case .active, .rotating, .disabled:
                        if action == .revoke, let after = try lifecycle.revoke(record, reason: "leaked: reported by \(report.reporter.name)", now: now) {
                            current[sighting.hash] = after
                            plan.revoke(after, sighting: sighting, reporter: report.reporter)
                            outcome = .revoked(record.id)
                        } else {
                            outcome = .reported(record.id)
                        }
                        plan.leaked(current[sighting.hash]!, sighting: sighting, reporter: report.reporter, revoked: outcome == .revoked(record.id), now: now)
                    }
                    actedOn[record.id] = outcome
                    answers.append(outcome)
                }
                outcomes.append(answers)
            }
            guard !plan.audit.isEmpty else { return (outcomes, []) }
            try await plan.write(on: db, flavor: flavor, now: now)
            return (outcomes, plan.revoked)
        }
        if !revoked.isEmpty { onChange(revoked) }
        return outcomes
    }
}

/// What one leak transaction writes, gathered while the outcomes are decided.
struct LeakPlan {
    private(set) var revoked: [KeyRecord] = []
    private(set) var audit: [AuditDraft] = []
    /// Leak findings to write, by finding id (a later sighting of the same key replaces the message).
    private var findings: [String: (finding: Finding, reporter: LeakReporter)] = [:]
    private var findingOrder: [String] = []

    mutating func revoke(_ record: KeyRecord, sighting: LeakSighting, reporter: LeakReporter) {
        revoked.append(record)
        let principal = Principal(id: reporter.actor, scopes: [Scope.admin], address: reporter.address)
        var details: [String: JSONValue] = ["leak_reporter": .string(reporter.name), "leak_url": .string(sighting.url)]
        if let foundAt = sighting.foundAt { details["found_at"] = .object(foundAt) }
        audit.append(KeyService.revoked(record, by: principal, extra: details))
    }

    mutating func leaked(_ record: KeyRecord, sighting: LeakSighting, reporter: LeakReporter, revoked: Bool, now: Timestamp) {
        var details: [String: JSONValue] = [
            "key_id": .string(record.id.description), "owner": .string(record.owner), "name": .string(record.name),
            "start": .string(record.redacted), "url": .string(sighting.url), "source": .string(sighting.source),
            "token_type": .string(sighting.tokenType), "reporter": .string(reporter.name),
            "action": .string(revoked ? "revoked" : "reported"),
        ]
        if let address = reporter.address { details["source_address"] = .string(address) }
        if let foundAt = sighting.foundAt { details["found_at"] = .object(foundAt) }
        audit.append(AuditDraft(actor: reporter.actor, action: "key.leaked", subjectKind: "key", subjectID: record.id.description, details: details))
        let finding = LeakFinding.make(key: record, sighting: sighting, reporter: reporter, revoked: revoked, now: now)
        if findings[finding.id] == nil { findingOrder.append(finding.id) }
        findings[finding.id] = (finding, reporter)
    }

    /// Writes revocations, findings (with their history) and audit events in the caller's transaction.
    mutating func write(on db: any SQLDatabase, flavor: SQLFlavor, now: Timestamp) async throws {
        // One UPDATE per reason and 500 keys (a reason names the reporter).
        for (reason, records) in Dictionary(grouping: revoked, by: { $0.revokeReason }) {
            for start in stride(from: 0, to: records.count, by: 500) {
                let ids = records[start..<min(start + 500, records.count)].map(\.id.description)
                var update: SQLQueryString = "UPDATE keys SET state = 'revoked', revoked_at = \(bind: now.millisecondsSinceEpoch), "
                update += "updated_at = \(bind: now.millisecondsSinceEpoch), revoke_reason = \(bind: reason) WHERE id IN (\(binds: ids))"
                try await db.raw(update).run()
            }
        }
        let sql = GovernanceSQL(db: db, flavor: flavor, writing: true)
        var stored: [Finding] = []
        var transitions: [(FindingTransition, actor: String)] = []
        for id in findingOrder {
            guard let entry = findings[id] else { continue }
            var finding = entry.finding
            let reporter = entry.reporter
            let previous = try await sql.finding(id: id)
            if let previous, previous.state != .resolved {
                // Still being handled: keep its state (an acknowledgement, an exception) and age.
                finding.state = previous.state
                finding.openedAt = previous.openedAt
                finding.exception = previous.exception
            } else {
                transitions.append((FindingTransition(
                    findingID: id, rule: finding.rule, from: previous?.state, to: .open, at: now,
                    reason: "reported leaked by \(reporter.name)"
                ), reporter.actor))
                audit.append(AuditDraft(actor: reporter.actor, action: "finding.opened", subjectKind: "finding", subjectID: id, details: [
                    "rule": .string(finding.rule), "severity": .string(finding.severity.rawValue),
                    "subject_kind": .string(finding.subject.kind.rawValue), "subject_id": .string(finding.subject.id),
                    "owner": finding.subject.owner.map(JSONValue.string) ?? .null, "source": "leak",
                ]))
            }
            stored.append(finding)
        }
        try await sql.upsertFindings(stored, source: .leak, at: now)
        for (transition, actor) in transitions { try await sql.appendTransitions([transition], actor: actor) }
        _ = try await SQLStore.appendAudit(audit, at: now, on: db, flavor: flavor)
        try await SQLStore.publishKeyChanges(revoked.map(\.id), on: db, flavor: flavor)
    }
}
