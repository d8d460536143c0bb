import Synchronization

/// An optional per-key limit: at most `limit` successful verifications per `windowSeconds`,
/// enforced as a token bucket (bursts up to `limit`, refilled evenly over the window).
///
/// Limits are counted on each node separately; with N nodes behind a balancer a key can see up to
/// N × `limit`. That is the price of a verify path with no shared round-trip.
public struct RateLimitPolicy: Hashable, Sendable, Codable {
    public var limit: Int
    public var windowSeconds: Int

    public init(limit: Int, windowSeconds: Int) throws {
        guard (1...1_000_000_000).contains(limit) else {
            throw KeywardError.invalidArgument("rate_limit.limit must be between 1 and 1000000000, got \(limit)")
        }
        guard (1...31_536_000).contains(windowSeconds) else {
            throw KeywardError.invalidArgument("rate_limit.window_seconds must be between 1 and 31536000 (one year), got \(windowSeconds)")
        }
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    enum CodingKeys: String, CodingKey {
        case limit
        case windowSeconds = "window_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(limit: container.decode(Int.self, forKey: .limit), windowSeconds: container.decode(Int.self, forKey: .windowSeconds))
    }
}

/// The live state of one key's bucket on this node.
public final class RateLimiter: Sendable {
    public let policy: RateLimitPolicy
    private struct Bucket {
        var tokens: Double
        var refilledAt: Int64
    }
    private let bucket: Mutex<Bucket>

    public init(policy: RateLimitPolicy, now: Timestamp) {
        self.policy = policy
        bucket = Mutex(Bucket(tokens: Double(policy.limit), refilledAt: now.millisecondsSinceEpoch))
    }

    /// Takes one token if there is one.
    public func acquire(at now: Timestamp) -> Bool {
        let perMillisecond = Double(policy.limit) / (Double(policy.windowSeconds) * 1000)
        return bucket.withLock { bucket in
            let elapsed = max(0, now.millisecondsSinceEpoch - bucket.refilledAt)
            bucket.tokens = min(Double(policy.limit), bucket.tokens + Double(elapsed) * perMillisecond)
            bucket.refilledAt = max(bucket.refilledAt, now.millisecondsSinceEpoch)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
