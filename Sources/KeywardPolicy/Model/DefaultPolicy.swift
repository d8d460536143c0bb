/// The policy keyward applies when none is given, and the starting point for writing one
/// (`keyward policy default > policy.yaml`).
///
/// It follows CIS AWS Foundations Benchmark v7.0.0 for IAM access keys (2.12: rotate within 90
/// days; 2.11: disable credentials unused for 45 days), applies the same thresholds to every other
/// credential, and CIS Controls v8 safeguard 5.5 (inventory of service accounts with owner,
/// purpose and a review date, reviewed at least quarterly). It is quiet on a new installation:
/// each rule's rationale is a comment in the text `keyward policy default` prints.
public enum DefaultPolicy {
    public static let fileName = "keyward-default-policy.yaml"

    public static let yaml = """
    # keyward default policy (version 1). Thresholds follow CIS AWS Foundations v7.0.0
    # (2.11, 2.12) and CIS Controls v8 safeguard 5.5. Copy it and adjust; see docs/governance.md.
    #
    # Quiet by design: a fresh installation, whose only credential is its bootstrap admin key,
    # has no findings. A rule raises a finding when something is wrong or overdue, not because a
    # credential is new: clocks (rotation, use, review) start at creation, `grace:` holds back what
    # a new credential is expected to lack for a few days, and keyward's own credentials (scopes
    # `keyward:*`) are judged by the rule written for them, not by rules for application keys.
    version: 1
    name: keyward-default
    rules:
      # Why: a leaked access key works until it is replaced; CIS AWS 2.12 sets 90 days.
      - id: aws-access-key-rotation
        check: rotation_interval
        threshold: 90d
        severity: high
        select: {provider: aws, kind: access_key}
        frameworks: ["CIS-AWS-7.0.0:2.12"]
        description: IAM access keys are rotated every 90 days or less (CIS AWS 2.12)
      # Why: a key nobody uses is attack surface with no benefit; CIS AWS 2.11 sets 45 days.
      # A key never used counts from its creation, so a new key is due on day 45.
      - id: aws-unused-credentials
        check: unused
        threshold: 45d
        severity: medium
        select: {provider: aws, kind: access_key}
        frameworks: ["CIS-AWS-7.0.0:2.11"]
        description: IAM access keys unused for 45 days or more are disabled (CIS AWS 2.11)
      # Why: the same 90 days for every other credential; keyward's administrator keys have
      # their own, stricter rule below (admin-key-rotation).
      - id: credential-rotation
        check: rotation_interval
        threshold: 90d
        severity: medium
        exclude: [{provider: aws, kind: access_key}, {provider: keyward, scope: "keyward:admin"}]
        description: every other credential is rotated every 90 days or less
      # Why: the same 45 days of disuse for every other credential, counted from creation.
      - id: stale-credentials
        check: unused
        threshold: 45d
        severity: medium
        exclude: {provider: aws, kind: access_key}
        description: every other credential unused for 45 days or more is disabled
      # Why: a credential without an expiry works forever once leaked. keyward's own
      # credentials are exempt: an administrator key that expires unnoticed locks the
      # administrators out; admin-key-rotation bounds their life instead.
      - id: expiry-required
        check: required_expiry
        severity: low
        select: {kind: [api_key, personal_access_token, service_account_key]}
        exclude: {provider: keyward, scope: "keyward:*"}
        description: credentials that can expire are given an expiry date
      # Why: a year bounds how long a forgotten token stays valid (same exemption as above).
      - id: token-lifetime
        check: max_lifetime
        threshold: 366d
        severity: low
        select: {kind: [api_key, personal_access_token]}
        exclude: {provider: keyward, scope: "keyward:*"}
        description: tokens are valid for at most a year
      # Why: nobody answers for, reviews or revokes a credential without an owner (CIS 5.5).
      - id: owner-required
        check: required_owner
        severity: high
        frameworks: ["CIS-Controls-8:5.5"]
        description: every credential has an owner (CIS Controls 5.5)
      # Why: a departed person's credentials are the classic orphaned identity (OWASP NHI1).
      - id: owner-departed
        check: owner_departed
        severity: high
        description: credentials of departed owners are handed over or revoked
      # Why: an inventory must say what each credential is for (CIS 5.5). Issuing first and
      # writing the purpose down the next day is normal, so the finding waits a week.
      - id: purpose-required
        check: required_fields
        fields: [purpose]
        grace: 7d
        severity: low
        frameworks: ["CIS-Controls-8:5.5"]
        description: every credential records its purpose within a week of its creation (CIS Controls 5.5)
      # Why: owners confirm quarterly that each credential is still needed (CIS 5.5). The clock
      # starts at creation, so the first review of a new credential is due after 90 days.
      - id: review-interval
        check: review_interval
        threshold: 90d
        severity: medium
        frameworks: ["CIS-Controls-8:5.5"]
        description: owners review every credential at least quarterly (CIS Controls 5.5)
      # Why: an admin or wildcard scope in production turns one leak into full control.
      # keyward's own credentials carry keyward:admin by design and are judged by
      # admin-key-rotation instead.
      - id: production-least-privilege
        check: forbidden_scopes
        wildcards: true
        scopes: ["*admin*", "repositories:all"]
        severity: high
        select: {environment: ["prod", "production", "live"]}
        exclude: {provider: keyward, scope: "keyward:*"}
        description: no wildcard or admin scope in production
      # Why: keyward's administrator keys can issue and revoke every key; the rule meant for
      # them is that they are replaced at least every 90 days (rotate, or issue a new one and
      # revoke the old), counted from creation, and that a lapse is high.
      - id: admin-key-rotation
        check: rotation_interval
        threshold: 90d
        severity: high
        select: {provider: keyward, scope: "keyward:admin"}
        description: keyward administrator keys are replaced at least every 90 days
      # Why: an organisation-wide token reaches every repository when one was needed.
      - id: org-wide-tokens
        check: forbidden_scopes
        scopes: ["repositories:all", "organization:administration:*"]
        severity: medium
        select: {kind: personal_access_token}
        description: personal access tokens are limited to the repositories they need
      # Why: 1024-bit RSA keys are below today's minimum strength (OWASP NHI4).
      - id: weak-key-algorithm
        check: forbidden_attributes
        attributes: {key_algorithm: ["KEY_ALG_RSA_1024"]}
        severity: medium
        frameworks: ["OWASP-NHI-2025:NHI4"]
        description: service-account keys use at least 2048-bit RSA
      # Why: a credential shared between environments lets a leak in the weakest open all.
      - id: environment-isolation
        check: shared_across_environments
        severity: high
        description: one credential is never shared between environments
      # Why: a second active key per identity is usually a rotation left unfinished (CIS AWS).
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
