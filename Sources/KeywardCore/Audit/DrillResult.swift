/// The outcome of a revocation drill: how long each node took to reject a canary key after it
/// was revoked, over several rounds.
///
/// Measured by the drill runner (``keyward drill revoke``) on the running system, stored by the
/// server so that the history of drills is evidence (NIST CSF 2.0 ID.IM-02: improvements are
/// identified from exercises).
public struct DrillResult: Sendable, Codable, Equatable {
    public struct NodeStatistics: Sendable, Codable, Equatable {
        public var node: String
        /// Milliseconds from the revoke request to the first rejection, one per round.
        public var samplesMilliseconds: [Double]
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
        /// Rounds in which the node never rejected the key within the timeout.
        public var timeouts: Int

        public init(node: String, samplesMilliseconds: [Double], timeouts: Int) {
            self.node = node
            self.samplesMilliseconds = samplesMilliseconds
            self.timeouts = timeouts
            p50Milliseconds = DrillResult.percentile(samplesMilliseconds, 0.50)
            p99Milliseconds = DrillResult.percentile(samplesMilliseconds, 0.99)
            maxMilliseconds = samplesMilliseconds.max() ?? 0
        }

        enum CodingKeys: String, CodingKey {
            case node, timeouts
            case samplesMilliseconds = "samples_ms"
            case p50Milliseconds = "p50_ms"
            case p99Milliseconds = "p99_ms"
            case maxMilliseconds = "max_ms"
        }
    }

    public var id: String
    public var kind: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    public var rounds: Int
    public var sloMilliseconds: Double
    public var nodes: [NodeStatistics]
    public var overall: NodeStatistics
    /// True when every node rejected the key in every round within the SLO.
    public var passed: Bool

    public init(id: String, kind: String = "revoke", startedAt: Timestamp, finishedAt: Timestamp, rounds: Int, sloMilliseconds: Double, nodes: [NodeStatistics]) {
        self.id = id
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.rounds = rounds
        self.sloMilliseconds = sloMilliseconds
        self.nodes = nodes
        overall = NodeStatistics(node: "all", samplesMilliseconds: nodes.flatMap(\.samplesMilliseconds), timeouts: nodes.map(\.timeouts).reduce(0, +))
        passed = overall.timeouts == 0 && overall.maxMilliseconds <= sloMilliseconds && !overall.samplesMilliseconds.isEmpty
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, rounds, nodes, overall, passed
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case sloMilliseconds = "slo_ms"
    }

    /// Nearest-rank percentile.
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
