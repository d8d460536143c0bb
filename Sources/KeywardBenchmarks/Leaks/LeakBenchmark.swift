import KeywardAPI
import KeywardClient
import KeywardCore

/// `keyward bench leak`: the time from a signed leak report arriving at one node to the key
/// answering REVOKED on every node, against running servers.
///
/// Each round issues a canary key, waits until every node verifies it VALID, then starts one
/// poller per node (verify in a loop) and sends the signed report (`POST /v1/leaks/report`)
/// to the round's origin node; a node's sample is the time from just before the report was
/// sent to its first REVOKED answer. A final burst sends many one-key reports at once, as a
/// flood would arrive, retrying those answered 429, and times until all are revoked everywhere.
public struct LeakBenchmark: Sendable {
    /// The nodes' URLs as given, and a client of each.
    public let nodes: [String]
    let clients: [KeywardClient]
    public var secret: LeakReportSecret
    public var rounds: Int
    /// Reports sent at once in the final burst (0: no burst).
    public var burst: Int
    /// Give up on a node after this long in a round.
    public var timeoutMilliseconds: Double

    /// `token` is an admin key, for issuing the canary keys.
    public init(nodes: [String], token: String?, secret: LeakReportSecret, rounds: Int, burst: Int, timeoutMilliseconds: Double) throws {
        self.nodes = nodes
        clients = try nodes.map { try KeywardClient(baseURL: $0, token: token, timeoutSeconds: 10) }
        self.secret = secret
        self.rounds = rounds
        self.burst = burst
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public struct NodeResult: Encodable, Sendable {
        public var node: String
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
        public var timeouts: Int

        enum CodingKeys: String, CodingKey {
            case node, timeouts
            case p50Milliseconds = "p50_ms"
            case p99Milliseconds = "p99_ms"
            case maxMilliseconds = "max_ms"
        }
    }

    public struct Result: Encodable, Sendable {
        public var rounds: Int
        public var nodes: [NodeResult]
        /// Per round, the slowest node: "revoked on every node".
        public var everyNode: NodeResult
        /// The report's own round trip (signed POST to its 200 answer).
        public var reportP50Milliseconds: Double
        public var reportP99Milliseconds: Double
        public var burstReports: Int
        public var burstSeconds: Double?
        public var burstRetries: Int

        enum CodingKeys: String, CodingKey {
            case rounds, nodes
            case everyNode = "every_node"
            case reportP50Milliseconds = "report_p50_ms"
            case reportP99Milliseconds = "report_p99_ms"
            case burstReports = "burst_reports"
            case burstSeconds = "burst_seconds"
            case burstRetries = "burst_429_retries"
        }
    }

    /// Runs every round, then the burst. `progress` hears each round's milliseconds to REVOKED
    /// per node (nil: timed out).
    public func run(progress: (_ round: Int, _ times: [Double?]) -> Void = { _, _ in }) async throws -> Result {
        var samples = [[Double]](repeating: [], count: clients.count)
        var timeouts = [Int](repeating: 0, count: clients.count)
        var slowest: [Double] = []
        var reports: [Double] = []
        for round in 0..<rounds {
            let (times, report) = try await self.round(round, origin: round % clients.count)
            reports.append(report)
            for (index, time) in times.enumerated() {
                if let time { samples[index].append(time) } else { timeouts[index] += 1 }
            }
            if times.allSatisfy({ $0 != nil }) { slowest.append(times.compactMap { $0 }.max()!) }
            progress(round, times)
        }
        var burstSeconds: Double?
        var retries = 0
        if burst > 0 { (burstSeconds, retries) = try await self.burst(count: burst) }
        func statistics(_ name: String, _ values: [Double], _ timeouts: Int) -> NodeResult {
            NodeResult(node: name, p50Milliseconds: DrillResult.percentile(values, 0.5), p99Milliseconds: DrillResult.percentile(values, 0.99),
                       maxMilliseconds: values.max() ?? 0, timeouts: timeouts)
        }
        return Result(
            rounds: rounds, nodes: nodes.indices.map { statistics(nodes[$0], samples[$0], timeouts[$0]) },
            everyNode: statistics("every node", slowest, rounds - slowest.count),
            reportP50Milliseconds: DrillResult.percentile(reports, 0.5), reportP99Milliseconds: DrillResult.percentile(reports, 0.99),
            burstReports: burst, burstSeconds: burstSeconds, burstRetries: retries
        )
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).milliseconds
    }

    static func canary(_ client: KeywardClient, name: String) async throws -> IssuedKeyObject {
        try await client.createKey(IssueRequest(name: name, owner: "keyward-bench", scopes: ["keyward-bench:canary"], ttlSeconds: 3600))
    }

    /// Waits until every node answers `code` for `key`.
    func waitFor(_ code: VerificationCode, key: String) async throws {
        for client in clients {
            let deadline = ContinuousClock.now + .milliseconds(Int(timeoutMilliseconds))
            while try await client.verify(key: key).code != code {
                guard ContinuousClock.now < deadline else { throw ClientError.unexpectedResponse("node \(client.baseURL) never answered \(code) for a canary") }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// One round: per node the milliseconds from the report to REVOKED (nil on timeout), and the
    /// report's own round trip.
    func round(_ round: Int, origin: Int) async throws -> ([Double?], Double) {
        let (clients, timeout) = (self.clients, timeoutMilliseconds)
        let canary = try await Self.canary(clients[origin], name: "leak bench canary \(round + 1)")
        try await waitFor(.valid, key: canary.key)
        let item = LeakReportItem(token: canary.key, type: "keyward_api_key", url: "https://example.com/bench/\(round)", source: "content")
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: (Int, Double?).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    let deadline = start + .milliseconds(Int(timeout))
                    while ContinuousClock.now < deadline {
                        if try await client.verify(key: canary.key).code == .revoked { return (index, Self.milliseconds(since: start)) }
                    }
                    return (index, nil)
                }
            }
            let feedback = try await clients[origin].reportLeaks([item], secret: secret, reporter: "keyward-bench").feedback()
            let report = Self.milliseconds(since: start)
            guard feedback.first?.action == "revoked" else {
                throw ClientError.unexpectedResponse("the report did not revoke the canary: \(feedback.first?.action ?? "no answer")")
            }
            var times = [Double?](repeating: nil, count: clients.count)
            for try await (index, time) in group { times[index] = time }
            return (times, report)
        }
    }

    /// `count` one-key reports at once, spread over the nodes; those answered 429 are sent
    /// again after 50 ms. Returns seconds until every key is REVOKED on every node.
    func burst(count: Int) async throws -> (Double, Int) {
        let (clients, secret) = (self.clients, self.secret)
        var keys: [String] = []
        for index in 0..<count { keys.append(try await Self.canary(clients[index % clients.count], name: "leak bench burst \(index + 1)").key) }
        try await waitFor(.valid, key: keys.last!)
        let start = ContinuousClock.now
        let retries = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, key) in keys.enumerated() {
                group.addTask {
                    let client = clients[index % clients.count]
                    let item = [LeakReportItem(token: key, type: "keyward_api_key", url: "https://example.com/burst/\(index)", source: "content")]
                    var retries = 0
                    while true {
                        let answer = try await client.reportLeaks(item, secret: secret, reporter: "keyward-bench")
                        guard answer.status == 429 else {
                            _ = try answer.feedback()
                            return retries
                        }
                        retries += 1
                        guard retries < 1000 else { throw ClientError.unexpectedResponse("a burst report was refused 1000 times") }
                        // Sooner than Retry-After (1 s) asks: the burst measures the server, not the wait.
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        for key in keys { try await waitFor(.revoked, key: key) }
        return (Self.milliseconds(since: start) / 1000, retries)
    }
}
