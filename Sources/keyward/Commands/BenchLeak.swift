import ArgumentParser
import Foundation
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
struct LeakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leak",
        abstract: "Time a signed leak report to REVOKED on every node (p50/p99), and a burst of reports.",
        discussion: """
            Needs running servers started with the same KEYWARD_LEAK_REPORT_SECRET, an admin key in
            KEYWARD_TOKEN (to issue canary keys), and the secret in KEYWARD_LEAK_REPORT_SECRET.
            See benchmarks/leak.sh, which starts one SQLite node and two PostgreSQL nodes.
            """
    )

    @Option(name: .long, help: "Comma-separated node URLs (default: KEYWARD_ADDR).") var nodes: String?
    @Option(name: .long, help: "Rounds (one report each).") var rounds: Int = 100
    @Option(name: .long, help: "Reports sent at once in the final burst (0: no burst).") var burst: Int = 200
    @Option(name: .customLong("timeout-ms"), help: "Give up on a node after this long in a round.") var timeoutMilliseconds: Double = 10_000
    @OptionGroup var output: OutputOptions

    struct NodeResult: Encodable {
        var node: String
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var timeouts: Int
        enum CodingKeys: String, CodingKey {
            case node, timeouts
            case p50Milliseconds = "p50_ms"
            case p99Milliseconds = "p99_ms"
            case maxMilliseconds = "max_ms"
        }
    }

    struct Result: Encodable {
        var rounds: Int
        var nodes: [NodeResult]
        /// Per round, the slowest node: "revoked on every node".
        var everyNode: NodeResult
        /// The report's own round trip (signed POST to its 200 answer).
        var reportP50Milliseconds: Double
        var reportP99Milliseconds: Double
        var burstReports: Int
        var burstSeconds: Double?
        var burstRetries: Int
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

    func validate() throws {
        guard (1...100_000).contains(rounds) else { throw ValidationError("--rounds must be 1-100000") }
        guard (0...10_000).contains(burst) else { throw ValidationError("--burst must be 0-10000") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let urls = (nodes ?? environment["KEYWARD_ADDR"] ?? KeywardClient.defaultAddress)
            .split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !urls.isEmpty, urls.count <= 64 else { throw ValidationError("--nodes must list 1-64 URLs") }
        let secret: LeakReportSecret
        do {
            secret = try LeakReportSecret(environment["KEYWARD_LEAK_REPORT_SECRET"] ?? "")
        } catch {
            throw ValidationError("KEYWARD_LEAK_REPORT_SECRET: \(error)")
        }
        let clients = try urls.map { try KeywardClient(baseURL: $0, token: environment["KEYWARD_TOKEN"], timeoutSeconds: 10) }
        var samples = [[Double]](repeating: [], count: clients.count)
        var timeouts = [Int](repeating: 0, count: clients.count)
        var slowest: [Double] = []
        var reports: [Double] = []
        var burstSeconds: Double?
        var retries = 0
        do {
            for round in 0..<rounds {
                let origin = round % clients.count
                let (times, report) = try await Self.round(clients: clients, origin: origin, secret: secret, round: round, timeout: timeoutMilliseconds)
                reports.append(report)
                for (index, time) in times.enumerated() {
                    if let time { samples[index].append(time) } else { timeouts[index] += 1 }
                }
                if times.allSatisfy({ $0 != nil }) { slowest.append(times.compactMap { $0 }.max()!) }
                if !output.json, (round + 1) % max(1, rounds / 10) == 0 {
                    Output.note("round \(round + 1)/\(rounds): REVOKED after \(times.map { $0.map { String(format: "%.1f ms", $0) } ?? "timeout" }.joined(separator: ", "))")
                }
            }
            if burst > 0 { (burstSeconds, retries) = try await Self.burst(clients: clients, secret: secret, count: burst, timeout: timeoutMilliseconds) }
        } catch let error as ClientError {
            Output.error("leak benchmark failed: \(error)")
            throw ExitCode(2)
        }
        func statistics(_ name: String, _ values: [Double], _ timeouts: Int) -> NodeResult {
            NodeResult(node: name, p50Milliseconds: DrillResult.percentile(values, 0.5), p99Milliseconds: DrillResult.percentile(values, 0.99),
                       maxMilliseconds: values.max() ?? 0, timeouts: timeouts)
        }
        let result = Result(
            rounds: rounds, nodes: urls.indices.map { statistics(urls[$0], samples[$0], timeouts[$0]) },
            everyNode: statistics("every node", slowest, rounds - slowest.count),
            reportP50Milliseconds: DrillResult.percentile(reports, 0.5), reportP99Milliseconds: DrillResult.percentile(reports, 0.99),
            burstReports: burst, burstSeconds: burstSeconds, burstRetries: retries
        )
        if output.json {
            try Output.json(result)
        } else {
            Output.table(["NODE", "P50 MS", "P99 MS", "MAX MS", "TIMEOUTS"], (result.nodes + [result.everyNode]).map {
                [$0.node, String(format: "%.1f", $0.p50Milliseconds), String(format: "%.1f", $0.p99Milliseconds), String(format: "%.1f", $0.maxMilliseconds), String($0.timeouts)]
            })
            print(String(format: "signed report round trip: p50 %.1f ms, p99 %.1f ms", result.reportP50Milliseconds, result.reportP99Milliseconds))
            if let burstSeconds {
                print(String(format: "burst: %d one-key reports at once revoked on every node in %.2f s (%d answers 429, retried)", burst, burstSeconds, retries))
            }
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    static func canary(_ client: KeywardClient, name: String) async throws -> IssuedKeyObject {
        try await client.createKey(IssueRequest(name: name, owner: "keyward-bench", scopes: ["keyward-bench:canary"], ttlSeconds: 3600))
    }

    /// Waits until every node answers `code` for `key`.
    static func waitFor(_ code: VerificationCode, key: String, clients: [KeywardClient], timeout: Double) async throws {
        for client in clients {
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout))
            while try await client.verify(key: key).code != code {
                guard ContinuousClock.now < deadline else { throw ClientError.unexpectedResponse("node \(client.baseURL) never answered \(code) for a canary") }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// One round: per node the milliseconds from the report to REVOKED (nil on timeout), and the
    /// report's own round trip.
    static func round(clients: [KeywardClient], origin: Int, secret: LeakReportSecret, round: Int, timeout: Double) async throws -> ([Double?], Double) {
        let canary = try await canary(clients[origin], name: "leak bench canary \(round + 1)")
        try await waitFor(.valid, key: canary.key, clients: clients, timeout: timeout)
        let item = LeakReportItem(token: canary.key, type: "keyward_api_key", url: "https://example.com/bench/\(round)", source: "content")
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: (Int, Double?).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    let deadline = start + .milliseconds(Int(timeout))
                    while ContinuousClock.now < deadline {
                        if try await client.verify(key: canary.key).code == .revoked { return (index, milliseconds(since: start)) }
                    }
                    return (index, nil)
                }
            }
            let feedback = try await clients[origin].reportLeaks([item], secret: secret, reporter: "keyward-bench").feedback()
            let report = milliseconds(since: start)
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
    static func burst(clients: [KeywardClient], secret: LeakReportSecret, count: Int, timeout: Double) async throws -> (Double, Int) {
        var keys: [String] = []
        for index in 0..<count { keys.append(try await canary(clients[index % clients.count], name: "leak bench burst \(index + 1)").key) }
        try await waitFor(.valid, key: keys.last!, clients: clients, timeout: timeout)
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
        for key in keys { try await waitFor(.revoked, key: key, clients: clients, timeout: timeout) }
        return (milliseconds(since: start) / 1000, retries)
    }
}
