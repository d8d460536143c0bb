import KeywardCore

/// A finding's identity for baselines, allow-lists and SARIF: the same secret found by the same
/// rule in the same file has the same fingerprint wherever the line moves.
///
/// It is derived from the secret's SHA-256, never from the secret directly, so it can be
/// computed again from a finding (which keeps the hash, not the secret).
enum Fingerprint {
    static func of(ruleID: String, path: String, secretHash: KeyHash) -> String {
        let digest = KeyHash(of: "keyward-fingerprint-v1\u{0}\(ruleID)\u{0}\(path)\u{0}\(secretHash.hex)")
        return String(digest.hex.prefix(32))
    }
}
