import Testing
import KeywardCore
@testable import KeywardPolicy

@Suite struct PolicyLoaderTests {
    func error(_ yaml: String) -> PolicyError? {
        do {
            _ = try PolicyLoader.parse(yaml, file: "p.yaml")
            return nil
        } catch {
            return error as? PolicyError
        }
    }

    @Test func defaultPolicyLoadsWithCISReferences() {
        let policy = DefaultPolicy.load()
        #expect(policy.name == "keyward-default")
        let rotation = policy.rules.first { $0.id == "aws-access-key-rotation" }
        #expect(rotation?.check == .rotationInterval(days: 90))
        #expect(rotation?.frameworks.contains(FrameworkReference("CIS-AWS-7.0.0:2.12")!) == true)
        #expect(rotation?.frameworks.contains(.nhi(7)) == true)
        #expect(policy.rules.first { $0.id == "aws-unused-credentials" }?.check == .unused(days: 45))
        #expect(policy.rules.first { $0.id == "review-interval" }?.frameworks.contains(.cisControls("5.5")) == true)
        #expect(policy.rules.first { $0.id == "aws-access-key-rotation" }?.selector.providers == [.aws])
    }

    @Test func fullRuleAndExceptionSyntax() throws {
        let policy = try PolicyLoader.parse("""
        version: 1
        name: team
        rules:
          - id: prod-rotation
            check: rotation_interval
            threshold: 4w
            severity: critical
            select:
              provider: [aws, gcp]
              environment: prod*
              owner: [team-*]
              tag: {tier: ["1", "2"]}
            exclude: {kind: secret}
            frameworks: ["CIS-AWS-7.0.0:2.12"]
        exceptions:
          - id: legacy
            rule: prod-rotation
            keys: [AKIAIOSFODNN7EXAMPLE]
            justification: appliance cannot rotate before the March migration
            approver: ciso@example.com
            expires: 2027-03-31
        """, file: "p.yaml")
        let rule = try #require(policy.rules.first)
        #expect(rule.check == .rotationInterval(days: 28) && rule.severity == .critical)
        #expect(rule.selector.providers == [.aws, .gcp] && rule.selector.tags["tier"]?.count == 2)
        #expect(rule.exclude.map(\.kinds) == [[.secret]])
        #expect(policy.exceptions.first?.expiresAt == Timestamp(iso8601: "2027-03-31"))
    }

    @Test func unknownCheckNamesFileLineAndField() throws {
        let failure = try #require(error("version: 1\nrules:\n  - id: a\n    check: max_agee\n    severity: high\n"))
        #expect(failure.file == "p.yaml" && failure.line == 4 && failure.field == "rules[0].check")
        #expect(failure.message.contains("unknown check \"max_agee\""))
        #expect(failure.description.hasPrefix("p.yaml:4:"))
    }

    @Test func badSelectorIsAnError() throws {
        let failure = try #require(error("version: 1\nrules:\n  - id: a\n    check: required_expiry\n    severity: high\n    select: {provider: amazon}\n"))
        #expect(failure.line == 6 && failure.field == "rules[0].select.provider")
        let unknownKey = try #require(error("version: 1\nrules:\n  - id: a\n    check: required_expiry\n    severity: high\n    select:\n      team: x\n"))
        #expect(unknownKey.line == 7 && unknownKey.field == "rules[0].select.team")
    }

    @Test func badDurationIsAnError() throws {
        for bad in ["90", "9O d", "90h", "-5d", "0d"] {
            let failure = try #require(error("version: 1\nrules:\n  - id: a\n    check: max_age\n    threshold: \"\(bad)\"\n    severity: high\n"), "\(bad)")
            #expect(failure.field == "rules[0].threshold" && failure.line == 5)
            #expect(failure.message.hasPrefix("bad duration"))
        }
    }

    @Test func misspelledSettingIsAnError() throws {
        let failure = try #require(error("version: 1\nrules:\n  - id: a\n    check: max_age\n    treshold: 90d\n    severity: high\n"))
        #expect(failure.field == "rules[0].treshold" && failure.line == 5)
    }

    @Test func exceptionMustNameAnExistingRuleAndEverything() throws {
        let base = "version: 1\nrules:\n  - id: a\n    check: required_expiry\n    severity: high\nexceptions:\n"
        let wrongRule = try #require(error(base + "  - {id: e, rule: b, keys: [k], justification: j, approver: p, expires: 2027-01-01}\n"))
        #expect(wrongRule.field == "exceptions[0].rule" && wrongRule.line == 7)
        let noApprover = try #require(error(base + "  - {id: e, rule: a, keys: [k], justification: j, expires: 2027-01-01}\n"))
        #expect(noApprover.message.contains("approver"))
        let badDate = try #require(error(base + "  - {id: e, rule: a, keys: [k], justification: j, approver: p, expires: soon}\n"))
        #expect(badDate.field == "exceptions[0].expires")
    }

    @Test func structuralErrors() throws {
        #expect(error("version: 1\n")?.message == "a policy needs a rules: list")
        #expect(error("version: 2\nrules: []\n")?.field == "version")
        let duplicate = try #require(error("version: 1\nrules:\n  - {id: a, check: required_expiry, severity: low}\n  - {id: a, check: owner_departed, severity: low}\n"))
        #expect(duplicate.field == "rules[1].id")
        let syntax = try #require(error("version: 1\nrules:\n  - id: [a\n"))
        #expect(syntax.line != nil && syntax.message.hasPrefix("not valid YAML"))
        #expect(error("version: 1\nrules:\n  - {id: a, check: required_expiry, severity: urgent}\n")?.field == "rules[0].severity")
    }

    @Test func loadsFromAFile() throws {
        let path = TemporaryFiles.temporaryPath("policy.yaml")
        try TemporaryFiles.write(DefaultPolicy.yaml, to: path)
        #expect(try PolicyLoader.load(file: path) == DefaultPolicy.load())
        #expect(throws: PolicyError.self) { try PolicyLoader.load(file: path + ".missing") }
    }
}
