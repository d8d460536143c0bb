import KeywardCore

/// How findings name credentials and what they tell people to do, per provider: the words a
/// person needs to act without looking anything up.
enum ItemDescription {
    /// `AWS access key AKIAIOSFODNN7EXAMPLE (IAM user ci-pipeline)`.
    static func name(of item: InventoryItem) -> String {
        let label = item.subject.externalID ?? item.name ?? item.subject.id
        var text = "\(providerLabel(item.provider)) \(kindLabel(item.kind)) \(label)"
        if let identity = item.identity, identity != label, identity != item.name {
            text += " (\(identityLabel(item.provider)) \(identity))"
        }
        return text
    }

    static func providerLabel(_ provider: InventoryProvider) -> String {
        switch provider {
        case .keyward: return "keyward"
        case .aws: return "AWS"
        case .gcp: return "GCP"
        case .github: return "GitHub"
        case .azure: return "Azure"
        case .openai: return "OpenAI"
        case .anthropic: return "Anthropic"
        case .other: return "external"
        }
    }

    static func kindLabel(_ kind: CredentialKind) -> String {
        switch kind {
        case .apiKey: return "API key"
        case .accessKey: return "access key"
        case .serviceAccountKey: return "service-account key"
        case .personalAccessToken: return "personal access token"
        case .secret: return "secret"
        case .other: return "credential"
        }
    }

    static func identityLabel(_ provider: InventoryProvider) -> String {
        switch provider {
        case .aws: return "IAM user"
        case .gcp: return "service account"
        case .github: return "user"
        case .openai: return "owner"
        case .anthropic: return "created by"
        default: return "identity"
        }
    }

    static func rotate(_ item: InventoryItem) -> String {
        switch (item.provider, item.kind) {
        case (.keyward, _):
            return "Rotate it with a grace period (keyward keys rotate \(item.subject.id)), move consumers to the new key, and let the old one expire."
        case (.aws, .accessKey):
            return "Create a second access key (aws iam create-access-key --user-name \(item.identity ?? "USER")), deploy it, then deactivate and delete the old one."
        case (.aws, .secret):
            return "Turn on Secrets Manager rotation for it, or rotate it now (aws secretsmanager rotate-secret)."
        case (.gcp, _):
            return "Create a new key for \(item.identity ?? "the service account"), deploy it, then disable and delete the old one; better, switch to workload identity federation."
        case (.github, _):
            return "Regenerate the token with an expiry, update its consumers, and revoke the old one."
        case (.openai, _), (.anthropic, _):
            return "Create a new key in the same project or workspace, move its consumers over, then delete (OpenAI) or archive (Anthropic) the old one."
        default:
            return "Issue a replacement, move its consumers over, then revoke the old credential at its provider."
        }
    }

    static func disable(_ item: InventoryItem) -> String {
        switch (item.provider, item.kind) {
        case (.keyward, _):
            return "Revoke it (keyward keys revoke \(item.subject.id)) if nothing needs it."
        case (.aws, .accessKey):
            return "Deactivate it (aws iam update-access-key --status Inactive --access-key-id \(item.subject.externalID ?? "ID")) and delete it once nothing breaks."
        case (.gcp, _):
            return "Disable it (gcloud iam service-accounts keys disable \(item.subject.externalID ?? "KEY_ID") --iam-account \(item.identity ?? "SA")) and delete it once nothing breaks."
        case (.github, _):
            return "Revoke the token in the organisation's personal access token settings."
        case (.openai, _):
            return "Delete it in the OpenAI organisation's API key settings (or through an openai connector allowed to delete)."
        case (.anthropic, _):
            return "Deactivate it in the Claude Console (or through an anthropic connector allowed to deactivate), and archive it once nothing breaks."
        default:
            return "Disable or delete it at its provider if nothing needs it."
        }
    }

    static func days(_ count: Int64) -> String { count == 1 ? "1 day" : "\(count) days" }
}
