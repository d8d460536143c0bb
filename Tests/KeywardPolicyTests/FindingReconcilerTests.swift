import Foundation
import Testing
import KeywardCore
import KeywardPolicy

@Suite struct FindingReconcilerTests {
    let yaml = """
    version: 1
    rules:
      - {id: rotate, check: rotation_interval, threshold: 90d, severity: high}
    exceptions:
      - {id: waiver, rule: rotate, keys: [AKIA00000000000000W1], justification: migration, approver: ciso, expires: 2027-01-15}
    """

    @Test func lifeCycleOfAFinding() throws {
        let engine = PolicyEngine(policy: try Sample.policy(yaml))
        let t0 = Sample.now
        let items = [Sample.awsKey("AKIA00000000000000W1", createdDaysAgo: 100), Sample.awsKey("AKIA00000000000000X1", createdDaysAgo: 100)]

        // First evaluation: one suppressed by the waiver, one opened.
        let first = FindingReconciler.reconcile(previous: [], evaluated: engine.evaluate(items, now: t0).findings, now: t0)
        #expect((first.opened, first.suppressed) == (1, 1))
        #expect(first.transitions.map(\.to) == [.suppressed, .open])
        #expect(first.transitions.allSatisfy { $0.from == nil })

        // Same again a day later: no transitions, opened_at kept.
        let t1 = Sample.inDays(1)
        let second = FindingReconciler.reconcile(previous: first.findings, evaluated: engine.evaluate(items, now: t1).findings, now: t1)
        #expect(second.transitions.isEmpty)
        #expect((second.stillOpen, second.suppressed) == (1, 1))
        #expect(second.findings.map(\.openedAt) == [t0, t0])

        // Someone acknowledges the open one; re-evaluation keeps the acknowledgement.
        let openIndex = try #require(second.findings.firstIndex { $0.state == .open })
        let (acknowledged, ackTransition) = try FindingReconciler.acknowledge(second.findings[openIndex], by: "alice", at: t1)
        #expect(ackTransition.to == .acknowledged)
        var stored = second.findings
        stored[openIndex] = acknowledged
        #expect(throws: KeywardError.self) { try FindingReconciler.acknowledge(acknowledged, by: "bob", at: t1) }

        // The waiver expires: the suppressed finding opens again.
        let t2 = Timestamp(iso8601: "2027-01-20T00:00:00Z")!
        let third = FindingReconciler.reconcile(previous: stored, evaluated: engine.evaluate(items, now: t2).findings, now: t2)
        #expect(third.transitions.map(\.from) == [.suppressed])
        #expect(third.transitions.first?.reason.contains("waiver") == true)
        #expect(third.findings.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.acknowledged, .open])

        // Both keys rotated: both findings resolve.
        let rotated = items.map { item -> InventoryItem in
            var copy = item
            copy.lastRotatedAt = t2
            return copy
        }
        let fourth = FindingReconciler.reconcile(previous: third.findings, evaluated: engine.evaluate(rotated, now: t2).findings, now: t2)
        #expect(fourth.resolved == 2 && fourth.findings.allSatisfy { $0.state == .resolved && $0.resolvedAt == t2 })

        // Resolved findings stay quiet, then reopen with a new opened_at when they come back.
        let quiet = FindingReconciler.reconcile(previous: fourth.findings, evaluated: [], now: t2)
        #expect(quiet.findings.isEmpty && quiet.transitions.isEmpty)
        let t3 = Timestamp(iso8601: "2027-06-01T00:00:00Z")!
        let fifth = FindingReconciler.reconcile(previous: fourth.findings, evaluated: engine.evaluate(rotated, now: t3).findings, now: t3)
        #expect(fifth.reopened == 2 && fifth.findings.allSatisfy { $0.openedAt == t3 && $0.state == .open })
    }

    @Test func scopeLimitsWhatCanResolve() throws {
        let finding = Finding(rule: "aws-root-access-key", severity: .critical,
                              subject: FindingSubject(kind: .identity, id: "arn:aws:iam::1:root", provider: .aws),
                              message: "m", remediation: "r", frameworks: [], openedAt: Sample.now)
        let other = Finding(rule: "rotate", severity: .high, subject: FindingSubject(kind: .key, id: "key_1", provider: .keyward),
                            message: "m", remediation: "r", frameworks: [], openedAt: Sample.now)
        let result = FindingReconciler.reconcile(previous: [finding, other], evaluated: [], now: Sample.now) { $0.rule.hasPrefix("aws-") }
        #expect(result.findings.map(\.rule) == ["aws-root-access-key"])
        #expect(result.resolved == 1)
    }

    @Test func findingJSONHasTheFixedFields() throws {
        let finding = Finding(rule: "rotate", severity: .high,
                              subject: FindingSubject(kind: .externalKey, id: "inv_1", provider: .aws, externalID: "AKIA", owner: nil, identity: "ci"),
                              message: "m", remediation: "r", frameworks: [.nhi(7), .csf("PR.AA-01"), .cisAWS("2.12")], openedAt: Sample.now)
        let json = try JSONTestCoding.object(finding)
        for key in ["id", "rule", "severity", "subject", "message", "remediation", "frameworks", "state", "opened_at"] {
            #expect(json[key] != nil, "\(key)")
        }
        let subject = try #require(json["subject"] as? [String: Any])
        #expect(Set(subject.keys).isSuperset(of: ["kind", "id", "provider", "external_id", "owner"]))
        #expect(subject["owner"] is NSNull)
        #expect(json["frameworks"] as? [String] == ["OWASP-NHI-2025:NHI7", "NIST-CSF-2.0:PR.AA-01", "CIS-AWS-7.0.0:2.12"])
        #expect(json["state"] as? String == "open" && json["opened_at"] as? String == "2026-11-29T12:00:00Z")
    }
}

@Suite struct ReconcilerWritesTests {
    @Test func identicalFindingsAreNotWrittenAgain() throws {
        let engine = PolicyEngine(policy: DefaultPolicy.load())
        let items = [Sample.awsKey("AKIA00000000000000N1", createdDaysAgo: 200)]
        let evaluated = engine.evaluate(items, now: Sample.now).findings
        let first = FindingReconciler.reconcile(previous: [], evaluated: evaluated, now: Sample.now)
        #expect(first.findings.count == evaluated.count && first.unchanged == 0)
        let same = FindingReconciler.reconcile(previous: first.findings, evaluated: evaluated, now: Sample.now)
        #expect(same.findings.isEmpty && same.transitions.isEmpty)
        #expect(same.unchanged == evaluated.count && same.stillOpen == evaluated.count)
        // A day later the age in the message changes: the row is rewritten, without a transition.
        let later = Sample.inDays(1)
        let nextDay = FindingReconciler.reconcile(previous: first.findings, evaluated: engine.evaluate(items, now: later).findings, now: later)
        #expect(nextDay.findings.contains { $0.rule == "aws-access-key-rotation" } && nextDay.transitions.isEmpty)
    }
}
