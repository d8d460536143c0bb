/// The output formats of `keyward scan`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// For people: one block per finding, coloured on a terminal.
    case text
    /// keyward's own: an array of findings with the fields DESIGN.md fixes.
    case json
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    case sarif
    /// The JSON report gitleaks writes, for tooling built around it.
    case gitleaks
}

/// Renders findings in a format. Every format writes the redacted secret only.
public enum Report {
    public static func render(_ findings: [SecretFinding], format: ReportFormat, rules: RuleSet, color: Bool = false, toolVersion: String = Report.toolVersion) -> String {
        switch format {
        case .text: TextReport.render(findings, color: color)
        case .json: JSONReport.document(findings).rendered()
        case .sarif: SARIFReport.document(findings, rules: rules, toolVersion: toolVersion).rendered()
        case .gitleaks: GitleaksReport.document(findings).rendered()
        }
    }

    public static let toolVersion = "0.1.0"
}
