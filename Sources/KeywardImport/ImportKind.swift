/// The export formats keyward imports, named as on the command line and in
/// `POST /v1/inventory/import/{kind}`.
public enum ImportKind: String, Sendable, Codable, CaseIterable {
    /// `aws iam get-credential-report`, the decoded CSV (22 columns).
    case awsCredentialReport = "aws-credential-report"
    /// `aws iam list-access-keys` JSON, one user or many.
    case awsAccessKeys = "aws-access-keys"
    /// `gcloud iam service-accounts keys list --format=json`.
    case gcpKeys = "gcp-keys"
    /// `aws secretsmanager list-secrets` JSON.
    case awsSecretsManager = "aws-secrets-manager"
    /// GitHub `GET /orgs/{org}/personal-access-tokens` JSON array.
    case githubPATs = "github-pats"
    /// OpenAI Admin API key listings (`GET /v1/organization/admin_api_keys`, project
    /// `…/projects/{id}/api_keys` with `project_id` on each key).
    case openaiAPIKeys = "openai-api-keys"
    /// Anthropic Admin API `GET /v1/organizations/api_keys`.
    case anthropicAPIKeys = "anthropic-api-keys"
    /// keyward's generic CSV column set (docs/governance.md).
    case csv
    /// keyward's generic JSON: an array of objects with the generic column names as members.
    case json
}

/// Settings an import may need beyond the file.
public struct ImportOptions: Sendable, Equatable {
    /// Root-account use (password or key) within this many days of the import is a finding.
    public var rootUsageWindowDays: Int64

    public init(rootUsageWindowDays: Int64 = 90) {
        self.rootUsageWindowDays = rootUsageWindowDays
    }
}
