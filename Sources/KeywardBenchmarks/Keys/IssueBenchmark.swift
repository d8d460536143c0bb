import KeywardClient
import KeywardCore

/// `keyward bench issue`: issues `count` keys through a running server's API with `concurrency`
/// requests in flight, then (unless kept) revokes them all by owner in one request; times both.
public struct IssueBenchmark: Sendable {
    public var count: Int
    public var concurrency: Int
    public var owner: String
    /// Keep the keys (no revocation) and report the last one, for a later bulk revocation.
    public var keep: Bool

    public init(count: Int, concurrency: Int, owner: String, keep: Bool) {
        self.count = count
        self.concurrency = concurrency
        self.owner = owner
        self.keep = keep
    }

    public struct Result: Encodable, Sendable {
        public var keys: Int
        public var concurrency: Int
        public var issueSeconds: Double
        public var issuePerSecond: Double
        public var revokeSeconds: Double?
        public var revoked: Int?
        /// With `keep`: the plaintext of the last key issued (a benchmark key).
        public var lastKey: String?

        enum CodingKeys: String, CodingKey {
            case keys, concurrency, revoked
            case lastKey = "last_key"
            case issueSeconds = "issue_seconds"
            case issuePerSecond = "issue_per_second"
            case revokeSeconds = "revoke_by_owner_seconds"
        }
    }

    public func run(_ client: KeywardClient) async throws -> Result {
        let (count, concurrency, owner) = (self.count, self.concurrency, self.owner)
        let start = ContinuousClock.now
        let last = try await withThrowingTaskGroup(of: String?.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var last: String?
                    for index in stride(from: worker, to: count, by: concurrency) {
                        last = try await client.createKey(IssueRequest(name: "bench \(index)", owner: owner, scopes: ["bench:read"])).key
                    }
                    return last
                }
            }
            return try await group.reduce(nil) { $1 ?? $0 }
        }
        let issued = ContinuousClock.now
        let issueSeconds = (issued - start).seconds
        var result = Result(keys: count, concurrency: concurrency, issueSeconds: issueSeconds, issuePerSecond: Double(count) / issueSeconds)
        if keep {
            result.lastKey = last
        } else {
            result.revoked = try await client.revokeAll(owner: owner, reason: "benchmark").revoked
            result.revokeSeconds = (ContinuousClock.now - issued).seconds
        }
        return result
    }
}
