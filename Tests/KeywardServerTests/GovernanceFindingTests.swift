import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import Testing

@Suite("Governance routes: findings, policy and report")
struct GovernanceFindingTests {
    @Test("evaluate stores findings in the fixed shape; list filters; show has the history; acknowledge once")
    func findings() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.call(.post, "/v1/inventory/import/aws-credential-report?file=r.csv", token: fixture.admin,
                                      bytes: GovernanceFiles.credentialReport(users: 3))
            let evaluated = try await client.call(.post, "/v1/findings/evaluate", token: fixture.admin).decode(EvaluationObject.self)
            #expect(evaluated.items == 4 && evaluated.opened > 0)

            let rotation = try await client.call(.get, "/v1/findings?rule=aws-access-key-rotation&state=open", token: fixture.admin)
            let list = try rotation.decode(FindingListObject.self)
            #expect(list.findings.count == 3)
            let raw = try #require((rotation.json["findings"] as? [[String: Any]])?.first)
            for field in ["id", "rule", "severity", "subject", "message", "remediation", "frameworks", "state", "opened_at"] {
                #expect(raw.keys.contains(field), "fixed finding field \(field)")
            }
            let subject = try #require(raw["subject"] as? [String: Any])
            for field in ["kind", "id", "provider", "external_id", "owner"] { #expect(subject.keys.contains(field), "fixed subject field \(field)") }
            #expect((raw["frameworks"] as? [String])?.contains("CIS-AWS-7.0.0:2.12") == true)
            #expect(list.findings.allSatisfy { $0.subject.identity?.hasPrefix("svc-") == true && $0.severity == .high })

            let cis = try await client.call(.get, "/v1/findings?framework=CIS-AWS-7.0.0:2.12", token: fixture.admin).decode(FindingListObject.self)
            #expect(cis.findings.count == 3)
            #expect(try await client.call(.get, "/v1/findings?severity=critical", token: fixture.admin).decode(FindingListObject.self).findings.isEmpty)
            #expect(try await client.call(.get, "/v1/findings?state=closed", token: fixture.admin).status == .badRequest)

            let id = list.findings[0].id
            let acknowledged = try await client.call(.post, "/v1/findings/\(id)/acknowledge", token: fixture.admin, json: #"{"note":"ticket OPS-7"}"#)
            #expect(acknowledged.status == .ok)
            #expect(try acknowledged.decode(Finding.self).state == .acknowledged)
            #expect(try await client.call(.post, "/v1/findings/\(id)/acknowledge", token: fixture.admin).status == .conflict)
            #expect(try await client.call(.post, "/v1/findings/fnd_000000000000000000000000/acknowledge", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.post, "/v1/findings/\(id)/acknowledge", token: fixture.admin, json: #"{"why":"x"}"#).status == .badRequest)
            let detail = try await client.call(.get, "/v1/findings/\(id)", token: fixture.admin).decode(FindingDetailObject.self)
            #expect(detail.history.map(\.to) == [.open, .acknowledged])
            #expect(detail.history[1].reason.contains("OPS-7"))
            #expect(detail.history[1].reason.contains("keyward-admin"))
        }
    }

    @Test("policy check evaluates a posted policy without storing; a bad policy is a 400 naming file, line and field")
    func policyCheck() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.call(.post, "/v1/inventory/import/aws-credential-report?file=r.csv", token: fixture.admin,
                                      bytes: GovernanceFiles.credentialReport(users: 2))
            let body = try JSONEncoder().encode(PolicyCheckBody(policy: GovernanceFiles.policy, file: "ci.yaml", failOn: .high, limit: 1))
            let checked = try await client.call(.post, "/v1/policy/check", token: fixture.admin, json: String(decoding: body, as: UTF8.self))
            #expect(checked.status == .ok, "\(checked.text)")
            let result = try checked.decode(PolicyCheckObject.self)
            #expect(result.policy == "route-policy" && result.file == "ci.yaml")
            #expect(result.failing == 2 && result.totalFindings == 2 && result.findings.count == 1 && result.findingsOmitted == 1)
            #expect(result.checks.map(\.rule) == ["aws-rotation"])
            let stored = try await client.call(.get, "/v1/findings", token: fixture.admin).decode(FindingListObject.self)
            #expect(stored.findings.isEmpty)

            let bad = GovernanceFiles.policy.replacingOccurrences(of: "rotation_interval", with: "rotation_intervall")
            let badBody = try JSONEncoder().encode(PolicyCheckBody(policy: bad, file: "ci.yaml", failOn: nil, limit: nil))
            let refused = try await client.call(.post, "/v1/policy/check", token: fixture.admin, json: String(decoding: badBody, as: UTF8.self))
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "invalid_policy")
            #expect(refused.errorMessage.hasPrefix("ci.yaml:5:"))
            #expect(refused.errorMessage.contains("rules[0].check"))

            let server = try await client.call(.get, "/v1/policy", token: fixture.admin).decode(PolicyObject.self)
            #expect(server.isDefault && server.name == "keyward-default" && server.rules.count == 16)
            #expect(try await client.call(.post, "/v1/policy/reload", token: fixture.admin).status == .conflict)
        }
    }

    @Test("reload puts a corrected policy file in force and refuses a broken one, keeping the old")
    func reload() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.yaml")
        try GovernanceFiles.policy.write(to: file, atomically: true, encoding: .utf8)
        try await ServerFixture.withRouter(configure: { $0.policyPath = file.path }) { fixture, client in
            #expect(try await client.call(.get, "/v1/policy", token: fixture.admin).decode(PolicyObject.self).name == "route-policy")
            try "version: 1\nname: broken\nrules:\n  - id: x\n    check: nope\n".write(to: file, atomically: true, encoding: .utf8)
            let refused = try await client.call(.post, "/v1/policy/reload", token: fixture.admin)
            #expect(refused.status == .badRequest && refused.errorMessage.hasPrefix(file.path + ":5:"))
            #expect(try await client.call(.get, "/v1/policy", token: fixture.admin).decode(PolicyObject.self).name == "route-policy")

            try GovernanceFiles.policy.replacingOccurrences(of: "route-policy", with: "route-policy-2").write(to: file, atomically: true, encoding: .utf8)
            let writer = try await client.credential(fixture.admin, owner: "ops", scopes: ["keyward:write"])
            #expect(try await client.call(.post, "/v1/policy/reload", token: writer).status == .forbidden)
            let reloaded = try await client.call(.post, "/v1/policy/reload", token: fixture.admin).decode(PolicyObject.self)
            #expect(reloaded.name == "route-policy-2")
            #expect(try await client.call(.get, "/v1/audit", token: fixture.admin).text.contains("policy.loaded"))
        }
    }

    @Test("the posture report is served as JSON, Markdown and HTML with the right content types")
    func report() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.call(.post, "/v1/inventory/import/aws-credential-report?file=r.csv", token: fixture.admin,
                                      bytes: GovernanceFiles.credentialReport(users: 2))
            _ = try await client.call(.post, "/v1/findings/evaluate", token: fixture.admin)
            let json = try await client.call(.get, "/v1/reports/posture", token: fixture.admin)
            #expect(json.headers[.contentType] == "application/json")
            #expect((json.json["inventory"] as? [String: Any])?["total"] as? Int == 3)
            #expect(json.json["frameworks"] != nil && json.json["top_risks"] != nil)
            let markdown = try await client.call(.get, "/v1/reports/posture?format=md", token: fixture.admin)
            #expect(markdown.headers[.contentType] == "text/markdown; charset=utf-8")
            #expect(markdown.text.hasPrefix("#"))
            let html = try await client.call(.get, "/v1/reports/posture?format=html", token: fixture.admin)
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html.text.contains("<html") && html.text.contains("aws-access-key-rotation"))
            #expect(try await client.call(.get, "/v1/reports/posture?format=pdf", token: fixture.admin).status == .badRequest)
        }
    }

    /// Two machine users whose keys fail `aws-rotation` (policy, high) and the root user with a
    /// recent active key (the import's own `aws-root-access-key`, critical).
    static func reportWithRoot() -> [UInt8] {
        GovernanceFiles.credentialReport(users: 2) + Array(("<root_account>,arn:aws:iam::345678901234:root,2019-01-01T00:00:00+00:00,not_supported,N/A,"
            + "not_supported,not_supported,true,true,2027-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n").utf8)
    }

    @Test("the CI gate counts every open finding whatever produced it, leaves acknowledged ones out, and names the sources")
    func gateCountsEverySource() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.yaml")
        try GovernanceFiles.policy.write(to: file, atomically: true, encoding: .utf8)
        try await ServerFixture.withRouter(configure: { $0.policyPath = file.path }) { fixture, client in
            _ = try await client.call(.post, "/v1/inventory/import/aws-credential-report?file=r.csv", token: fixture.admin, bytes: Self.reportWithRoot())
            _ = try await client.call(.post, "/v1/findings/evaluate", token: fixture.admin)
            func check(_ failOn: String) async throws -> [String: Any] {
                let answer = try await client.call(.post, "/v1/policy/check", token: fixture.admin, json: #"{"fail_on":"\#(failOn)"}"#)
                #expect(answer.status == .ok, "\(answer.text)")
                return answer.json
            }
            let high = try await check("high")
            #expect(high["failing"] as? Int == 3, "\(high)")
            #expect(high["failing_by_source"] as? [String: Int] == ["policy": 2, "import": 1, "offboarding": 0, "review": 0, "leak": 0, "anomaly": 0, "remediation": 0])
            #expect(high["sources"] as? [String] == ["policy", "import", "offboarding", "review", "leak", "anomaly", "remediation"])
            #expect((high["findings"] as? [[String: Any]])?.first?["rule"] as? String == "aws-root-access-key")
            #expect(high["total_findings"] as? Int == 3)
            let critical = try await check("critical")
            #expect(critical["failing"] as? Int == 1)

            // A person who acknowledged a finding owns it: the gate no longer fails on it, and says so.
            let rotation = try await client.call(.get, "/v1/findings?rule=aws-rotation", token: fixture.admin).decode(FindingListObject.self)
            let first = try #require(rotation.findings.first)
            #expect(try await client.call(.post, "/v1/findings/\(first.id)/acknowledge", token: fixture.admin).status == .ok)
            let root = try await client.call(.get, "/v1/findings?rule=aws-root-access-key", token: fixture.admin).decode(FindingListObject.self)
            #expect(try await client.call(.post, "/v1/findings/\(try #require(root.findings.first).id)/acknowledge", token: fixture.admin).status == .ok)
            let after = try await check("high")
            #expect(after["failing"] as? Int == 1)
            #expect(after["acknowledged"] as? Int == 2)
            #expect(after["failing_by_source"] as? [String: Int] == ["policy": 1, "import": 0, "offboarding": 0, "review": 0, "leak": 0, "anomaly": 0, "remediation": 0])
            let states = (after["findings"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") }
            #expect(states.first { $0.0 == first.id }?.1 == "acknowledged")
        }
    }

    @Test("the findings list says when the findings were last evaluated")
    func evaluatedAt() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let before = try await client.call(.get, "/v1/findings", token: fixture.admin)
            #expect(before.status == .ok && before.json.keys.contains("evaluated_at") && before.json["evaluated_at"] is NSNull)
            let evaluated = try await client.call(.post, "/v1/findings/evaluate", token: fixture.admin)
            let at = try #require(evaluated.json["evaluated_at"] as? String)
            let after = try await client.call(.get, "/v1/findings", token: fixture.admin)
            #expect(after.json["evaluated_at"] as? String == at)
            #expect(after.json["findings"] is [Any] && after.json.keys.contains("next_cursor"))
        }
    }
}
