/// The providers keyward can connect to, named as in the configuration file's `kind:`.
public enum ConnectorKind: String, Sendable, Codable, CaseIterable, Comparable {
    case awsIAM = "aws-iam"
    case github
    case gcpIAM = "gcp-iam"
    case openai
    case anthropic

    public static func < (lhs: ConnectorKind, rhs: ConnectorKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a connector may do to a key at its provider. A connector declared with no actions is
/// read-only: it syncs, and a remediation through it is refused before any request is made.
public enum RemediationAction: String, Sendable, Codable, CaseIterable, Comparable {
    /// Make the key stop working but keep it (AWS `UpdateAccessKey Status=Inactive`, GCP
    /// `keys.disable`, Anthropic `status: inactive`, GitHub: revoke the token's access to the org).
    case deactivate
    /// Remove the key for good (AWS `DeleteAccessKey`, GCP `DELETE …/keys/…`, OpenAI `DELETE`).
    case delete

    public static func < (lhs: RemediationAction, rhs: RemediationAction) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a connector's own credential comes from. Only this *name* is ever stored, shown or
/// audited; the credential's value is read when a connector is built and lives in memory only.
public enum ConnectorCredentialSource: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The provider's usual environment variables (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
    /// `AWS_SESSION_TOKEN`, `GITHUB_TOKEN`, `GOOGLE_APPLICATION_CREDENTIALS`, `OPENAI_ADMIN_KEY`,
    /// `ANTHROPIC_ADMIN_KEY`).
    case environment
    /// A file: for `aws-iam` a shared-credentials file (with `profile`), for `gcp-iam` a
    /// service-account JSON key, for the others a file holding the token on its first line.
    case file(path: String)

    /// `env` or `file:PATH`, exactly as written in the configuration.
    public var description: String {
        switch self {
        case .environment: return "env"
        case .file(let path): return "file:\(path)"
        }
    }

    /// Reads `env` or `file:PATH`; nil for anything else.
    public init?(parsing text: String) {
        if text == "env" {
            self = .environment
        } else if text.hasPrefix("file:"), text.count > 5 {
            self = .file(path: String(text.dropFirst(5)))
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let source = ConnectorCredentialSource(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "credentials must be env or file:PATH"))
        }
        self = source
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One entry of the configuration file's `connectors:` list: a provider account keyward reads
/// external keys from and, when `actions` allow, remediates them at.
///
/// Nothing here is secret: `credentials` names where the credential is, never what it is.
public struct ConnectorDeclaration: Sendable, Equatable, Codable {
    /// Unique among the connectors; 1–64 lower-case letters, digits, `-` and `_`. Used in
    /// `keyward connectors sync NAME`, `/v1/connectors/{name}/sync`, audit events and the
    /// `connector:NAME` source of the records it writes.
    public var name: String
    public var kind: ConnectorKind
    /// Overrides the provider's public endpoint (tests, proxies, GovCloud, GitHub Enterprise
    /// Server: `https://HOST/api/v3`). An absolute http(s) URL without a trailing slash.
    public var endpoint: String?
    /// The region requests are signed for (`aws-iam`: default `us-east-1`, IAM being global).
    public var region: String?
    public var credentials: ConnectorCredentialSource
    /// The provider account the connector reads where the credential does not imply it: the
    /// GitHub organisation (required for `github`), the GCP project (default: the key file's
    /// `project_id`).
    public var account: String?
    /// The profile of an AWS shared-credentials file (`credentials: file:PATH`; default `default`).
    public var profile: String?
    /// Seconds between scheduled syncs on a server; nil: only on demand.
    public var syncIntervalSeconds: Int64?
    /// The remediations this connector may carry out; empty: read-only.
    public var actions: Set<RemediationAction>

    public init(name: String, kind: ConnectorKind, endpoint: String? = nil, region: String? = nil,
                credentials: ConnectorCredentialSource = .environment, account: String? = nil, profile: String? = nil,
                syncIntervalSeconds: Int64? = nil, actions: Set<RemediationAction> = []) {
        self.name = name
        self.kind = kind
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.account = account
        self.profile = profile
        self.syncIntervalSeconds = syncIntervalSeconds
        self.actions = actions
    }

    /// The source name the records this connector writes carry beside their import kinds.
    public var sourceName: String { "connector:\(name)" }

    /// True when `name` is a valid connector name.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, endpoint, region, credentials, account, profile, syncIntervalSeconds = "sync_interval", actions
    }
}
