import KeywardCore

/// Turns one input's candidates into findings: position, allow-lists, hash, fingerprint and
/// redaction. The secret's bytes are read here for the last time; nothing after this point
/// holds them.
struct FindingBuilder {
    let ruleSet: RuleSet
    let minimumConfidence: Confidence
    let path: String
    let commit: CommitInfo?
    /// Added to every line number (a staged hunk starts at its line in the file).
    var lineOffset = 0
    /// Report tokens whose checksum fails (see ``ScanOptions/reportsFailedChecksums``).
    var reportsFailedChecksums = false
    private var tracker = LineTracker()
    /// Candidates dropped by an allow-list or an inline `keyward:allow` comment.
    private(set) var allowlisted = 0

    /// Appended to the description of a finding whose checksum fails, so the report says why its
    /// confidence is low.
    static let checksumFailedNote = " (checksum does not validate: a test value or a typo, not a live token)"

    static let inlineAllowMarkers: [[UInt8]] = ["keyward:allow", "gitleaks:allow"].map { Array($0.utf8) }
    /// How far around a finding an inline allow comment is looked for on its line.
    static let inlineWindow = 4096

    init(ruleSet: RuleSet, minimumConfidence: Confidence, path: String, commit: CommitInfo?) {
        self.ruleSet = ruleSet
        self.minimumConfidence = minimumConfidence
        self.path = path
        self.commit = commit
    }

    /// `buffer` holds the input's bytes from absolute offset `base`; candidate ranges are
    /// relative to the buffer.
    mutating func build(_ candidates: [Candidate], buffer: UnsafeRawBufferPointer, base: Int) -> [SecretFinding] {
        var findings: [SecretFinding] = []
        for candidate in candidates.sorted(by: { $0.secret.lowerBound < $1.secret.lowerBound }) {
            let rule = ruleSet.rules[candidate.rule]
            guard candidate.confidence >= minimumConfidence, reportsFailedChecksums || !candidate.checksumFailed else { continue }
            if let filter = rule.pathFilter, !filter.allows(path) { continue }
            let secret = UnsafeRawBufferPointer(rebasing: buffer[candidate.secret])
            if ruleSet.allowlist.allows(secret: secret) {
                allowlisted += 1
                continue
            }
            let start = tracker.locate(base + candidate.secret.lowerBound, in: buffer, base: base)
            let lineStart = tracker.lineStart
            if hasInlineAllow(buffer, base: base, lineStart: lineStart, secretEnd: candidate.secret.upperBound) {
                allowlisted += 1
                continue
            }
            var endTracker = tracker
            let end = endTracker.locate(base + candidate.secret.upperBound, in: buffer, base: base)
            let hash = KeyHash(of: secret)
            let fingerprint = Fingerprint.of(ruleID: rule.id, path: path, secretHash: hash)
            if ruleSet.allowlist.fingerprints.contains(fingerprint) {
                allowlisted += 1
                continue
            }
            let link = rule.definition.inventory
            findings.append(SecretFinding(
                ruleID: rule.id,
                ruleDescription: (rule.definition.description ?? rule.id) + (candidate.checksumFailed ? Self.checksumFailedNote : ""),
                provider: rule.definition.provider,
                credential: rule.definition.credential,
                file: path,
                line: start.line + lineOffset,
                column: start.column,
                endLine: end.line + lineOffset,
                endColumn: end.column,
                commit: commit,
                secretRedacted: Redaction.redact(secret, visiblePrefix: candidate.visiblePrefix, showsSecretStart: candidate.showsSecretStart, link: link),
                fingerprint: fingerprint,
                confidence: candidate.confidence,
                severity: rule.severity,
                entropy: (Entropy.shannon(secret) * 1000).rounded() / 1000,
                secretHash: hash,
                inventoryLink: link,
                externalIdentifier: link == .externalID ? String(decoding: secret, as: UTF8.self) : nil
            ))
        }
        return findings
    }

    /// Moves line counting to absolute `offset` before the buffer's bytes before it are dropped.
    mutating func advance(to offset: Int, buffer: UnsafeRawBufferPointer, base: Int) {
        tracker.advance(to: offset, in: buffer, base: base)
    }

    private func hasInlineAllow(_ buffer: UnsafeRawBufferPointer, base: Int, lineStart: Int, secretEnd: Int) -> Bool {
        let from = max(lineStart - base, 0, secretEnd - Self.inlineWindow)
        var to = secretEnd
        while to < buffer.count, to - secretEnd < Self.inlineWindow, buffer[to] != 0x0A { to += 1 }
        guard to > from else { return false }
        let line = UnsafeRawBufferPointer(rebasing: buffer[from..<to])
        return Self.inlineAllowMarkers.contains { ByteSearch.contains(line, $0) }
    }
}
