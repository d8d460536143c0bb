import ArgumentParser
import KeywardServer

extension ServerOptions {
    /// The webhook settings a configuration file may carry.
    static let webhookFileKeys: Set<String> = [
        "webhooks", "webhook_expiring_days", "webhook_retry_hours", "webhook_timeout_ms", "webhook_concurrency",
    ]

    /// Webhook settings from `KEYWARD_WEBHOOK…` variables or the file: on/off, the days before
    /// expiry that `key.expiring` is sent, the retry horizon, the per-attempt timeout and the
    /// number of deliveries in flight.
    func resolveWebhooks(into configuration: inout ServerConfiguration, pick: (String?, String, String) -> String?) throws {
        func integer(_ variable: String, _ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = pick(nil, variable, key) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError("\(key) (\(variable)) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(text)")
            }
            return value
        }
        if let text = pick(nil, "KEYWARD_WEBHOOKS", "webhooks") {
            switch text.lowercased() {
            case "on", "true", "1", "yes": configuration.webhooks.enabled = true
            case "off", "false", "0", "no": configuration.webhooks.enabled = false
            default: throw ValidationError("webhooks (KEYWARD_WEBHOOKS) must be on or off, got \(text)")
            }
        }
        if let days = try integer("KEYWARD_WEBHOOK_EXPIRING_DAYS", "webhook_expiring_days", 1...365) {
            configuration.webhooks.expiringNoticeDays = days
        }
        if let hours = try integer("KEYWARD_WEBHOOK_RETRY_HOURS", "webhook_retry_hours", 2...720) {
            configuration.webhooks.backoff.horizonMilliseconds = Int64(hours) * 3_600_000
        }
        if let milliseconds = try integer("KEYWARD_WEBHOOK_TIMEOUT_MS", "webhook_timeout_ms", 100...60_000) {
            configuration.webhooks.requestTimeoutMilliseconds = milliseconds
            configuration.webhooks.connectTimeoutMilliseconds = min(configuration.webhooks.connectTimeoutMilliseconds, milliseconds)
        }
        if let count = try integer("KEYWARD_WEBHOOK_CONCURRENCY", "webhook_concurrency", 1...1024) {
            configuration.webhooks.maxInFlight = count
        }
    }
}
