import Foundation
import Testing
@testable import KeywardScan

/// docs/scanning.md lists every bundled rule with its provider; the list is rendered from the
/// rules, and this test fails when they differ. `KEYWARD_UPDATE_DOCS=1` rewrites the section.
@Suite struct RuleCatalogTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/scanning.md").standardized

    @Test func docsListEveryRule() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let begin = try #require(text.range(of: RuleCatalog.begin), "docs/scanning.md has no rules section")
        let end = try #require(text.range(of: RuleCatalog.end, range: begin.upperBound..<text.endIndex))
        let expected = "\n" + RuleCatalog.markdown(RuleExampleTests.ruleSet) + "\n"
        let current = String(text[begin.upperBound..<end.lowerBound])
        if current != expected, ProcessInfo.processInfo.environment["KEYWARD_UPDATE_DOCS"] == "1" {
            try (String(text[..<begin.upperBound]) + expected + String(text[end.lowerBound...])).write(to: Self.document, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == expected, "docs/scanning.md's rule list is out of date: KEYWARD_UPDATE_DOCS=1 swift test --filter RuleCatalogTests")
        for rule in RuleExampleTests.ruleSet.rules {
            #expect(current.contains("`\(rule.id)`"))
        }
    }
}
