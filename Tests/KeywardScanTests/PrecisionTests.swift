import Foundation
import Testing
@testable import KeywardScan

/// What a default scan leaves out because nobody acts on it (tokens whose checksum fails, public
/// documentation samples), and the rule features the provider rules rely on.
@Suite struct PrecisionTests {
    static let ruleSet = RuleExampleTests.ruleSet
    static let scanner = SecretScanner(ruleSet: ruleSet, options: ScanOptions(workers: 1))
    static let asked = SecretScanner(ruleSet: ruleSet, options: ScanOptions(workers: 1, minimumConfidence: .low, reportsFailedChecksums: true))

    static func findings(_ text: String, path: String = "example.txt", scanner: SecretScanner = scanner) -> [SecretFinding] {
        scanner.scan(bytes: Array(text.utf8), path: path).findings
    }

    // A GitHub token whose CRC-32 tail is wrong: a typo or a test value.
    static let goodToken = "GITHUB_TOKEN=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"
    static let badChecksumToken = "GITHUB_TOKEN=ghp_8aspm4G7VmSUfOoD6V1vrORcmn0iSH2JWh3e"

    @Test func aTokenFailingItsChecksumIsNotReportedByDefault() {
        #expect(Self.findings(Self.goodToken).map(\.ruleID) == ["github-pat"])
        #expect(!Self.findings(Self.badChecksumToken).contains { $0.ruleID == "github-pat" })
    }

    @Test func askedForItIsReportedAtLowConfidenceSayingWhy() throws {
        let finding = try #require(Self.findings(Self.badChecksumToken, scanner: Self.asked).first { $0.ruleID == "github-pat" })
        #expect(finding.confidence == .low)
        #expect(finding.ruleDescription.contains("checksum does not validate"))
        let valid = try #require(Self.findings(Self.goodToken, scanner: Self.asked).first)
        #expect(valid.confidence == .high)
        #expect(!valid.ruleDescription.contains("checksum"))
    }

    @Test func ageIdentitiesCarryABech32Checksum() {
        let key = "AGE-SECRET-KEY-1SXNX27MZ822LX722QX8SALJCV8R9M2DY8SKGTURGWD3ZG2TXUQNSGXJ0U8"
        #expect(Self.findings("SOPS_AGE_KEY=\(key)").map(\.confidence) == [.high])
        #expect(Self.findings("SOPS_AGE_KEY=\(key.dropLast())Q").isEmpty)
    }

    @Test func bech32ValidatesTheReferenceVectors() {
        func check(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { Bech32.validates($0) } }
        for valid in ["A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"] {
            #expect(check(valid), "\(valid)")
        }
        for invalid in ["A1G7SGD8", "a12UEL5L", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx", "1qzzfhee", "x1b4n0q5v"] {
            #expect(!check(invalid), "\(invalid)")
        }
    }

    @Test func publicDocumentationSamplesAreNotReported() {
        let jwtIO = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        // the same payload signed with another key or algorithm is still the sample
        let jwtIOOther = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.NHVaYe26MbtOYhSKkoKYdFVomg4i8ZJd8_-RU8VNbftc4TSMb4bXP3l3YlNWACwyXPGffz5aXHc6lty1Y2t4SWRqGteragsVdZufDn5BlnJl9pdR_kdVFUsra2rWKEofkZeIC4yWytE58sMIihvo9H1ScmmVwBcQP6XETqYd0aSHp1gOa9RdUPDvoXQ5oqygTqVtxaDr6wUFKrKItgBMzWIdNZ6y7O9E0DhEPTbE9rfBo6KTFsHAZnMg4k68CDp2woYIaXbmYTWcvbzIuHO7_37GT79XdIwkm95QJ7hYC9RiwrV7mesbY4PAahERJawntho0my942XheVLmGwLMBkQ"
        for sample in ["Authorization: Bearer \(jwtIO)", "token: \(jwtIOOther)", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
                       "STRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc"] {
            #expect(Self.findings(sample).isEmpty, "\(sample.prefix(40)) was reported")
        }
    }

    @Test func aRuleWithPathsReportsOnlyInThoseFiles() {
        let line = #"<add key="ClearTextPassword" value="Sup3r-Feed-Pass" />"#
        #expect(Self.findings(line, path: "src/NuGet.Config").contains { $0.ruleID == "nuget-config-password" })
        #expect(!Self.findings(line, path: "src/settings.xml").contains { $0.ruleID == "nuget-config-password" })
    }

    @Test func aRegexRuleSeesTheValueOnTheLineAfterItsName() {
        let xml = "<adafruitKey>\n    k2vq0m9x4r7t1w8z3b6n5c0d2f4g6h8j\n</adafruitKey>"
        #expect(Self.findings(xml).contains { $0.ruleID == "adafruit-api-key" })
        let curl = "curl -s https://registry.internal.test \\\n  -H 'Accept: application/json' \\\n  --user 'ci-bot:W9f!kR2mQz'"
        #expect(Self.findings(curl).contains { $0.ruleID == "curl-auth-user" })
    }

    @Test func aRegexRuleTakesTheSecretFromWhicheverAlternativeMatched() throws {
        let bare = "x ATATT3" + String(repeating: "aB3dE5fG7h", count: 18) + "aB3dE5 y"
        let finding = try #require(Self.findings(bare).first { $0.ruleID == "atlassian-api-token" })
        #expect(finding.secretRedacted.hasPrefix("ATAT"))
        #expect(Self.findings("JIRA_API_TOKEN=q8v2m4x7z1k5r9t3w6y0b2d4").contains { $0.ruleID == "atlassian-api-token" })
    }

    @Test func findingsNameTheCredentialKindInJSON() throws {
        let findings = Self.findings("DIGITALOCEAN_TOKEN=dop_v1_" + String(repeating: "3f9a", count: 16))
        let finding = try #require(findings.first)
        #expect(finding.provider == "digitalocean")
        #expect(finding.credential == "personal-access-token")
        #expect(Report.render(findings, format: .json, rules: Self.ruleSet).contains(#""credential": "personal-access-token""#))
    }
}

/// The byte test that keeps provider-keyword expressions from running on prose, URLs and code.
@Suite struct NamedValueTests {
    static func follows(_ text: String, keyword: String) -> Bool {
        let bytes = Array(text.utf8)
        let end = text.range(of: keyword, options: .caseInsensitive)!.upperBound.utf16Offset(in: text)
        return bytes.withUnsafeBytes { RegexMatcher.assignmentFollows($0, from: end) }
    }

    @Test func acceptsTheShapesOfAnAssignment() {
        for text in ["ADAFRUIT_KEY=x", "adafruitToken := \"x\"", "  \"adafruitKey\": \"x\"", "<adafruitKey>\n  x", "$adafruitToken .= \"x\"",
                     "System.setProperty(\"ADAFRUIT_TOKEN\", \"x\")", "adafruit bot: x", "adafruit_TOKEN ?= x", "adafruit -> x"] {
            #expect(Self.follows(text, keyword: "adafruit"), "\(text)")
        }
    }

    @Test func rejectsTheKeywordInProseURLsAndCode() {
        for text in ["see https://www.adafruit.com/product/123", "the adafruit board is great", "import adafruit\n", "adafruit(board)"] {
            #expect(!Self.follows(text, keyword: "adafruit"), "\(text)")
        }
    }
}
