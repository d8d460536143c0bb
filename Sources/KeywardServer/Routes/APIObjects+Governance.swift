import Foundation
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardPolicy
import KeywardStore

// The JSON shapes of KeywardAPI built from governance results. KeywardGovernance answers in
// domain types; the routes render them here, and so does the CLI's offline (`--db`) mode, so both
// print exactly the same documents.

extension ImportRunObject {
    public init(_ outcome: ImportOutcome, startedAt: Timestamp? = nil) {
        let summary = outcome.summary
        self.init(id: outcome.runID, kind: summary.kind.rawValue, file: summary.file, created: summary.created, updated: summary.updated,
                  unchanged: summary.unchanged, disappeared: summary.disappeared, skipped: summary.skipped, rejected: summary.rejected,
                  findings: summary.findingCount,
                  rejections: summary.rejections.prefix(ImportRunObject.rejectionLimit).map {
                      ImportRejectionObject(file: $0.file, line: $0.line, field: $0.field, reason: $0.reason)
                  },
                  startedAt: startedAt)
    }

    public init(_ row: ImportRunRow) {
        let rejections = (try? JSONDecoder().decode([ImportRejectionObject].self, from: Data(row.rejectionsJSON.utf8))) ?? []
        self.init(id: row.id, kind: row.kind, file: row.file, created: row.created, updated: row.updated, unchanged: row.unchanged,
                  disappeared: row.disappeared, skipped: row.skipped, rejected: row.rejected, findings: row.findings,
                  rejections: rejections, startedAt: row.startedAt, finishedAt: row.finishedAt)
    }
}

extension InventoryListObject {
    public init(_ page: InventoryPage, now: Timestamp) {
        self.init(items: page.entries.map { entry in
            switch entry {
            case .key(let key): return InventoryEntryObject(key: key, now: now)
            case .record(let record): return InventoryEntryObject(record: record, now: now)
            }
        }, nextCursor: page.nextCursor)
    }
}

extension FindingDetailObject {
    public init(finding: Finding, history: [FindingHistoryEntry]) {
        self.init(finding: finding, history: history.map {
            FindingHistoryObject(from: $0.transition.from, to: $0.transition.to, at: $0.transition.at, reason: $0.transition.reason, actor: $0.actor)
        })
    }
}

extension OffboardResultObject {
    public init(_ report: OffboardingReport) {
        self.init(owner: report.owner, revokedKeys: report.revokedKeys.map(\.id.description), findings: report.findings,
                  alreadyInactive: report.alreadyInactive)
    }
}

extension CheckObject {
    public init(_ result: CheckResult) {
        self.init(rule: result.rule, check: result.check, severity: result.severity, frameworks: result.frameworks, summary: result.summary,
                  evaluated: result.evaluated, failing: result.failing, suppressed: result.suppressed)
    }
}

extension PolicyObject {
    public init(_ loaded: LoadedPolicy, now: Timestamp) {
        let policy = loaded.policy
        self.init(
            name: policy.name, file: loaded.file, sha256: loaded.sha256, isDefault: loaded.isDefault,
            rules: policy.rules.map { Rule(id: $0.id, check: $0.check.name.rawValue, severity: $0.severity, frameworks: $0.frameworks, description: $0.description) },
            exceptions: policy.exceptions.map {
                Exception(id: $0.id, rule: $0.rule, keys: $0.keys.map(\.text), justification: $0.justification, approver: $0.approver,
                          expires: $0.expiresAt, active: $0.isActive(at: now))
            },
            yaml: loaded.yaml)
    }
}

extension PolicyCheckObject {
    /// `limit` findings, worst first; counts cover all, of every source. Only open findings fail.
    public init(_ gate: PolicyGate, policy: Policy, file: String, failOn: FindingSeverity, limit: Int) {
        let findings = gate.entries.map(\.finding)
        var bySeverity: [String: Int] = [:]
        for finding in findings where finding.state != .suppressed { bySeverity[finding.severity.rawValue, default: 0] += 1 }
        let worstFirst = findings.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.state == .suppressed ? 0 : 1, lhs.element.severity)
            let right = (rhs.element.state == .suppressed ? 0 : 1, rhs.element.severity)
            return left != right ? (left.0, left.1) > (right.0, right.1) : lhs.offset < rhs.offset
        }.prefix(max(0, limit)).map(\.element)
        let bySource = gate.failingBySource(atOrAbove: failOn)
        self.init(policy: policy.name, file: file, evaluatedAt: gate.evaluation.evaluatedAt, failOn: failOn,
                  failing: bySource.reduce(0) { $0 + $1.count }, failingBySource: Dictionary(uniqueKeysWithValues: bySource.map { ($0.source.rawValue, $0.count) }),
                  sources: PolicyGate.sources.map(\.rawValue), totalFindings: findings.count,
                  suppressed: findings.count { $0.state == .suppressed }, acknowledged: findings.count { $0.state == .acknowledged },
                  bySeverity: bySeverity, findings: worstFirst, findingsOmitted: max(0, findings.count - worstFirst.count),
                  checks: gate.evaluation.checks.map(CheckObject.init))
    }
}
