import KeywardCore

/// How a secret is shown: the format's fixed prefix and at most four characters of the secret
/// part, so a person can tell which key it is and nobody can use it.
enum Redaction {
    static let ellipsis = "…"
    /// Longest format prefix shown: enough to name any format (a PEM header, `bedrock-api-key-…`).
    static let maximumPrefix = 40

    /// `visiblePrefix` is how many leading bytes are format, not secret (`ghp_`, a PEM header).
    static func redact(_ secret: UnsafeRawBufferPointer, visiblePrefix: Int, showsSecretStart: Bool = true, link: RuleDefinition.InventoryLink?) -> String {
        if link == .keywardKey, let key = PlaintextKey(String(decoding: secret, as: UTF8.self)) {
            return key.redacted
        }
        let fixed = min(visiblePrefix, secret.count, Self.maximumPrefix)
        let rest = secret.count - fixed
        // One shown character per eight secret ones, at most four: short secrets show almost nothing.
        let shown = showsSecretStart ? min(4, rest / 8) : 0
        return String(decoding: secret[0..<(fixed + shown)], as: UTF8.self) + ellipsis
    }
}
