import ArgumentParser
import Foundation
import KeywardCore
import KeywardClient

#if canImport(Glibc)
import Glibc
#endif

/// glibc's `malloc_trim`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (run them on a release build: swift build -c release --scratch-path .build-release).",
        subcommands: [VerifyBench.self, IssueBench.self, GovernanceBench.self, WebhookBench.self, LeakBench.self, DashboardBench.self]
    )
}

/// In-process verification benchmark: builds an index of N keys and times single verifications.
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

    struct Result: Encodable {
        var keys: Int
        var iterations: Int
        var bytesPerKey: Double
        var indexBytes: Int
        var buildSeconds: Double
        var valid: Percentiles
        var notFound: Percentiles
        var malformed: Percentiles
        /// SHA-256 of one 40-byte key, the floor any hash-keyed verification pays.
        var sha256: Percentiles
        var validOverSHA256P50: Double

        enum CodingKeys: String, CodingKey {
            case keys, iterations, valid, malformed, sha256
            case bytesPerKey = "bytes_per_key"
            case indexBytes = "index_bytes"
            case buildSeconds = "build_seconds"
            case notFound = "not_found"
            case validOverSHA256P50 = "valid_over_sha256_p50"
        }
    }

    struct Percentiles: Encodable {
        var p50: Double
        var p99: Double
        var mean: Double
        enum CodingKeys: String, CodingKey {
            case p50 = "p50_ns"
            case p99 = "p99_ns"
            case mean = "mean_ns"
        }
    }

    func validate() throws {
        guard (1...50_000_000).contains(keys) else { throw ValidationError("--keys must be 1-50000000") }
        guard (1000...100_000_000).contains(iterations) else { throw ValidationError("--iterations must be 1000-100000000") }
    }

    func run() async throws {
        let clock = SystemClock()
        let lifecycle = try KeyLifecycle()
        let verifier = Verifier(format: lifecycle.format, clock: clock)
        // Plaintexts to verify with are set aside before the heap baseline, so that only the
        // index counts toward bytes per key.
        let sampleCount = min(keys, 100_000)
        var samples: [String] = []
        samples.reserveCapacity(sampleCount)
        let owners = (0..<1000).map { "team-\($0)" }
        let scopeSets = [["billing:read"], ["billing:read", "billing:write"], ["users:read"], ["reports:*"]]
        let now = clock.now()
        var pending: [KeyRecord] = []
        pending.reserveCapacity(10_000)
        var batch = KeyIndex.Batch()
        let started = DispatchTime.now().uptimeNanoseconds
        let heapBefore = Self.heapBytes()
        for index in 0..<keys {
            var request = IssueRequest(name: "bench \(index)", owner: owners[index % owners.count], scopes: scopeSets[index % scopeSets.count])
            if index % 2 == 0 { request.ttlSeconds = 90 * 86_400 }
            let issued = try lifecycle.issue(request, now: now)
            if index < sampleCount { samples.append(issued.plaintext.reveal()) }
            pending.append(issued.record)
            if pending.count == 10_000 {
                verifier.index.add(pending, to: &batch, now: now)
                pending.removeAll(keepingCapacity: true)
            }
        }
        verifier.index.add(pending, to: &batch, now: now)
        pending = []
        verifier.index.install(batch, replacing: true)
        batch = KeyIndex.Batch()
        let heapAfter = Self.heapBytes()
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let indexBytes = max(0, heapAfter - heapBefore)

        let unknown = (0..<1000).map { _ in lifecycle.format.generate(environment: "live").reveal() }
        let malformed = samples.prefix(1000).map { String($0.dropLast()) + ($0.last == "A" ? "B" : "A") }
        let noScopes: [[UInt8]] = []
        if let usageMonitoring {
            guard let mode = UsageMonitoringBench.Mode(rawValue: usageMonitoring) else { throw ValidationError("--usage-monitoring takes on, off or both") }
            return try UsageMonitoringBench.run(verifier: verifier, samples: samples, iterations: iterations, mode: mode, json: output.json)
        }
        // A VALID verification counts a use, as a credential check does (the verifier itself counts none).
        let usage = UsageRecorder()
        let valid = Self.time(samples, iterations: iterations) { key in
            var key = key
            let outcome = key.withUTF8 { verifier.verify(UnsafeRawBufferPointer($0), requiredScopes: noScopes, caller: nil) }
            precondition(outcome.code == .valid, "benchmark key did not verify: \(outcome.code)")
            usage.recordCredentialUse(outcome.key!, at: outcome.checkedAt)
        }
        let notFound = Self.time(unknown, iterations: iterations / 10) { key in
            var key = key
            _ = key.withUTF8 { verifier.verify(UnsafeRawBufferPointer($0), requiredScopes: noScopes, caller: nil) }
        }
        let malformedTimes = Self.time(malformed, iterations: iterations / 10) { key in
            var key = key
            _ = key.withUTF8 { verifier.verify(UnsafeRawBufferPointer($0), requiredScopes: noScopes, caller: nil) }
        }
        let sha = Self.time(samples, iterations: iterations / 10) { key in
            var key = key
            _ = key.withUTF8 { KeyHash(of: UnsafeRawBufferPointer($0)) }
        }
        _ = usage.drain()
        let result = Result(
            keys: keys, iterations: iterations, bytesPerKey: Double(indexBytes) / Double(keys), indexBytes: indexBytes,
            buildSeconds: buildSeconds, valid: valid, notFound: notFound, malformed: malformedTimes, sha256: sha,
            validOverSHA256P50: valid.p50 / sha.p50
        )
        if output.json {
            try Output.json(result)
        } else {
            print("index: \(keys) keys, \(String(format: "%.0f", result.bytesPerKey)) bytes/key, built in \(String(format: "%.1f", buildSeconds)) s")
            Output.table(["CASE", "P50 NS", "P99 NS", "MEAN NS"], [
                ("VALID", valid), ("NOT_FOUND", notFound), ("MALFORMED", malformedTimes), ("sha256 only", sha),
            ].map { [$0.0, String(format: "%.0f", $0.1.p50), String(format: "%.0f", $0.1.p99), String(format: "%.0f", $0.1.mean)] })
        }
    }

    /// Times each call individually with the monotonic clock (about 20 ns of overhead each,
    /// included in the figures).
    static func time(_ inputs: [String], iterations: Int, _ body: (String) -> Void) -> Percentiles {
        for input in inputs.prefix(10_000) { body(input) }  // warm up
        var samples = [UInt64](repeating: 0, count: iterations)
        var spec = timespec()
        for iteration in 0..<iterations {
            let input = inputs[iteration % inputs.count]
            clock_gettime(CLOCK_MONOTONIC, &spec)
            let start = UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
            body(input)
            clock_gettime(CLOCK_MONOTONIC, &spec)
            samples[iteration] = UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec) - start
        }
        samples.sort()
        let mean = Double(samples.reduce(0, +)) / Double(iterations)
        return Percentiles(p50: Double(samples[iterations / 2]), p99: Double(samples[iterations * 99 / 100]), mean: mean)
    }

    /// Resident memory after returning freed heap pages to the system, so that the difference
    /// across building the index is the index itself.
    static func heapBytes() -> Int {
        _ = mallocTrim(0)
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let resident = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
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

    struct Result: Encodable {
        var keys: Int
        var concurrency: Int
        var issueSeconds: Double
        var issuePerSecond: Double
        var revokeSeconds: Double?
        var revoked: Int?
        /// With --keep: the plaintext of the last key issued (a benchmark key).
        var lastKey: String?

        enum CodingKeys: String, CodingKey {
            case keys, concurrency, revoked
            case lastKey = "last_key"
            case issueSeconds = "issue_seconds"
            case issuePerSecond = "issue_per_second"
            case revokeSeconds = "revoke_by_owner_seconds"
        }
    }

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1-1000000") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1-256") }
    }

    func run() async throws {
        let owner = self.owner ?? "bench-\(KeyID.random().description.suffix(8))"
        let count = self.count
        let concurrency = self.concurrency
        let start = DispatchTime.now().uptimeNanoseconds
        let last = try await Client.run { client in
            try await withThrowingTaskGroup(of: String?.self) { group in
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
        }
        let issued = DispatchTime.now().uptimeNanoseconds
        let issueSeconds = Double(issued - start) / 1e9
        var result = Result(keys: count, concurrency: concurrency, issueSeconds: issueSeconds, issuePerSecond: Double(count) / issueSeconds)
        if keep {
            result.lastKey = last
        } else {
            let revoked = try await Client.run { try await $0.revokeAll(owner: owner, reason: "benchmark") }
            result.revoked = revoked.revoked
            result.revokeSeconds = Double(DispatchTime.now().uptimeNanoseconds - issued) / 1e9
        }
        if output.json {
            try Output.json(result)
        } else {
            var line = String(format: "issued %d keys in %.2f s (%.0f/s, %d concurrent)", count, issueSeconds, result.issuePerSecond, concurrency)
            if let revoked = result.revoked, let seconds = result.revokeSeconds {
                line += String(format: "; revoked %d by owner in %.2f s", revoked, seconds)
            }
            print(line)
        }
    }
}
