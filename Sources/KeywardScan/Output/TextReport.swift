/// `--format text`: a block per finding for a person at a terminal; ANSI colours when asked.
enum TextReport {
    static func render(_ findings: [SecretFinding], color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = ""
        for finding in findings {
            let severityColour = switch finding.severity {
            case .critical, .high: "1;31"
            case .medium: "1;33"
            case .low: "1;36"
            }
            out += "\(paint("●", severityColour)) \(paint(finding.ruleID, severityColour))  \(finding.ruleDescription)  [\(finding.confidence.rawValue) confidence, \(finding.severity.rawValue)]\n"
            out += "  location:    \(paint("\(finding.file):\(finding.line):\(finding.column)", "1"))\n"
            out += "  secret:      \(finding.secretRedacted)\n"
            if let context = finding.context { out += "  setting:     \(context)\n" }
            if let commit = finding.commit {
                out += "  commit:      \(commit.shortID) by \(commit.author) <\(commit.email)> on \(commit.date): \(commit.subject)\n"
            }
            if let inventory = finding.inventory {
                let status = inventory.status == .live ? paint("LIVE", "1;31") : inventory.status.rawValue
                var line = "  inventory:   \(inventory.entry?.description ?? "not in inventory") \(status)"
                if let state = inventory.state, state.rawValue != inventory.status.rawValue { line += " (\(state.rawValue))" }
                if let owner = inventory.owner { line += ", owner \(owner)" }
                out += line + "\n"
            } else if finding.inventoryLink == .keywardKey {
                out += "  inventory:   not looked up (give --db or KEYWARD_ADDR to check whether it is live)\n"
            }
            out += "  fingerprint: \(finding.fingerprint)\n\n"
        }
        return out
    }
}
