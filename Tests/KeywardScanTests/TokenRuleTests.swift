import Testing
@testable import KeywardScan

@Suite struct TokenRuleTests {
    @Test(arguments: [("kw", "live"), ("kw", "test"), ("acme", "prod"), ("x", "y"), ("abcdefghijklmnop", "q1")])
    func keywardKeysOfAnyPrefixAreFoundWithHighConfidence(prefix: String, environment: String) throws {
        let key = Secrets.keywardKey(prefix: prefix, environment: environment)
        for context in ["KEY=\(key)\n", "\"\(key)\"", "Authorization: Bearer \(key)", key] {
            let findings = Scanning.findings(in: context).filter { $0.ruleID == "keyward-api-key" }
            #expect(findings.count == 1, "in \(context.debugDescription)")
            let finding = try #require(findings.first)
            #expect(finding.confidence == .high)
            #expect(finding.inventoryLink == .keywardKey)
            #expect(finding.secretRedacted == "\(prefix)_\(environment)_\(key.dropFirst(prefix.count + environment.count + 2).prefix(4))…")
            #expect(finding.secretHash.hex == KeyHashing.hex(of: key))
        }
    }

    @Test func keywardKeyWithAWrongChecksumIsNeverReported() {
        let key = Secrets.keywardKey()
        let broken = String(key.dropLast()) + (key.last == "0" ? "1" : "0")
        #expect(Scanning.findings(in: "KEY=\(broken)").isEmpty)
    }

    @Test func githubChecksumDecidesConfidence() throws {
        let valid = Secrets.githubToken(valid: true)
        let invalid = Secrets.githubToken(valid: false)
        let good = try #require(Scanning.findings(in: "token=\(valid)").first)
        #expect(good.ruleID == "github-pat" && good.confidence == .high)
        // issue 13: a failed checksum is not reported by default, only when asked for, at low confidence
        #expect(!Scanning.findings(in: "token=\(invalid)").contains { $0.ruleID == "github-pat" })
        let asked = SecretScanner(ruleSet: Scanning.ruleSet, options: ScanOptions(workers: 1, reportsFailedChecksums: true))
        let bad = try #require(asked.scan(bytes: Array("token=\(invalid)".utf8), path: "a").findings.first)
        #expect(bad.ruleID == "github-pat" && bad.confidence == .low)
        let strict = Scanning.scanner(workers: 1, minimumConfidence: .high)
        #expect(strict.scan(bytes: Array("token=\(invalid)".utf8), path: "a").findings.isEmpty)
        #expect(strict.scan(bytes: Array("token=\(valid)".utf8), path: "a").findings.count == 1)
    }

    @Test func npmTokensShareTheGithubChecksum() throws {
        let token = Secrets.githubToken("npm_", valid: true)
        let finding = try #require(Scanning.findings(in: "//registry.npmjs.org/:_authToken=\(token)").first { $0.ruleID == "npm-access-token" })
        #expect(finding.confidence == .high)
    }

    @Test func tokensInsideLongerWordsAreNotReported() {
        let token = Secrets.githubToken()
        #expect(Scanning.findings(in: "x\(token)").isEmpty)
        #expect(Scanning.findings(in: "\(token)abc").isEmpty)
    }

    @Test func awsSecretIsFoundOnlyNearItsKeyID() {
        let id = Secrets.awsKeyID()
        let secret = Secrets.random(40, from: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"))
        let together = Scanning.findings(in: "id: \(id)\nsecret: \(secret)\n")
        #expect(together.contains { $0.ruleID == "aws-secret-access-key" && $0.line == 2 })
        let alone = Scanning.findings(in: "value: \(secret)\n")
        #expect(!alone.contains { $0.ruleID == "aws-secret-access-key" })
        let far = Scanning.findings(in: "id: \(id)\n" + String(repeating: "filler line\n", count: 100) + "value: \(secret)\n")
        #expect(!far.contains { $0.ruleID == "aws-secret-access-key" })
    }

    @Test func privateKeyBlockIsOneFinding() throws {
        let body = (0..<12).map { _ in Secrets.random(64) }.joined(separator: "\n")
        let text = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n\(body)\n-----END OPENSSH PRIVATE KEY-----\nafter\n"
        let findings = Scanning.findings(in: text)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.ruleID == "private-key" && finding.line == 2 && finding.endLine == 15)
        #expect(finding.secretRedacted == "-----BEGIN OPENSSH PRIVATE KEY-----…")
    }

    @Test func placeholdersAndDocumentationExamplesAreNotReported() {
        for text in [
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "api_key = \"<your-api-key>\"",
            "password = \"${DB_PASSWORD}\"",
            "token = os.environ[\"API_TOKEN\"]",
            "secret = process.env.CLIENT_SECRET_VALUE",
            "STRIPE_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
        ] {
            #expect(Scanning.findings(in: text).isEmpty, "reported \(text)")
        }
    }

    @Test func genericRuleYieldsToASpecificOne() {
        let token = Secrets.githubToken()
        let findings = Scanning.findings(in: "github_token = \"\(token)\"")
        #expect(findings.map(\.ruleID) == ["github-pat"])
    }

    @Test func inlineAllowCommentSuppressesTheLine() {
        let key = Secrets.keywardKey()
        #expect(Scanning.findings(in: "KEY=\(key) # keyward:allow\n").isEmpty)
        #expect(Scanning.findings(in: "KEY=\(key) // gitleaks:allow\n").isEmpty)
        #expect(Scanning.findings(in: "# keyward:allow\nKEY=\(key)\n").count == 1)
    }
}

import KeywardCore

enum KeyHashing {
    static func hex(of text: String) -> String { KeyHash(of: text).hex }
}
