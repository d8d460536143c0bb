import KeywardCore

/// Settings of leak intake (`POST /v1/leaks/github`, `POST /v1/leaks/report`). Both endpoints
/// answer 503 until configured: the GitHub one needs the public-keys file, the signed one a
/// shared secret.
public struct LeakConfiguration: Sendable {
    /// GitHub's secret-scanning public keys, in the format of
    /// `GET https://api.github.com/meta/public_keys/secret_scanning`. Re-read when the file
    /// changes (checked with one `stat` per request), so a cron job refreshing it needs no restart.
    public var githubKeysPath: String?
    /// Secrets of the HMAC-signed report endpoint; any one of them verifies a report.
    public var reportSecrets: [LeakReportSecret] = []
    /// The file ``reportSecrets`` were read from, one per line (nil when they came from
    /// `leak_report_secret` itself or are not set).
    public var reportSecretFile: String?
    /// Revoke live keys reported leaked (default), or only record the finding and event.
    public var action: LeakAction = .revoke
    /// Body limit of both endpoints; larger bodies are refused with 413 before they are read.
    public var maxBodyBytes = 1 << 20
    /// Tokens per report; more is 413.
    public var maxItems = 1000
    /// Longest token accepted (GitHub's own tokens are at most 255 characters; keyward's 72).
    public var maxTokenLength = 1024
    /// Reports processed at once per node; beyond that the answer is 429 with Retry-After, so a
    /// flood queues at the sender (GitHub retries) rather than in memory here.
    public var maxInFlight = 8
    /// How far `keyward-timestamp` may be from the server's clock, either way.
    public var timestampToleranceSeconds: Int64 = LeakReportSignature.defaultToleranceSeconds

    public init() {}
}
