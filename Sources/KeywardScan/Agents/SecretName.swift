/// Whether a variable, header or option name says its value is a secret (`GITHUB_TOKEN`,
/// `X-API-Key`, `--api-key`, `Authorization`), read word by word like the generic rule reads
/// assignment names (``AssignmentMatcher/words(of:)``). The word lists are broader than the
/// generic rule's: in a server's `env` or `headers` a name is all there is to go by.
enum SecretName {
    static let secretWords: Set<String> = [
        "token", "tokens", "key", "apikey", "secret", "secrets", "password", "passwd", "passphrase", "pwd", "pass",
        "credential", "credentials", "creds", "auth", "authorization", "bearer", "pat", "cookie", "privatekey", "accesskey",
    ]
    /// The name describes the secret without holding it (`TOKEN_FILE`, `API_KEY_ID`, `SECRET_NAME`).
    static let denyLastWords: Set<String> = [
        "id", "ids", "name", "file", "path", "url", "uri", "endpoint", "host", "port", "user", "username", "region",
        "type", "mode", "dir", "version", "header", "env", "var", "length", "expiry", "expires", "ttl", "scope", "scopes",
    ]
    /// A secret word after one of these is not a secret (`PUBLIC_KEY`, `CSRF_TOKEN`).
    static let denyQualifiers: Set<String> = ["public", "publishable", "csrf", "xsrf", "primary", "foreign", "sort", "cache", "idempotency"]

    static func saysSecret(_ name: String) -> Bool {
        let words = self.words(name)
        guard let last = words.last, !denyLastWords.contains(last) else { return false }
        for (index, word) in words.enumerated() where secretWords.contains(word) {
            if index > 0, denyQualifiers.contains(words[index - 1]) { continue }
            return true
        }
        return false
    }

    /// The generic rule's reading of names, so both agree on what a word is.
    static func words(_ name: String) -> [String] {
        Array(name.utf8).withUnsafeBytes { AssignmentMatcher.words(of: $0) }
    }
}
