/// The checks every candidate passes after its matcher: entropy, checksum, placeholders, public
/// documentation samples and the rule's own allow-list. Kept apart from the matchers so that
/// every kind of rule applies them the same way.
enum CandidateCheck {
    /// What becomes of a token candidate that is reported.
    struct Verdict: Equatable {
        var confidence: Confidence
        /// The format carries a checksum and it does not validate: a test value or a typo, not a
        /// live token. Reported only when asked for (see ``ScanOptions/reportsFailedChecksums``).
        var checksumFailed = false
    }

    /// A token rule's candidate: its verdict, or nil when it is not reported.
    static func token(_ rule: CompiledRule, _ buffer: UnsafeRawBufferPointer, _ range: Range<Int>, bodyStart: Int) -> Verdict? {
        let secret = UnsafeRawBufferPointer(rebasing: buffer[range])
        if let checksum = rule.definition.checksum {
            if ChecksumValidator.validates(checksum, secret: secret, bodyStart: bodyStart) {
                // A valid checksum is proof enough; placeholders do not carry one.
                return allowed(rule, secret) ? Verdict(confidence: .high) : nil
            }
            if rule.definition.checksumRequired ?? true { return nil }
            return value(rule, buffer, range) ? Verdict(confidence: .low, checksumFailed: true) : nil
        }
        return value(rule, buffer, range) ? Verdict(confidence: rule.baseConfidence) : nil
    }

    /// Entropy, placeholders, public samples and the rule's allowed secrets.
    static func value(_ rule: CompiledRule, _ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let secret = UnsafeRawBufferPointer(rebasing: buffer[range])
        if let minimum = rule.definition.minEntropy, Entropy.shannon(secret) < minimum { return false }
        if PlaceholderFilter.isPlaceholder(secret, checks: rule.placeholderChecks) { return false }
        return allowed(rule, secret)
    }

    private static func allowed(_ rule: CompiledRule, _ secret: UnsafeRawBufferPointer) -> Bool {
        if PublicExamples.contains(secret) { return false }
        return rule.allowSecrets.isEmpty || !rule.allowSecrets.contains(Array(secret))
    }
}
