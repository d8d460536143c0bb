import ArgumentParser
import AsyncHTTPClient
import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore

struct Drill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revocation drills: measure, on the running system, how long a revocation takes to reach every node.",
        subcommands: [RevokeDrill.self, TabletopDrill.self, DeactivateDrill.self]
    )
}

/// Creates a canary key, waits until every node accepts it, revokes it through one node and
/// polls every node until each rejects it; repeated for several rounds. The revoking node
/// rotates through the list, so each node is measured both as origin and as follower.
struct RevokeDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Measure revoke-to-rejection time on every node (exit 1 when the SLO is missed).",
        discussion: """
            keyward drill revoke --nodes http://10.0.0.1:8080,http://10.0.0.2:8080 --rounds 100 --slo-ms 1000
            Uses KEYWARD_TOKEN (write and verify scopes) on every node. The result is stored on the first node
            (GET /v1/drills, audit event drill.completed). Each canary key lives for one hour at most and is revoked by the drill.
            """
    )

    @Option(name: .long, help: "Comma-separated node URLs (default: KEYWARD_ADDR).") var nodes: String?
    @Option(name: .long, help: "Rounds.") var rounds: Int = 10
    @Option(name: .customLong("slo-ms"), help: "Every node must reject within this many milliseconds, every round.") var sloMilliseconds: Double = 1000
    @Option(name: .customLong("timeout-ms"), help: "Give up on a node after this long in a round.") var timeoutMilliseconds: Double = 10_000
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...10_000).contains(rounds) else { throw ValidationError("--rounds must be 1-10000") }
        guard sloMilliseconds > 0, timeoutMilliseconds >= sloMilliseconds else { throw ValidationError("--timeout-ms must be at least --slo-ms, both positive") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let urls = (nodes ?? environment["KEYWARD_ADDR"] ?? KeywardClient.defaultAddress)
            .split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !urls.isEmpty, urls.count <= 64 else { throw ValidationError("--nodes must list 1-64 URLs") }
        let token = environment["KEYWARD_TOKEN"]
        let clients = try urls.map { try KeywardClient(baseURL: $0, token: token, timeoutSeconds: 10) }
        let started = SystemClock().now()
        var samples = [[Double]](repeating: [], count: clients.count)
        var timeouts = [Int](repeating: 0, count: clients.count)
        do {
            for round in 0..<rounds {
                let origin = round % clients.count
                let times = try await Self.round(clients: clients, origin: origin, round: round, timeout: timeoutMilliseconds)
                for (index, time) in times.enumerated() {
                    if let time { samples[index].append(time) } else { timeouts[index] += 1 }
                }
                if !output.json, rounds <= 20 || (round + 1) % max(1, rounds / 10) == 0 {
                    let shown = times.map { $0.map { String(format: "%.1f ms", $0) } ?? "timeout" }.joined(separator: ", ")
                    Output.note("round \(round + 1)/\(rounds): revoked via node \(origin + 1); rejected after \(shown)")
                }
            }
        } catch let error as ClientError {
            Output.error("drill failed: \(error)")
            throw ExitCode(2)
        }
        let result = DrillResult(
            id: "drill_" + String(KeyID.random().description.dropFirst(4)), startedAt: started, finishedAt: SystemClock().now(),
            rounds: rounds, sloMilliseconds: sloMilliseconds,
            nodes: urls.indices.map { DrillResult.NodeStatistics(node: urls[$0], samplesMilliseconds: samples[$0], timeouts: timeouts[$0]) }
        )
        let stored = try await Client.run { _ in try await clients[0].recordDrill(result) }
        if output.json {
            try Output.json(stored)
        } else {
            Output.table(
                ["NODE", "P50 MS", "P99 MS", "MAX MS", "TIMEOUTS"],
                (stored.nodes + [stored.overall]).map {
                    [$0.node, String(format: "%.1f", $0.p50Milliseconds), String(format: "%.1f", $0.p99Milliseconds),
                     String(format: "%.1f", $0.maxMilliseconds), String($0.timeouts)]
                }
            )
            print("\(stored.passed ? "PASSED" : "FAILED"): SLO \(Int(sloMilliseconds)) ms over \(rounds) round(s); stored as \(stored.id)")
        }
        if !stored.passed { throw ExitCode(1) }
    }

    /// One round: returns per node the milliseconds from the revoke request to the first
    /// rejection, or nil when the node never rejected within the timeout.
    static func round(clients: [KeywardClient], origin: Int, round: Int, timeout: Double) async throws -> [Double?] {
        let canary = try await clients[origin].createKey(
            IssueRequest(name: "drill canary \(round + 1)", owner: "keyward-drill", scopes: ["keyward-drill:canary"], ttlSeconds: 3600,
                         meta: ["purpose": "revocation drill canary"])
        )
        // Every node must accept the canary first, or the measurement would mean nothing.
        for client in clients {
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout))
            while try await client.verify(key: canary.key).code != .valid {
                guard ContinuousClock.now < deadline else {
                    throw ClientError.unexpectedResponse("node \(client.baseURL) never accepted the canary key")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: (Int, Double?).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    let deadline = start + .milliseconds(Int(timeout))
                    while ContinuousClock.now < deadline {
                        let answer = try await client.verify(key: canary.key)
                        if answer.code != .valid {
                            let elapsed = ContinuousClock.now - start
                            return (index, Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                        }
                    }
                    return (index, nil)
                }
            }
            _ = try await clients[origin].revoke(id: canary.object.id, reason: "revocation drill")
            var times = [Double?](repeating: nil, count: clients.count)
            for try await (index, time) in group { times[index] = time }
            return times
        }
    }
}
