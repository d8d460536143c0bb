/// When a failed delivery is tried again: exponential backoff with jitter, capped, until a
/// horizon after the first attempt, then the delivery is given up (`failed`).
///
/// The defaults (5 s doubling to a 30-minute cap, three days) keep a receiver that is down for an
/// hour receiving every event: it is tried at most 30 minutes after it comes back.
public struct WebhookBackoff: Sendable, Equatable {
    public var baseMilliseconds: Int64
    public var capMilliseconds: Int64
    public var horizonMilliseconds: Int64

    public init(baseMilliseconds: Int64 = 5_000, capMilliseconds: Int64 = 30 * 60_000, horizonMilliseconds: Int64 = 72 * 3_600_000) {
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
        self.horizonMilliseconds = horizonMilliseconds
    }

    /// The delay before attempt `attempts + 1`, after `attempts` failures (>= 1). `jitter` in
    /// [0, 1] picks a point in the upper half of the window ("equal jitter"), so receivers that
    /// fail together are not retried in lockstep, and a retry never comes sooner than half the
    /// nominal delay.
    public func delay(afterFailures attempts: Int, jitter: Double) -> Int64 {
        let exponent = min(max(attempts - 1, 0), 40)
        let nominal = min(capMilliseconds, baseMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent).overflow
            ? capMilliseconds : baseMilliseconds << exponent)
        let half = nominal / 2
        return half + Int64(Double(nominal - half) * min(max(jitter, 0), 1))
    }

    /// The next attempt's time after a failure at `now`, or nil when the delivery is given up
    /// because that time would lie beyond `giveUpAt`.
    public func nextAttempt(afterFailures attempts: Int, at now: Timestamp, giveUpAt: Timestamp, jitter: Double) -> Timestamp? {
        let next = now.adding(milliseconds: delay(afterFailures: attempts, jitter: jitter))
        return next > giveUpAt ? nil : next
    }
}
