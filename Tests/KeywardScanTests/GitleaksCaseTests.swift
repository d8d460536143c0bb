import Foundation
import Testing
@testable import KeywardScan

/// gitleaks' own labelled examples for all of its rules (not written by us): every true example
/// must be reported by the equivalent keyward rule, and no false example may be. Random parts
/// were drawn once, with a fixed seed, by `benchmarks/scan/gitleaks_fixture.py`.
///
/// The scan reports tokens whose checksum fails: gitleaks draws the bodies of GitHub, npm and
/// age tokens at random, so they carry no valid checksum; a default scan rightly leaves them out
/// (``PrecisionTests``), but the format is still recognised as that provider's.
@Suite struct GitleaksCaseTests {
    struct Case: Decodable {
        var gitleaks: String
        var rule: String
        var expect: String
        var text: String
        var path: String?
        /// Why keyward deliberately reports this case differently from gitleaks' label.
        var deviation: String?
    }

    struct Fixture: Decodable {
        var gitleaksRules: [String]
        var notCarried: [String: String]
        var cases: [Case]
    }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "gitleaks-cases", withExtension: "json", subdirectory: "Fixtures")!
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try! decoder.decode(Fixture.self, from: Data(contentsOf: url))
    }()
    static let scanner = SecretScanner(ruleSet: RuleExampleTests.ruleSet, options: ScanOptions(workers: 1, reportsFailedChecksums: true))
    static var gitleaksRules: [String] { Array(Set(fixture.cases.map(\.gitleaks))).sorted() }

    @Test func coversEveryGitleaksRuleButTheOnesSaidNotToBeCarried() {
        #expect(Self.fixture.gitleaksRules.count == 225)
        for rule in Self.fixture.gitleaksRules where Self.fixture.notCarried[rule] == nil {
            #expect(RuleExampleTests.ruleSet.rule(id: rule) != nil, "no keyward rule for gitleaks' \(rule)")
        }
        #expect(Self.fixture.cases.filter { $0.deviation != nil }.count < 40, "deviations must stay exceptions")
    }

    @Test(arguments: gitleaksRules)
    func casesOfRule(_ gitleaksRule: String) {
        for example in Self.fixture.cases where example.gitleaks == gitleaksRule {
            let findings = Self.scanner.scan(bytes: Array(example.text.utf8), path: example.path ?? "example.txt").findings
            let reported = findings.contains { $0.ruleID == example.rule }
            if example.expect == "found" {
                #expect(reported, "\(example.rule) missed gitleaks' true example \(example.text.debugDescription); found \(findings.map(\.ruleID))")
            } else {
                #expect(!reported, "\(example.rule) reported gitleaks' false example \(example.text.debugDescription)")
            }
        }
    }
}
