/// The list of rules in docs/scanning.md, rendered from the rules themselves so that the
/// documentation cannot drift from `rules.json` (a test compares them).
public enum RuleCatalog {
    public static let begin = "<!-- rules:begin (generated from rules.json; KEYWARD_UPDATE_DOCS=1 swift test --filter RuleCatalogTests) -->"
    public static let end = "<!-- rules:end -->"

    /// A Markdown table: one row per rule, grouped by provider.
    public static func markdown(_ ruleSet: RuleSet) -> String {
        var lines = [
            "| provider | rule | credential | matcher | confidence |",
            "|---|---|---|---|---|",
        ]
        let rules = ruleSet.rules.sorted { ($0.definition.provider ?? "", $0.id) < ($1.definition.provider ?? "", $1.id) }
        for rule in rules {
            let definition = rule.definition
            var confidence = rule.baseConfidence.rawValue
            if let checksum = definition.checksum {
                confidence = (definition.checksumRequired ?? true) ? "high; \(checksum.rawValue) checksum required" : "high with a valid \(checksum.rawValue) checksum"
            }
            let cells = [
                definition.provider ?? "—", "`\(rule.id)`", definition.credential ?? "—", definition.kind?.rawValue ?? "—", confidence,
            ]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
