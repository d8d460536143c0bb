import Testing
import KeywardCore
@testable import KeywardPolicy

@Suite struct PolicyEngineTests {
    let now = Sample.now

    func findings(_ engine: PolicyEngine, _ items: [InventoryItem], owners: OwnerRegistry = OwnerRegistry()) -> [Finding] {
        engine.evaluate(items, owners: owners, now: now).findings
    }

    @Test func rotationIntervalAtTheBoundary() throws {
        let engine = try Sample.rule("    check: rotation_interval\n    threshold: 90d\n")
        let result = findings(engine, [Sample.awsKey("AKIA0000000000000090", createdDaysAgo: 90), Sample.awsKey("AKIA0000000000000091", createdDaysAgo: 91)])
        #expect(result.map(\.subject.externalID) == ["AKIA0000000000000091"])
        #expect(result[0].message.contains("91 days ago"))
        #expect(result[0].remediation.contains("aws iam create-access-key --user-name ci"))
        #expect(result[0].frameworks.contains(.nhi(7)))
    }

    @Test func unusedCountsNeverUsedKeysByAge() throws {
        let engine = try Sample.rule("    check: unused\n    threshold: 45d\n")
        let items = [
            Sample.awsKey("AKIA00000000000000U1", createdDaysAgo: 100, usedDaysAgo: 44),
            Sample.awsKey("AKIA00000000000000U2", createdDaysAgo: 100, usedDaysAgo: 45),
            Sample.awsKey("AKIA00000000000000U3", createdDaysAgo: 50, usedDaysAgo: nil),
            Sample.awsKey("AKIA00000000000000U4", createdDaysAgo: 10, usedDaysAgo: nil),
        ]
        #expect(findings(engine, items).map(\.subject.externalID) == ["AKIA00000000000000U2", "AKIA00000000000000U3"])
        #expect(findings(engine, items)[1].message.contains("never been used"))
    }

    @Test func inactiveCredentialsAreSkippedUnlessSelected() throws {
        let revoked = Sample.awsKey("AKIA00000000000000R1", createdDaysAgo: 500, status: .revoked)
        #expect(findings(try Sample.rule("    check: max_age\n    threshold: 365d\n"), [revoked]).isEmpty)
        let selecting = try Sample.rule("    check: max_age\n    threshold: 365d\n    select: {status: [revoked]}\n")
        #expect(findings(selecting, [revoked]).count == 1)
    }

    @Test func ownerChecksUseTheRegistry() throws {
        let owners = OwnerRegistry([OwnerEntry(handle: "payments", kind: .team),
                                    OwnerEntry(handle: "bob", kind: .person, status: .departed, departedAt: Sample.daysAgo(3))])
        let items = [Sample.apiKey("key_a", owner: nil), Sample.apiKey("key_b", owner: "Bob"), Sample.apiKey("key_c", owner: "ghost"),
                     Sample.apiKey("key_d", owner: "payments")]
        let required = try Sample.rule("    check: required_owner\n    require_registered: true\n")
        #expect(findings(required, items, owners: owners).map(\.subject.id) == ["key_a", "key_c"])
        let departed = try Sample.rule("    check: owner_departed\n")
        let result = findings(departed, items, owners: owners)
        #expect(result.map(\.subject.id) == ["key_b"])
        #expect(result[0].message.contains("departed on"))
    }

    @Test func forbiddenScopesOnlyInTheSelectedEnvironment() throws {
        let engine = try Sample.rule("    check: forbidden_scopes\n    wildcards: true\n    scopes: [\"*admin*\"]\n    select: {environment: [prod*]}\n")
        let items = [
            Sample.apiKey("key_wild", scopes: ["billing:*"]),
            Sample.apiKey("key_admin", scopes: ["keyward:admin"], environments: ["Production"]),
            Sample.apiKey("key_fine", scopes: ["billing:read"]),
            Sample.apiKey("key_test", scopes: ["*"], environments: ["test"]),
        ]
        let result = findings(engine, items)
        #expect(result.map(\.subject.id) == ["key_wild", "key_admin"])
        #expect(result[0].message.contains("billing:*"))
    }

    @Test func sharedEnvironmentsAndRequiredFieldsAndExpiry() throws {
        let shared = try Sample.rule("    check: shared_across_environments\n")
        #expect(findings(shared, [Sample.apiKey("key_s", environments: ["production", "staging"]),
                                  Sample.apiKey("key_t", environments: ["production", "PRODUCTION"])]).map(\.subject.id) == ["key_s"])
        let fields = try Sample.rule("    check: required_fields\n    fields: [purpose, reviewed_at]\n")
        let missing = findings(fields, [Sample.apiKey("key_f", reviewedDaysAgo: nil, purpose: nil)])
        #expect(missing.first?.message.contains("purpose, reviewed_at") == true)
        let expiry = try Sample.rule("    check: required_expiry\n")
        #expect(findings(expiry, [Sample.apiKey("key_e", expiresInDays: nil), Sample.apiKey("key_g")]).map(\.subject.id) == ["key_e"])
        let lifetime = try Sample.rule("    check: max_lifetime\n    threshold: 30d\n")
        #expect(findings(lifetime, [Sample.apiKey("key_l", createdDaysAgo: 10, expiresInDays: 30), Sample.apiKey("key_m", createdDaysAgo: 10, expiresInDays: 10)])
            .map(\.subject.id) == ["key_l"])
    }

    // Issue 14 changed this test deliberately: a credential never reviewed is due one interval
    // after its creation (key_new, 10 days old, is not), no longer at once.
    @Test func reviewInterval() throws {
        let engine = try Sample.rule("    check: review_interval\n    threshold: 90d\n")
        let result = findings(engine, [Sample.apiKey("key_never", createdDaysAgo: 91, reviewedDaysAgo: nil), Sample.apiKey("key_old", reviewedDaysAgo: 91),
                                       Sample.apiKey("key_ok", reviewedDaysAgo: 90), Sample.apiKey("key_new", createdDaysAgo: 10, reviewedDaysAgo: nil)])
        #expect(result.map(\.subject.id) == ["key_never", "key_old"])
        #expect(result[0].message.contains("has not been reviewed in the 91 days since it was created"))
    }

    @Test func graceHoldsBackFindingsOfNewCredentialsUntilDue() throws {
        let engine = try Sample.rule("    check: required_fields\n    fields: [purpose]\n    grace: 1w\n")
        let items = [Sample.apiKey("key_day6", createdDaysAgo: 6, purpose: nil), Sample.apiKey("key_day8", createdDaysAgo: 8, purpose: nil)]
        let evaluation = engine.evaluate(items, now: now)
        #expect(evaluation.findings.map(\.subject.id) == ["key_day8"])
        // Inside its grace a credential counts as evaluated and passing.
        #expect(evaluation.checks[0].evaluated == 2 && evaluation.checks[0].failing == 1)
        #expect(throws: PolicyError.self) { try Sample.rule("    check: required_expiry\n    grace: soon\n") }
    }

    @Test func scopeSelectorsAndListsOfExclusions() throws {
        let engine = try Sample.rule("""
                check: required_expiry
                select: {scope: "billing:*"}
                exclude: [{owner: ops}, {scope: "billing:admin"}]

            """)
        let items = [
            Sample.apiKey("key_a", scopes: ["billing:read"], expiresInDays: nil), Sample.apiKey("key_b", owner: "ops", expiresInDays: nil),
            Sample.apiKey("key_c", scopes: ["billing:admin"], expiresInDays: nil), Sample.apiKey("key_d", scopes: ["docs:read"], expiresInDays: nil),
        ]
        #expect(findings(engine, items).map(\.subject.id) == ["key_a"])
    }

    @Test func defaultPolicyIsQuietAboutANewInstallationsAdminKey() throws {
        // The bootstrap key as governance sees it: keyward:admin in the default environment,
        // no expiry, its purpose recorded, never used or reviewed, minutes old.
        let admin = Sample.apiKey("key_admin", owner: "keyward-admin", scopes: ["keyward:admin"], environments: ["live"],
                                  createdDaysAgo: 0, expiresInDays: nil, reviewedDaysAgo: nil, purpose: "bootstrap administrator key")
        let fresh = Sample.apiKey("key_fresh", scopes: ["billing:read"], environments: ["live"], createdDaysAgo: 0, reviewedDaysAgo: nil, purpose: nil)
        let engine = PolicyEngine(policy: DefaultPolicy.load())
        #expect(engine.evaluate([admin, fresh], now: now).findings.isEmpty)
        // An application key with an admin scope in production is still a high finding.
        let app = Sample.apiKey("key_app", scopes: ["billing:admin"], environments: ["live"])
        #expect(engine.evaluate([app], now: now).findings.map(\.rule) == ["production-least-privilege"])
    }

    @Test func oneActiveKeyPerIdentityIgnoresRotationOverlap() throws {
        let engine = try Sample.rule("    check: multiple_active_keys\n    max_keys: 1\n")
        let items = [
            Sample.awsKey("AKIA0000000000000001", user: "ci"), Sample.awsKey("AKIA0000000000000002", user: "ci"),
            Sample.awsKey("AKIA0000000000000003", user: "deploy"), Sample.awsKey("AKIA0000000000000004", user: "deploy", status: .rotating),
        ]
        let evaluation = engine.evaluate(items, now: now)
        #expect(evaluation.findings.map(\.subject.id) == ["aws:ci"])
        #expect(evaluation.findings[0].subject.kind == .identity)
        #expect(evaluation.checks[0].evaluated == 2)
    }

    @Test func findingIDsAreStableAcrossEvaluations() throws {
        let engine = PolicyEngine(policy: DefaultPolicy.load())
        let items = [Sample.awsKey("AKIA00000000000000S1", owner: nil, createdDaysAgo: 200), Sample.apiKey("key_x", owner: nil, scopes: ["*"])]
        let first = engine.evaluate(items, now: now).findings.map(\.id)
        let later = engine.evaluate(items, now: Sample.inDays(3)).findings.map(\.id)
        #expect(!first.isEmpty && first == later)
        #expect(Set(first).count == first.count)
    }

    @Test func exceptionsSuppressUntilTheyExpire() throws {
        let yaml = """
        version: 1
        rules:
          - {id: rotate, check: rotation_interval, threshold: 90d, severity: high}
        exceptions:
          - id: appliance
            rule: rotate
            keys: ["AKIA00000000000000E*"]
            justification: vendor appliance
            approver: ciso
            expires: 2026-12-31
        """
        let engine = PolicyEngine(policy: try Sample.policy(yaml))
        let items = [Sample.awsKey("AKIA00000000000000E1", createdDaysAgo: 120), Sample.awsKey("AKIA00000000000000F1", createdDaysAgo: 120)]
        let before = engine.evaluate(items, now: now)
        #expect(before.findings.map(\.state) == [.suppressed, .open])
        #expect(before.findings[0].exception == "appliance")
        #expect(before.checks[0].suppressed == 1 && before.checks[0].failing == 1)
        #expect(before.failing(atOrAbove: .high).count == 1)
        let after = engine.evaluate(items, now: Timestamp(iso8601: "2027-01-01T00:00:00Z")!)
        #expect(after.findings.map(\.state) == [.open, .open])
    }

    @Test func defaultPolicyOverARealisticInventory() throws {
        let engine = PolicyEngine(policy: DefaultPolicy.load())
        let items = [
            Sample.awsKey("AKIA00000000000000D1", createdDaysAgo: 120, usedDaysAgo: 60),
            Sample.apiKey("key_good"),
        ]
        let rules = Set(engine.evaluate(items, now: now).findings.map(\.rule))
        #expect(rules == ["aws-access-key-rotation", "aws-unused-credentials"])
    }
}

@Suite struct AttributeCheckTests {
    @Test func forbiddenAttributesMatchImportedProviderFacts() throws {
        var weak = Sample.awsKey("k-weak")
        weak.attributes = ["key_algorithm": "KEY_ALG_RSA_1024"]
        var strong = Sample.awsKey("k-strong")
        strong.attributes = ["key_algorithm": "KEY_ALG_RSA_2048"]
        let engine = PolicyEngine(policy: DefaultPolicy.load())
        let findings = engine.evaluate([weak, strong], now: Sample.now).findings.filter { $0.rule == "weak-key-algorithm" }
        #expect(findings.map(\.subject.externalID) == ["k-weak"])
        #expect(findings.first?.frameworks.contains(.nhi(4)) == true)
        #expect(findings.first?.message.contains("key_algorithm = KEY_ALG_RSA_1024") == true)
        #expect(throws: PolicyError.self) {
            try Sample.policy("version: 1\nrules:\n  - {id: a, check: forbidden_attributes, attributes: [x], severity: low}\n")
        }
    }
}
