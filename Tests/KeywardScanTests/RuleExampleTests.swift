import Testing
@testable import KeywardScan

/// Every bundled rule carries examples it must find and examples it must not; this runs them all
/// through the whole scanner (prefilter, matcher, checks), not through the rule in isolation.
@Suite struct RuleExampleTests {
    static let ruleSet = try! RuleSet.load()
    static let scanner = SecretScanner(ruleSet: ruleSet, options: ScanOptions(workers: 1))
    static var ruleIDs: [String] { ruleSet.rules.map(\.id) }

    @Test func everyBundledRuleHasTrueAndFalseExamples() {
        for rule in Self.ruleSet.rules {
            #expect(!(rule.definition.trueExamples ?? []).isEmpty, "rule \(rule.id) has no true examples")
            #expect(!(rule.definition.falseExamples ?? []).isEmpty, "rule \(rule.id) has no false examples")
            #expect(rule.definition.description != nil, "rule \(rule.id) has no description")
            #expect(rule.definition.provider != nil, "rule \(rule.id) names no provider")
            #expect(rule.definition.credential != nil, "rule \(rule.id) names no credential kind")
        }
    }

    @Test(arguments: ruleIDs)
    func trueExamplesAreFound(ruleID: String) throws {
        let rule = try #require(Self.ruleSet.rule(id: ruleID))
        for example in rule.definition.trueExamples ?? [] {
            let findings = Self.scanner.scan(bytes: Array(example.utf8), path: rule.definition.examplePath ?? "example.txt").findings
            #expect(findings.contains { $0.ruleID == ruleID }, "\(ruleID) missed its true example \(example.debugDescription); found \(findings.map(\.ruleID))")
        }
    }

    @Test(arguments: ruleIDs)
    func falseExamplesAreNotFound(ruleID: String) throws {
        let rule = try #require(Self.ruleSet.rule(id: ruleID))
        for example in rule.definition.falseExamples ?? [] {
            let findings = Self.scanner.scan(bytes: Array(example.utf8), path: rule.definition.examplePath ?? "example.txt").findings
            #expect(!findings.contains { $0.ruleID == ruleID }, "\(ruleID) reported its false example \(example.debugDescription)")
        }
    }

    /// Issue 13: provider-specific rules for at least 250 services.
    @Test func coversAtLeast250Providers() {
        let providers = Set(Self.ruleSet.rules.compactMap(\.definition.provider)).subtracting(["generic", "jwt", "private-key"])
        #expect(providers.count >= 250, "\(providers.count) providers")
    }

    @Test func findingsNeverCarryTheExampleSecret() throws {
        for rule in Self.ruleSet.rules {
            for example in rule.definition.trueExamples ?? [] {
                for finding in Self.scanner.scan(bytes: Array(example.utf8), path: "example.txt").findings {
                    #expect(finding.secretRedacted.hasSuffix("…"))
                    #expect(finding.secretRedacted.utf8.count < 48 || rule.id == "private-key", "redaction of \(rule.id) is too long")
                }
            }
        }
    }
}
