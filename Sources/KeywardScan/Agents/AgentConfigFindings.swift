import KeywardCore

/// The structured files agents keep their secrets in: MCP server configurations and `.env` files.
enum AgentConfigKind {
    case mcp
    case envFile

    init?(path: String) {
        if MCPConfig.applies(to: path) {
            self = .mcp
        } else if EnvFile.applies(to: path) {
            self = .envFile
        } else {
            return nil
        }
    }

    var ruleID: String { self == .mcp ? "mcp-server-secret" : "env-file-secret" }
    var ruleDescription: String {
        self == .mcp
            ? "Secret in an MCP server's configuration (env, headers, args or url; the name says secret)"
            : "Secret in a .env file (the variable's name says secret)"
    }
    var provider: String { self == .mcp ? "mcp" : "env" }

    func settings(in bytes: [UInt8]) -> [AgentSetting] {
        self == .mcp ? MCPConfig.settings(in: bytes) : EnvFile.settings(in: bytes)
    }
}

/// Adds what an agent configuration's structure tells to one file's findings: each finding inside
/// a setting is named by it (``SecretFinding/context``: an MCP server's
/// `mcpServers.github.env.GITHUB_TOKEN`, a `.env` file's variable), and a secret-named setting
/// that no rule recognised becomes an `mcp-server-secret` or `env-file-secret` finding.
struct AgentConfigFindings {
    let kind: AgentConfigKind
    let ruleSet: RuleSet
    let minimumConfidence: Confidence

    struct Outcome {
        var findings: [SecretFinding]
        var allowlisted = 0
    }

    func apply(to findings: [SecretFinding], bytes: [UInt8], path: String, commit: CommitInfo?) -> Outcome {
        let settings = kind.settings(in: bytes)
        guard !settings.isEmpty else { return Outcome(findings: findings) }
        var outcome = Outcome(findings: findings)
        let lines = LineIndex(bytes)
        for setting in settings {
            let place = lines.locate(Array(setting.value.utf8), onLine: setting.line)
            let inside = outcome.findings.indices.filter { index in
                let finding = outcome.findings[index]
                guard finding.line == setting.line, finding.file == path else { return false }
                guard let place else { return true }
                return finding.column >= place.column && finding.column < place.endColumn
            }
            if !inside.isEmpty {
                for index in inside where outcome.findings[index].context == nil { outcome.findings[index].context = setting.context }
                continue
            }
            guard minimumConfidence <= .medium, SecretName.saysSecret(setting.name),
                  !MCPConfig.isPlaceholder(setting.value, name: setting.name), MCPConfig.looksLikeSecret(setting.value)
            else { continue }
            let secret = Array(setting.value.utf8)
            let finding = secret.withUnsafeBytes { raw -> SecretFinding? in
                if ruleSet.allowlist.allows(secret: raw) { return nil }
                let hash = KeyHash(of: raw)
                let fingerprint = Fingerprint.of(ruleID: kind.ruleID, path: path, secretHash: hash)
                if ruleSet.allowlist.fingerprints.contains(fingerprint) { return nil }
                return SecretFinding(
                    ruleID: kind.ruleID, ruleDescription: kind.ruleDescription, provider: kind.provider, file: path,
                    line: setting.line, column: place?.column ?? 1, endLine: setting.line, endColumn: place?.endColumn ?? 1,
                    commit: commit, secretRedacted: Redaction.redact(raw, visiblePrefix: 0, link: nil), fingerprint: fingerprint,
                    confidence: .medium, severity: .high, entropy: (Entropy.shannon(raw) * 1000).rounded() / 1000, secretHash: hash,
                    inventoryLink: nil, context: setting.context
                )
            }
            if let finding { outcome.findings.append(finding) } else { outcome.allowlisted += 1 }
        }
        outcome.findings.sort(by: SecretScanner.reportOrder)
        return outcome
    }
}

/// Line starts of a small file held in memory, to turn a (line, value) into columns.
struct LineIndex {
    let bytes: [UInt8]
    private let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
        self.starts = starts
    }

    /// 1-based columns (in code points) of the first occurrence of `needle` on line `line`, and of
    /// the character after it.
    func locate(_ needle: [UInt8], onLine line: Int) -> (column: Int, endColumn: Int)? {
        guard line >= 1, line <= starts.count, !needle.isEmpty else { return nil }
        let start = starts[line - 1]
        let end = line < starts.count ? starts[line] : bytes.count
        guard end - start >= needle.count else { return nil }
        for offset in start...(end - needle.count) where bytes[offset] == needle[0] && bytes[offset..<(offset + needle.count)].elementsEqual(needle) {
            let column = codePoints(start..<offset) + 1
            return (column, column + codePoints(offset..<(offset + needle.count)))
        }
        return nil
    }

    private func codePoints(_ range: Range<Int>) -> Int {
        bytes[range].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
