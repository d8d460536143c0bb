import ArgumentParser
import Foundation
import KeywardBenchmarks
import KeywardClient
import KeywardCore

/// `keyward bench leak`: the time from a signed leak report arriving at one node to the key
/// answering REVOKED on every node, against running servers (``KeywardBenchmarks/LeakBenchmark``).
struct LeakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leak",
        abstract: "Time a signed leak report to REVOKED on every node (p50/p99), and a burst of reports.",
        discussion: """
            Needs running servers started with the same KEYWARD_LEAK_REPORT_SECRET, an admin key in \
            KEYWARD_TOKEN (to issue canary keys), and the secret in KEYWARD_LEAK_REPORT_SECRET.
            See benchmarks/leak.sh, which starts one SQLite node and two PostgreSQL nodes.
            """
    )

    @Option(name: .long, help: "Comma-separated node URLs (default: KEYWARD_ADDR).") var nodes: String?
    @Option(name: .long, help: "Rounds (one report each).") var rounds: Int = 100
    @Option(name: .long, help: "Reports sent at once in the final burst (0: no burst).") var burst: Int = 200
    @Option(name: .customLong("timeout-ms"), help: "Give up on a node after this long in a round.") var timeoutMilliseconds: Double = 10_000
    @OptionGroup var output: OutputOptions

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
        let benchmark = try LeakBenchmark(nodes: urls, token: environment["KEYWARD_TOKEN"], secret: secret, rounds: rounds, burst: burst,
                                          timeoutMilliseconds: timeoutMilliseconds)
        let result: LeakBenchmark.Result
        do {
            result = try await benchmark.run { round, times in
                if !output.json, (round + 1) % max(1, rounds / 10) == 0 {
                    Output.note("round \(round + 1)/\(rounds): REVOKED after \(times.map { $0.map { String(format: "%.1f ms", $0) } ?? "timeout" }.joined(separator: ", "))")
                }
            }
        } catch let error as ClientError {
            Output.error("leak benchmark failed: \(error)")
            throw ExitCode(2)
        }
        if output.json {
            try Output.json(result)
        } else {
            Output.table(["NODE", "P50 MS", "P99 MS", "MAX MS", "TIMEOUTS"], (result.nodes + [result.everyNode]).map {
                [$0.node, String(format: "%.1f", $0.p50Milliseconds), String(format: "%.1f", $0.p99Milliseconds), String(format: "%.1f", $0.maxMilliseconds), String($0.timeouts)]
            })
            print(String(format: "signed report round trip: p50 %.1f ms, p99 %.1f ms", result.reportP50Milliseconds, result.reportP99Milliseconds))
            if let burstSeconds = result.burstSeconds {
                print(String(format: "burst: %d one-key reports at once revoked on every node in %.2f s (%d answers 429, retried)", burst, burstSeconds, result.burstRetries))
            }
        }
    }
}
