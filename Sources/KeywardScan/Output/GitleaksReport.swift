/// `--format gitleaks`: the JSON report `gitleaks detect --redact` writes, field for field, so
/// dashboards and scripts built on gitleaks read keyward's findings unchanged. `Fingerprint` is
/// gitleaks' own (`[commit:]file:rule:line`, usable in a `.gitleaksignore`); keyward's stable
/// fingerprint is added as `KeywardFingerprint`.
enum GitleaksReport {
    static func document(_ findings: [SecretFinding]) -> JSONDocument {
        .array(findings.map { finding in
            let commit = finding.commit
            let gitleaksFingerprint = [commit?.id, finding.file, finding.ruleID, String(finding.line)].compactMap { $0 }.joined(separator: ":")
            return .object([
                ("RuleID", .string(finding.ruleID)),
                ("Description", .string(finding.ruleDescription)),
                ("StartLine", .integer(finding.line)),
                ("EndLine", .integer(finding.endLine)),
                ("StartColumn", .integer(finding.column)),
                ("EndColumn", .integer(max(finding.column, finding.endColumn - 1))),
                ("Match", .string(finding.secretRedacted)),
                ("Secret", .string("REDACTED")),
                ("File", .string(finding.file)),
                ("SymlinkFile", .string("")),
                ("Commit", .string(commit?.id ?? "")),
                ("Entropy", .number(finding.entropy)),
                ("Author", .string(commit?.author ?? "")),
                ("Email", .string(commit?.email ?? "")),
                ("Date", .string(commit?.date ?? "")),
                ("Message", .string(commit?.subject ?? "")),
                ("Tags", .array([finding.confidence.rawValue, finding.severity.rawValue].map(JSONDocument.string))),
                ("Fingerprint", .string(gitleaksFingerprint)),
                ("KeywardFingerprint", .string(finding.fingerprint)),
            ])
        })
    }
}
