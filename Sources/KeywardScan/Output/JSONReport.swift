/// `--format json`: an array of findings. The fields DESIGN.md fixes come first (`rule_id`,
/// `file`, `line`, `column`, `commit`, `secret_redacted`, `fingerprint`, `confidence`, and for
/// inventory-linked findings `inventory_key_id` and `status`); more follow.
enum JSONReport {
    static func document(_ findings: [SecretFinding]) -> JSONDocument {
        .array(findings.map(object))
    }

    static func object(_ finding: SecretFinding) -> JSONDocument {
        var members: [(String, JSONDocument)] = [
            ("rule_id", .string(finding.ruleID)),
            ("file", .string(finding.file)),
            ("line", .integer(finding.line)),
            ("column", .integer(finding.column)),
            ("commit", .optional(finding.commit?.id)),
            ("secret_redacted", .string(finding.secretRedacted)),
            ("fingerprint", .string(finding.fingerprint)),
            ("confidence", .string(finding.confidence.rawValue)),
        ]
        if finding.inventoryLink == .keywardKey || finding.inventory != nil {
            members.append(("inventory_key_id", .optional(finding.inventory?.entry?.description)))
            members.append(("status", .string((finding.inventory?.status ?? .unknown).rawValue)))
            if let state = finding.inventory?.state { members.append(("inventory_status", .string(state.rawValue))) }
            if let owner = finding.inventory?.owner { members.append(("owner", .string(owner))) }
        }
        members += [
            ("description", .string(finding.ruleDescription)),
            ("provider", .optional(finding.provider)),
            ("credential", .optional(finding.credential)),
            ("severity", .string(finding.severity.rawValue)),
            ("end_line", .integer(finding.endLine)),
            ("end_column", .integer(finding.endColumn)),
            ("entropy", .number(finding.entropy)),
        ]
        if let context = finding.context { members.append(("context", .string(context))) }
        if let commit = finding.commit {
            members += [
                ("author", .string(commit.author)),
                ("email", .string(commit.email)),
                ("date", .string(commit.date)),
                ("message", .string(commit.subject)),
            ]
        }
        return .object(members)
    }
}
