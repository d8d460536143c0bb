import KeywardCore
import KeywardPolicy
import KeywardStore

extension GovernanceService {
    public func findings(_ filter: FindingFilter) async throws -> FindingPage {
        try await store.governanceRead { sql in try await sql.listFindings(filter) }
    }

    /// One finding and its history, oldest change first.
    public func finding(id: String) async throws -> (finding: Finding, history: [FindingHistoryEntry]) {
        let found = try await store.governanceRead { sql -> (Finding, [FindingHistoryEntry])? in
            guard let finding = try await sql.finding(id: id) else { return nil }
            return (finding, try await sql.history(findingID: id))
        }
        guard let found else { throw KeywardError.notFound(GivenIdentifier.findingID.message(id) { "no finding with \($0)" }) }
        return found
    }

    /// A person takes an open finding on: it stays active (reports still count it; the CI gate,
    /// which fails on open findings only, no longer does) until the evaluation no longer reports
    /// it, and later evaluations keep the acknowledgement.
    /// `name` is who the person is (the credential's owner), recorded with the key id.
    public func acknowledge(id: String, note: String?, by principal: Principal, name: String) async throws -> Finding {
        if let note { try RecordLimits.checkText(note, field: "note", maximum: RecordLimits.maximumReasonLength) }
        return try await serial.withLock {
            let now = clock.now()
            return try await store.governanceWrite { sql in
                guard let stored = try await sql.finding(id: id) else { throw KeywardError.notFound(GivenIdentifier.findingID.message(id) { "no finding with \($0)" }) }
                let (finding, acknowledged) = try FindingReconciler.acknowledge(stored, by: name, at: now)
                var transition = acknowledged
                if let note, !note.isEmpty { transition.reason += ": \(note)" }
                try await sql.updateState(of: finding, at: now)
                try await sql.appendTransitions([transition], actor: principal.id)
                var details: [String: JSONValue] = ["rule": .string(finding.rule), "subject": .string(finding.subject.id), "by": .string(name)]
                if let note, !note.isEmpty { details["note"] = .string(note) }
                if let address = principal.address { details["source_address"] = .string(address) }
                try await sql.audit([AuditDraft(actor: principal.id, action: "finding.acknowledged", subjectKind: "finding", subjectID: finding.id,
                                                details: details)], at: now)
                return finding
            }
        }
    }

    /// The posture report over the current inventory, the stored findings of every source, the
    /// last evaluation's rule results and every review campaign.
    public func report(topRiskCount: Int = 10) async throws -> PostureReport {
        let now = clock.now()
        let loaded = policy
        let (items, _) = try await snapshot(now: now)
        let (findings, campaigns) = try await store.governanceRead { sql in (try await sql.currentFindings(), try await sql.campaigns()) }
        let checks = try await lastChecks() ?? []
        let drills = try await store.drills(limit: 10)
        return try await Offload.run {
            PostureReport.compute(.init(items: items, findings: findings, checks: checks, campaigns: campaigns, policyName: loaded.policy.name,
                                        reviewIntervalDays: loaded.reviewIntervalDays, topRiskCount: topRiskCount, drills: drills, now: now))
        }
    }
}
