import KeywardCore

/// One token of a leak report, as GitHub secret scanning sends it: `{token, type, url, source}`.
/// The signed report endpoint (`POST /v1/leaks/report`) also accepts `token_hash` (SHA-256 hex of
/// the token) instead of `token`, so that keyward's own scanner never sends a key over the wire.
///
/// Its descriptions redact the token.
public struct LeakReportItem: Codable, Sendable, Equatable, CustomStringConvertible {
    public var token: String?
    public var tokenHash: String?
    public var type: String
    public var url: String
    public var source: String

    public init(token: String? = nil, tokenHash: String? = nil, type: String, url: String, source: String) {
        self.token = token
        self.tokenHash = tokenHash
        self.type = type
        self.url = url
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case token, tokenHash = "token_hash", type, url, source
    }

    public var description: String {
        "LeakReportItem(token: \(token == nil ? "nil" : "redacted"), token_hash: \(tokenHash ?? "nil"), type: \(type), url: \(url), source: \(source))"
    }
}

/// One element of the answer to a leak report, in GitHub's feedback format
/// `{token_hash, token_type, label}`: `label` is `true_positive` for a key keyward issued
/// (whatever its status) and `false_positive` otherwise. The signed report endpoint adds what
/// it did (`action`: `revoked`, `reported`, `already_revoked`, `inactive`, `none`) and `key_id`.
public struct LeakFeedback: Codable, Sendable, Equatable {
    public static let truePositive = "true_positive"
    public static let falsePositive = "false_positive"

    public var tokenHash: String
    public var tokenType: String
    public var label: String
    public var action: String?
    public var keyID: String?

    public init(tokenHash: String, tokenType: String, label: String, action: String? = nil, keyID: String? = nil) {
        self.tokenHash = tokenHash
        self.tokenType = tokenType
        self.label = label
        self.action = action
        self.keyID = keyID
    }

    enum CodingKeys: String, CodingKey {
        case tokenHash = "token_hash", tokenType = "token_type", label, action, keyID = "key_id"
    }
}

/// `POST /v1/leaks/revoke` (scope `keyward:write`): keys `keyward scan --revoke` found, by the
/// SHA-256 of each (never the key) with where it was found. Each live one is revoked, its
/// critical `leaked-key` finding opened and `key.leaked` written, as for any leak report.
public struct LeakRevokeBody: Codable, Sendable {
    public var leaks: [LeakRevokeItem]

    /// Keys per request.
    public static let maximumCount = 1000

    public init(leaks: [LeakRevokeItem]) { self.leaks = leaks }
}

/// One leaked key of a ``LeakRevokeBody``.
public struct LeakRevokeItem: Codable, Sendable, Equatable {
    /// SHA-256 of the key, 64 hex digits.
    public var tokenHash: String
    /// Where the scan found it, first place first: 1 to ``LeakSighting/maximumLocations``.
    public var locations: [LeakLocation]
    /// How many places in all, when only the first were sent; at least `locations.count`.
    public var locationsFound: Int?

    public init(tokenHash: String, locations: [LeakLocation], locationsFound: Int? = nil) {
        self.tokenHash = tokenHash
        self.locations = locations
        self.locationsFound = locationsFound
    }

    /// The item for a scanner's sighting.
    public init(_ sighting: LeakSighting) {
        self.init(tokenHash: sighting.hash.hex, locations: sighting.locations, locationsFound: sighting.locationsFound)
    }

    enum CodingKeys: String, CodingKey {
        case tokenHash = "token_hash", locations, locationsFound = "locations_found"
    }
}

/// The answer to `POST /v1/leaks/revoke`: one element per item, in the order sent.
public struct LeakRevokeResult: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var tokenHash: String
        /// `revoked`, `already_revoked`, `inactive` (expired: left alone) or `none` (no key of this deployment).
        public var action: LeakOutcome.Action
        /// The key, when the hash is one keyward issued.
        public var keyID: KeyID?

        public init(tokenHash: String, outcome: LeakOutcome) {
            self.tokenHash = tokenHash
            action = outcome.action
            keyID = outcome.keyID
        }

        /// The outcome this item reports; nil when `action` and `key_id` contradict each other.
        public var outcome: LeakOutcome? { LeakOutcome(action: action, keyID: keyID) }

        enum CodingKeys: String, CodingKey {
            case tokenHash = "token_hash", action, keyID = "key_id"
        }
    }

    public var leaks: [Item]

    public init(leaks: [Item]) { self.leaks = leaks }
}
