/// The policy keyward applies when none is given, and the starting point for writing one
/// (`keyward policy default > policy.yaml`).
///
/// It follows CIS AWS Foundations Benchmark v7.0.0 for IAM access keys (2.12: rotate within 90
/// days; 2.11: disable credentials unused for 45 days), applies the same thresholds to every other
/// credential, and CIS Controls v8 safeguard 5.5 (inventory of service accounts with owner,
/// purpose and a review date, reviewed at least quarterly).
public enum DefaultPolicy {
    public static let fileName = "keyward-default-policy.yaml"

    public static let yaml = """
    # keyward default policy (version 1). Thresholds follow CIS AWS Foundations v7.0.0
    # (2.11, 2.12) and CIS Controls v8 safeguard 5.5. Copy it and adjust; see docs/governance.md.
    version: 1
    name: keyward-default
    rules:
      - id: aws-access-key-rotation
        check: rotation_interval
        threshold: 90d
        severity: high
        select: {provider: aws, kind: access_key}
        frameworks: ["CIS-AWS-7.0.0:2.12"]
        description: IAM access keys are rotated every 90 days or less (CIS AWS 2.12)
      - id: aws-unused-credentials
        check: unused
        threshold: 45d
        severity: medium
        select: {provider: aws, kind: access_key}
        frameworks: ["CIS-AWS-7.0.0:2.11"]
        description: IAM access keys unused for 45 days or more are disabled (CIS AWS 2.11)
      - id: credential-rotation
        check: rotation_interval
        threshold: 90d
        severity: medium
        exclude: {provider: aws, kind: access_key}
        description: every other credential is rotated every 90 days or less
      - id: stale-credentials
        check: unused
        threshold: 45d
        severity: medium
        exclude: {provider: aws, kind: access_key}
        description: every other credential unused for 45 days or more is disabled
      - id: expiry-required
        check: required_expiry
        severity: low
        select: {kind: [api_key, personal_access_token, service_account_key]}
        description: credentials that can expire are given an expiry date
      - id: token-lifetime
        check: max_lifetime
        threshold: 366d
        severity: low
        select: {kind: [api_key, personal_access_token]}
        description: tokens are valid for at most a year
      - id: owner-required
        check: required_owner
        severity: high
        frameworks: ["CIS-Controls-8:5.5"]
        description: every credential has an owner (CIS Controls 5.5)
      - id: owner-departed
        check: owner_departed
        severity: high
        description: credentials of departed owners are handed over or revoked
      - id: purpose-required
        check: required_fields
        fields: [purpose]
        severity: low
        frameworks: ["CIS-Controls-8:5.5"]
        description: every credential records its purpose (CIS Controls 5.5)
      - id: review-interval
        check: review_interval
        threshold: 90d
        severity: medium
        frameworks: ["CIS-Controls-8:5.5"]
        description: owners review every credential at least quarterly (CIS Controls 5.5)
      - id: production-least-privilege
        check: forbidden_scopes
        wildcards: true
        scopes: ["*admin*", "repositories:all"]
        severity: high
        select: {environment: ["prod", "production", "live"]}
        description: no wildcard or admin scope in production
      - id: org-wide-tokens
        check: forbidden_scopes
        scopes: ["repositories:all", "organization:administration:*"]
        severity: medium
        select: {kind: personal_access_token}
        description: personal access tokens are limited to the repositories they need
      - id: weak-key-algorithm
        check: forbidden_attributes
        attributes: {key_algorithm: ["KEY_ALG_RSA_1024"]}
        severity: medium
        frameworks: ["OWASP-NHI-2025:NHI4"]
        description: service-account keys use at least 2048-bit RSA
      - id: environment-isolation
        check: shared_across_environments
        severity: high
        description: one credential is never shared between environments
      - id: one-active-key-per-identity
        check: multiple_active_keys
        max_keys: 1
        severity: medium
        select: {provider: [aws, gcp]}
        description: an identity holds at most one active key outside a rotation
    """

    /// The parsed default policy. The text is part of the program and covered by tests, so a
    /// failure here is a programming error.
    public static func load() -> Policy {
        do {
            return try PolicyLoader.parse(yaml, file: fileName)
        } catch {
            preconditionFailure("the built-in default policy does not load: \(error)")
        }
    }
}
