import KeywardCore

extension LeakSighting {
    /// One key as the scan found it: `findings` are the places of the same secret, first
    /// place first (at least one). Only the hash and the places go further, never the key.
    public init(findings: [SecretFinding]) {
        self.init(hash: findings[0].secretHash, foundAt: findings.map(LeakLocation.init))
    }
}

extension LeakLocation {
    /// Where `finding` is, without its secret.
    public init(_ finding: SecretFinding) {
        self.init(file: finding.file, line: finding.line, column: finding.column, commit: finding.commit?.id,
                  ruleID: finding.ruleID, fingerprint: finding.fingerprint)
    }
}
