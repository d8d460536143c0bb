import Foundation

/// When and how long to wait before trying a request again.
///
/// Retried: no answer at all (connection refused, timeout), HTTP 429, 500, 502, 503, 504, and
/// whatever ``isThrottled`` recognises in a body (AWS answers `Throttling` with a 400). The wait
/// is the provider's own when it gives one — `Retry-After` (seconds or an HTTP date), or
/// `x-ratelimit-reset` (epoch seconds) when `x-ratelimit-remaining` is 0 — else exponential
/// backoff with full jitter: a random wait in `0…min(cap, base·2^attempt)`. A provider wait
/// longer than ``maximumWait`` is not waited for: the request fails and says so.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var base: Duration
    public var cap: Duration
    public var maximumWait: Duration
    /// Recognises throttling a provider reports with another status (AWS: a 400 whose error
    /// code is `Throttling`).
    public var isThrottled: @Sendable (ConnectorResponse) -> Bool

    public init(maxAttempts: Int = 6, base: Duration = .milliseconds(200), cap: Duration = .seconds(20), maximumWait: Duration = .seconds(120),
                isThrottled: @escaping @Sendable (ConnectorResponse) -> Bool = { _ in false }) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
        self.maximumWait = maximumWait
        self.isThrottled = isThrottled
    }

    public static let retriedStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// True when `response` asks for another try.
    public func shouldRetry(_ response: ConnectorResponse) -> Bool {
        Self.retriedStatuses.contains(response.status) || isThrottled(response)
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 0) after `response` (nil: no
    /// answer), at wall-clock time `now` (for `x-ratelimit-reset`).
    public func delay(after response: ConnectorResponse?, attempt: Int, now: Date, random: Double = Double.random(in: 0...1)) -> Duration {
        if let response, let told = Self.providerWait(response, now: now) { return told }
        let exponent = min(attempt, 30)
        let ceiling = min(cap, base * (1 << exponent))
        return ceiling * random
    }

    /// The wait a provider asks for in its headers, if any.
    public static func providerWait(_ response: ConnectorResponse, now: Date) -> Duration? {
        if let retryAfter = response.header("retry-after")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(retryAfter), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
            if let date = httpDate(retryAfter) { return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000))) }
        }
        if response.header("x-ratelimit-remaining").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) == 0,
           let reset = response.header("x-ratelimit-reset").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
            return .milliseconds(max(0, Int64((reset - now.timeIntervalSince1970) * 1000)))
        }
        return nil
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
