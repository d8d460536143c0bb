/// One detection rule as written in a rules file (JSON, snake_case keys).
///
/// Rules are data so that users can add and override them without a release, and so that every
/// bundled rule carries the examples it must and must not match; the test suite runs them all.
public struct RuleDefinition: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A literal anchor plus bounded character runs, matched byte by byte (most rules).
        case token
        /// `name = value` where the name says "secret" and the value looks random (generic rule).
        case assignment
        /// `-----BEGIN … PRIVATE KEY-----` blocks, reported once per block.
        case pemBlock = "pem-block"
        /// A regular expression, run only on lines where one of the rule's keywords occurs.
        case regex
        /// A companion value found close to another rule's finding (an AWS secret near its key id).
        case nearby
    }

    public enum Checksum: String, Codable, Sendable {
        /// keyward's own format: CRC-32 of everything before the last six base62 characters.
        case keyward
        /// GitHub and npm tokens: CRC-32 of the random part after the anchor, in the last six base62 characters.
        case crc32Base62Tail = "crc32-base62-tail"
        /// Bech32 strings (BIP 173), such as age identities: the last six characters check the rest.
        case bech32
    }

    public enum Boundary: String, Codable, Sendable {
        /// The token must not touch a word character (or its own character class) on either side.
        case word
        case none
    }

    /// What an inventory can tell about a finding of this rule.
    public enum InventoryLink: String, Codable, Sendable {
        /// A keyward key: looked up by the SHA-256 of the key.
        case keywardKey = "keyward-key"
        /// An external identifier such as an AWS access key id, matched against imported records.
        case externalID = "external-id"
    }

    public var id: String
    public var description: String?
    /// Who issued the credential, and so who can revoke it (`github`, `azure`, `openai`).
    public var provider: String?
    /// What kind of credential the provider calls it (`personal-access-token`, `client-secret`):
    /// together with the provider, what governance needs to know where to revoke it.
    public var credential: String?
    /// Regular expressions on the path: when set, the rule only reports in files whose path matches
    /// one (a password literal means something in `main.tf`, not in any file).
    public var paths: [String]?
    /// Required, except on an entry that only disables a bundled rule.
    public var kind: Kind?
    /// `token`: one or more patterns in the token pattern language (see ``PatternParser``).
    /// `nearby`: a single run such as `[A-Za-z0-9/+]{40}`.
    public var patterns: [String]?
    /// `token`: the literal the prefilter looks for, when it is not the start of the pattern.
    public var anchor: String?
    /// `assignment` and `regex`: literals the prefilter looks for (case-insensitive).
    public var keywords: [String]?
    /// `regex`: the expression; `secret_group` selects the capture holding the secret (0 = whole match).
    /// When that capture took no part in a match, the first later one that did holds it, so one
    /// expression can have alternatives (`keyword = value` or a prefixed token on its own).
    public var regex: String?
    public var secretGroup: Int?
    /// `regex`: every keyword is part of a name assigned the secret (`ADAFRUIT_KEY = …`), so the
    /// expression runs only where an assignment follows the keyword's name.
    public var namedValue: Bool?
    /// `nearby`: the rule whose findings this one looks around, and how many bytes either side.
    public var near: String?
    public var window: Int?
    public var boundary: Boundary?
    public var checksum: Checksum?
    /// When true a failed checksum drops the candidate; when false it lowers its confidence.
    public var checksumRequired: Bool?
    public var minEntropy: Double?
    public var confidence: Confidence?
    public var severity: Severity?
    public var inventory: InventoryLink?
    /// Generic rules yield to specific ones: their findings are dropped where a specific rule found the same bytes.
    public var generic: Bool?
    /// Which placeholder filters apply (default `["markers"]`; see ``PlaceholderFilter``).
    public var reject: [PlaceholderFilter.Check]?
    /// Exact secrets never reported by this rule (published, public or well-known values).
    public var allowSecrets: [String]?
    public var assignment: AssignmentOptions?
    /// The path the examples are scanned under (rules with `paths`: `main.tf`, `NuGet.Config`).
    public var examplePath: String?
    public var trueExamples: [String]?
    public var falseExamples: [String]?
    /// In a user rules file: removes a bundled rule of the same id.
    public var disabled: Bool?

    public init(id: String, kind: Kind) {
        self.id = id
        self.kind = kind
    }
}

/// How sure a finding is: `high` for checksum-validated keys, `medium` for distinctive formats,
/// `low` for entropy-based guesses and formats whose checksum did not validate.
public enum Confidence: String, Codable, Sendable, Comparable, CaseIterable {
    case low, medium, high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
    public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }
}

public enum Severity: String, Codable, Sendable, CaseIterable {
    case low, medium, high, critical
}

/// The word lists that decide whether an assignment's name is about a secret.
///
/// Names are split into lowercase words at `_`, `-`, `.` and camelCase humps, so
/// `mySecretString`, `MY_SECRET_STRING` and `my-secret-string` read the same.
public struct AssignmentOptions: Codable, Sendable, Equatable {
    /// A name holding one of these words is about a secret (`password`, `token`, …).
    public var secretWords: [String]
    /// These count only as the last word (`user_auth`, but not `auth_source`).
    public var lastWords: [String]
    /// `key` is a secret only after one of these (`api_key`, `private-key`, not `primary_key`).
    public var keyQualifiers: [String]
    /// A name ending in one of these describes a secret without holding one (`secret_name`, `token_url`).
    public var denyLastWords: [String]
    /// A secret word right after one of these is not a secret (`public_token`, `csrf-token`).
    public var denyQualifiers: [String]
    /// A name holding one of these anywhere is not a secret (`keyVaultToStoreSecrets`).
    public var denyWords: [String]
    /// Values starting with these are look-ups, not secrets (`process.env.`, `os.environ`).
    public var valueDenyPrefixes: [String]
    /// Values containing one of these (case-insensitive) are not reported.
    public var stopwords: [String]
    public var minLength: Int
    public var maxLength: Int
    public var requireDigit: Bool
}
