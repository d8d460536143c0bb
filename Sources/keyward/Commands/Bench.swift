import ArgumentParser
import Foundation
import KeywardBenchmarks
import KeywardCore
import KeywardClient

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (run them on a release build: swift build -c release --scratch-path .build-release).",
        subcommands: [VerifyBench.self, IssueBench.self, GovernanceBench.self, WebhookBench.self, LeakBench.self, DashboardBench.self]
    )
}

/// In-process verification benchmark: builds an index of N keys and times single verifications
/// (``KeywardBenchmarks/VerifyBenchmark``), or the usage recorder's cost
/// (``KeywardBenchmarks/UsageRecorderBenchmark``).
struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Time in-process verification against an index of N keys, and measure memory per key."
    )

    @Option(name: .long, help: "Keys in the index.") var keys: Int = 1_000_000
    @Option(name: .long, help: "Timed verifications per case.") var iterations: Int = 1_000_000
    @Option(name: .long, help: "Instead of the latency table: throughput with usage monitoring on, off, or both in one run (on/off ratio).")
    var usageMonitoring: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...50_000_000).contains(keys) else { throw ValidationError("--keys must be 1-50000000") }
        guard (1000...100_000_000).contains(iterations) else { throw ValidationError("--iterations must be 1000-100000000") }
    }

    func run() async throws {
        let mode = try usageMonitoring.map { text in
            guard let mode = UsageRecorderBenchmark.Mode(rawValue: text) else { throw ValidationError("--usage-monitoring takes on, off or both") }
            return mode
        }
        let index = try VerifyBenchmark(keys: keys)
        if let mode {
            return try Self.printUsage(UsageRecorderBenchmark.run(index, iterations: iterations, mode: mode), iterations: iterations, json: output.json)
        }
        let result = index.latency(iterations: iterations)
        if output.json {
            try Output.json(result)
        } else {
            print("index: \(keys) keys, \(String(format: "%.0f", result.bytesPerKey)) bytes/key, built in \(String(format: "%.1f", result.buildSeconds)) s")
            Output.table(["CASE", "P50 NS", "P99 NS", "MEAN NS"], [
                ("VALID", result.valid), ("NOT_FOUND", result.notFound), ("MALFORMED", result.malformed), ("sha256 only", result.sha256),
            ].map { [$0.0, String(format: "%.0f", $0.1.p50), String(format: "%.0f", $0.1.p99), String(format: "%.0f", $0.1.mean)] })
        }
    }

    static func printUsage(_ results: [UsageRecorderBenchmark.Result], iterations: Int, json: Bool) throws {
        if json { return try Output.json(results) }
        print("usage monitoring, \(iterations) verifications per round, median of \(results.first?.rounds ?? 0) alternating rounds:")
        var rows: [[String]] = []
        for result in results {
            if let rate = result.offPerSecond { rows.append([result.traffic, String(result.keys), "off", String(format: "%.0f", rate), String(format: "%.0f", 1e9 / rate), ""]) }
            if let rate = result.onPerSecond {
                rows.append([result.traffic, String(result.keys), "on", String(format: "%.0f", rate), String(format: "%.0f", 1e9 / rate),
                             result.ratio.map { String(format: "%.3f", $0) } ?? ""])
            }
        }
        Output.table(["TRAFFIC", "KEYS", "MONITORING", "VERIFICATIONS/S", "NS/VERIFICATION", "ON/OFF"], rows)
    }
}

/// Issues N keys through a running server's API, then revokes them all by owner; times both.
struct IssueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue N keys through the API (KEYWARD_ADDR, KEYWARD_TOKEN) and revoke them all by owner; time both."
    )

    @Option(name: .long, help: "Keys to issue.") var count: Int = 10_000
    @Option(name: .long, help: "Concurrent requests.") var concurrency: Int = 8
    @Option(name: .long, help: "Owner of the keys (default: a fresh bench-… name).") var owner: String?
    @Flag(name: .long, help: "Keep the keys (no revocation) and print the last one, for a later bulk revocation.") var keep = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1-1000000") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1-256") }
    }

    func run() async throws {
        let benchmark = IssueBenchmark(count: count, concurrency: concurrency, owner: owner ?? "bench-\(KeyID.random().description.suffix(8))",
                                       keep: keep)
        let result = try await Client.run { try await benchmark.run($0) }
        if output.json {
            try Output.json(result)
        } else {
            var line = String(format: "issued %d keys in %.2f s (%.0f/s, %d concurrent)", count, result.issueSeconds, result.issuePerSecond, concurrency)
            if let revoked = result.revoked, let seconds = result.revokeSeconds {
                line += String(format: "; revoked %d by owner in %.2f s", revoked, seconds)
            }
            print(line)
        }
    }
}
