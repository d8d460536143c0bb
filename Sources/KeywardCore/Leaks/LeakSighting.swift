/// One exposed token a reporter told keyward about, reduced to what keyward may keep: the
/// SHA-256 of the token (never the token) and where it was seen.
///
/// Reporters send the token itself (GitHub) or only its hash (keyward's own scanner, which never
/// holds more than the hash once a file is scanned); either way only the hash goes further.
public struct LeakSighting: Sendable, Equatable {
    /// SHA-256 of the token: for a keyward key, the hash the store keeps.
    public var hash: KeyHash
    /// The reporter's name for the kind of token (`keyward_api_key`); free text, bounded.
    public var tokenType: String
    /// Where the token was found (a GitHub blob URL, `file:line@commit`); may be empty.
    public var url: String
    /// The reporter's category of the place (`content`, `commit`, `issue_comment`, …).
    public var source: String

    public init(hash: KeyHash, tokenType: String, url: String, source: String) {
        self.hash = hash
        self.tokenType = tokenType
        self.url = url
        self.source = source
    }
}

/// Who reported a batch of sightings, as the audit log and findings name them.
public struct LeakReporter: Sendable, Equatable {
    /// `github` for GitHub secret scanning, else the name a signed reporter gave (`keyward-scan`).
    public var name: String
    /// The network address the report came from, when known.
    public var address: String?

    public init(name: String, address: String? = nil) {
        self.name = name
        self.address = address
    }

    /// The audit actor: `leak-report:github`, `leak-report:keyward-scan`.
    public var actor: String { "leak-report:\(name)" }
}
