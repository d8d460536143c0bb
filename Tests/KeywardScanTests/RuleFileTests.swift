import Foundation
import Testing
@testable import KeywardScan

/// Users' rules files: adding, overriding and disabling rules, allow-lists, and errors that
/// name what is wrong.
@Suite struct RuleFileTests {
    static func ruleSet(_ json: String) throws -> RuleSet {
        let directory = try TemporaryDirectory()
        let path = try directory.write("rules.json", json)
        return try RuleSet.load(userFiles: [path])
    }

    @Test func userRulesAddToTheBundledOnes() throws {
        let rules = try Self.ruleSet("""
            {"rules": [{"id": "acme-internal-token", "kind": "token", "patterns": ["acme_[0-9a-f]{32}"], "description": "ACME token",
                        "true_examples": ["acme_0123456789abcdef0123456789abcdef"], "false_examples": ["acme_xyz"]}]}
            """)
        #expect(rules.rules.count == Scanning.ruleSet.rules.count + 1)
        let scanner = SecretScanner(ruleSet: rules)
        let findings = scanner.scan(bytes: Array("t = acme_9f8e7d6c5b4a39281706f5e4d3c2b1a0 and ghp_x".utf8), path: "a").findings
        #expect(findings.map(\.ruleID) == ["acme-internal-token"])
    }

    @Test func userRulesOverrideAndDisableBundledOnes() throws {
        let rules = try Self.ruleSet("""
            {"rules": [
              {"id": "jwt", "disabled": true},
              {"id": "twilio-api-key", "kind": "token", "patterns": ["SK[0-9a-f]{32}"], "min_entropy": 3.0, "severity": "low"}
            ]}
            """)
        #expect(rules.rule(id: "jwt") == nil)
        #expect(rules.rule(id: "twilio-api-key")?.severity == .low)
        #expect(rules.rules.count == Scanning.ruleSet.rules.count - 1)
    }

    @Test func extendsDefaultFalseReplacesTheBundledRules() throws {
        let rules = try Self.ruleSet("""
            {"extends_default": false, "rules": [{"id": "only", "kind": "token", "patterns": ["only_[a-z]{10}"]}]}
            """)
        #expect(rules.rules.map(\.id) == ["only"])
    }

    @Test func allowlistsDropPathsRulesFingerprintsRegexesAndStopwords() throws {
        let key = Secrets.keywardKey()
        let token = Secrets.githubToken()
        let fingerprint = Fingerprint.of(ruleID: "keyward-api-key", path: "kept.env", secretHash: .init(of: key))
        let rules = try Self.ruleSet("""
            {"allowlist": {"paths": ["(^|/)fixtures/"], "rules": ["npm-access-token"], "fingerprints": ["\(fingerprint)"],
                           "regexes": ["^ghp_\(token.dropFirst(4).prefix(6))"], "stopwords": ["sk_test_"]},
             "rules": []}
            """)
        let directory = try TemporaryDirectory()
        try directory.write("fixtures/a.env", "KEY=\(Secrets.keywardKey())\n")
        try directory.write("kept.env", "KEY=\(key)\nGH=\(token)\nSTRIPE=sk_test_\(Secrets.random(24))\nNPM=\(Secrets.githubToken("npm_"))\n")
        let scanner = SecretScanner(ruleSet: rules)
        let result = scanner.scan(paths: [directory.url("fixtures").path, directory.url("kept.env").path])
        #expect(result.summary.allowlistedInputs == 1)
        #expect(rules.rule(id: "npm-access-token") == nil)
        // kept.env is scanned by absolute path, so its fingerprint differs from the allow-listed one.
        #expect(result.findings.map(\.ruleID) == ["keyward-api-key"])
        #expect(result.summary.allowlistedFindings == 2)
        // By the path the fingerprint was made for, the key is allow-listed too.
        let again = scanner.scan(bytes: Array("KEY=\(key)\n".utf8), path: "kept.env")
        #expect(again.findings.isEmpty && again.summary.allowlistedFindings == 1)
    }

    @Test func regexRulesRunOnKeywordLinesOnly() throws {
        let rules = try Self.ruleSet("""
            {"extends_default": false, "rules": [{"id": "db-url", "kind": "regex", "keywords": ["postgres://"],
              "regex": "postgres://[a-z]+:([^@\\\\s]{8,})@[a-z.]+", "secret_group": 1, "min_entropy": 2.5}]}
            """)
        let scanner = SecretScanner(ruleSet: rules)
        let findings = scanner.scan(bytes: Array("x\nDATABASE_URL=postgres://app:S3cr3tPa55w0rd@db.internal/app\npostgres://app:short@db\n".utf8), path: "a").findings
        #expect(findings.count == 1)
        #expect(findings.first?.line == 2 && findings.first?.column == 29)
        #expect(findings.first?.secretRedacted == "S…")
    }

    @Test(arguments: [
        (#"{"rules": [{"id": "x", "kind": "token", "patterns": ["[a-z]{3}"]}]}"#, "must start with a literal"),
        (#"{"rules": [{"id": "x", "kind": "token", "patterns": ["ab(c)"]}]}"#, "non-capturing"),
        (#"{"rules": [{"id": "x", "kind": "token", "patterns": ["abc"], "min_entorpy": 3}]}"#, "unknown key \"min_entorpy\" in rule x"),
        (#"{"rules": [{"id": "x", "kind": "regex", "regex": "a+"}]}"#, "keywords"),
        (#"{"rules": [{"id": "x", "kind": "nearby", "near": "nope", "patterns": ["[a-z]{40}"]}]}"#, "names no rule"),
        (#"{"rules": [{"id": "x", "kind": "token", "patterns": ["abc"]}, {"id": "x", "kind": "token", "patterns": ["abd"]}]}"#, "appears twice"),
        (#"{"rules": [{"id": "x y", "kind": "token", "patterns": ["abc"]}]}"#, "ids are"),
        (#"{"rules": [{"id": "x", "kind": "sorcery"}]}"#, "kind"),
        (#"{"allowlist": {"paths": ["(unclosed"]}, "rules": []}"#, "not a valid regular expression"),
        (#"not json"#, "rules file"),
    ])
    func badRulesFilesAreRejectedWithTheReason(json: String, expected: String) throws {
        do {
            _ = try Self.ruleSet(json)
            Issue.record("accepted \(json)")
        } catch let error as RuleError {
            #expect("\(error)".contains(expected), "message was: \(error)")
        }
    }

    @Test func missingRulesFileIsAnError() {
        #expect(throws: RuleError.self) { try RuleSet.load(userFiles: ["/nonexistent/rules.json"]) }
    }
}
