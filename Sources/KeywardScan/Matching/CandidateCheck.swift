/// The checks every candidate passes after its matcher: entropy, checksum, placeholders and the
/// rule's own allow-list. Kept apart from the matchers so that every kind of rule applies them
/// the same way.
enum CandidateCheck {
    /// A token rule's candidate: its confidence, or nil when it is not reported.
    static func token(_ rule: CompiledRule, _ buffer: UnsafeRawBufferPointer, _ range: Range<Int>, bodyStart: Int) -> Confidence? {
        let secret = UnsafeRawBufferPointer(rebasing: buffer[range])
        if let checksum = rule.definition.checksum {
            if ChecksumValidator.validates(checksum, secret: secret, bodyStart: bodyStart) {
                // A valid checksum is proof enough; placeholders do not carry one.
                return allowed(rule, secret) ? .high : nil
            }
            if rule.definition.checksumRequired ?? true { return nil }
            return value(rule, buffer, range) ? .low : nil
        }
        return value(rule, buffer, range) ? rule.baseConfidence : nil
    }

    /// Entropy, placeholders and the rule's allowed secrets.
    static func value(_ rule: CompiledRule, _ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let secret = UnsafeRawBufferPointer(rebasing: buffer[range])
        if let minimum = rule.definition.minEntropy, Entropy.shannon(secret) < minimum { return false }
        if PlaceholderFilter.isPlaceholder(secret, checks: rule.placeholderChecks) { return false }
        return allowed(rule, secret)
    }

    private static func allowed(_ rule: CompiledRule, _ secret: UnsafeRawBufferPointer) -> Bool {
        rule.allowSecrets.isEmpty || !rule.allowSecrets.contains(Array(secret))
    }
}
