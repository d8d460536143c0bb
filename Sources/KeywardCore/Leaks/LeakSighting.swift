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
    /// Where keyward's own scanner found it, first place first (at most
    /// ``maximumLocations``); empty for other reporters, who give only ``url``.
    public private(set) var locations: [LeakLocation]
    /// How many places the scanner found it in, at least `locations.count`.
    public private(set) var locationsFound: Int

    /// Places a sighting keeps: the audit log records the first in full and names ten more.
    public static let maximumLocations = 11

    public init(hash: KeyHash, tokenType: String, url: String, source: String) {
        self.hash = hash
        self.tokenType = tokenType
        self.url = url
        self.source = source
        locations = []
        locationsFound = 0
    }

    /// A key keyward's scanner found at `locations` (at least one; `locationsFound` counts them
    /// all when only the first were sent). Type, URL and source are derived from the first
    /// place — its rule, `file:line:column[@commit]`, `commit` or `content` — the same way for
    /// every path a scanner's leak takes, so its audit events have one shape.
    public init(hash: KeyHash, foundAt locations: [LeakLocation], locationsFound: Int? = nil) {
        precondition(!locations.isEmpty, "a scanner's sighting has at least one place")
        let first = locations[0]
        self.init(
            hash: hash, tokenType: first.ruleID,
            url: "\(first.file):\(first.line):\(first.column)" + (first.commit.map { "@\($0.prefix(12))" } ?? ""),
            source: first.commit == nil ? "content" : "commit"
        )
        self.locations = Array(locations.prefix(Self.maximumLocations))
        self.locationsFound = max(locationsFound ?? locations.count, locations.count)
    }

    /// The audit details of a scanner's sighting (`found_at` of `key.revoked` and `key.leaked`):
    /// the first place in full, how many there were, and up to ten more. Nil for other reporters.
    public var foundAt: [String: JSONValue]? {
        guard let first = locations.first else { return nil }
        var details: [String: JSONValue] = [
            "detected_by": "keyward scan",
            "file": .string(first.file),
            "line": .number(Double(first.line)),
            "column": .number(Double(first.column)),
            "rule_id": .string(first.ruleID),
            "fingerprint": .string(first.fingerprint),
            "locations_found": .number(Double(locationsFound)),
        ]
        if let commit = first.commit { details["commit"] = .string(commit) }
        if locations.count > 1 { details["also_found_at"] = .array(locations.dropFirst().map { .string($0.place) }) }
        return details
    }
}

/// Who reported a batch of sightings, as the audit log and findings name them.
public struct LeakReporter: Sendable, Equatable {
    /// `github` for GitHub secret scanning, `keyward-scan` for keyward's scanner, else the name a
    /// signed reporter gave.
    public var name: String
    /// The audit actor of the events the report causes.
    public var actor: String
    /// The network address the report came from, when known.
    public var address: String?

    /// The name keyward's scanner reports under, whichever way its report travels.
    public static let scannerName = "keyward-scan"

    /// A reporter that proved itself by a signature over the report (GitHub, `--report-to`):
    /// the actor is `leak-report:<name>`.
    public init(name: String, address: String? = nil) {
        self.init(name: name, actor: "leak-report:\(name)", address: address)
    }

    public init(name: String, actor: String, address: String?) {
        self.name = name
        self.actor = actor
        self.address = address
    }

    /// keyward's scanner acting for `actor`: the credential of `scan --revoke` through a server
    /// (its key id), or `scanner` when it works on the database file itself.
    public static func scanner(actor: String, address: String? = nil) -> LeakReporter {
        LeakReporter(name: scannerName, actor: actor, address: address)
    }
}
