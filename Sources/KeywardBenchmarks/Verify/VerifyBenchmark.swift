#if canImport(Glibc)
import Glibc
#endif
import KeywardCore

/// `keyward bench verify`: an index of N keys built in-process, then single verifications timed
/// one by one (VALID, NOT_FOUND, MALFORMED, and SHA-256 alone as the floor), and the index's
/// memory per key.
public struct VerifyBenchmark: Sendable {
    /// The index under test and the plaintexts to present to it.
    public let verifier: Verifier
    /// Up to 100,000 issued keys, set aside before the memory baseline.
    public let samples: [String]
    public let keys: Int
    /// Resident memory the index added (heap trimmed before and after).
    public let indexBytes: Int
    public let buildSeconds: Double
    let format: KeyFormat

    /// Issues `keys` keys (half with a 90-day expiry, 1,000 owners, four scope sets) into a fresh
    /// index, in batches of 10,000.
    public init(keys: Int) throws {
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
        let started = ContinuousClock.now
        let heapBefore = ProcessUsage.residentBytesAfterTrim()
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
        let heapAfter = ProcessUsage.residentBytesAfterTrim()
        self.verifier = verifier
        self.samples = samples
        self.keys = keys
        self.format = lifecycle.format
        buildSeconds = (ContinuousClock.now - started).seconds
        indexBytes = max(0, heapAfter - heapBefore)
    }

    public struct Result: Encodable, Sendable {
        public var keys: Int
        public var iterations: Int
        public var bytesPerKey: Double
        public var indexBytes: Int
        public var buildSeconds: Double
        public var valid: Percentiles
        public var notFound: Percentiles
        public var malformed: Percentiles
        /// SHA-256 of one 40-byte key, the floor any hash-keyed verification pays.
        public var sha256: Percentiles
        public var validOverSHA256P50: Double

        enum CodingKeys: String, CodingKey {
            case keys, iterations, valid, malformed, sha256
            case bytesPerKey = "bytes_per_key"
            case indexBytes = "index_bytes"
            case buildSeconds = "build_seconds"
            case notFound = "not_found"
            case validOverSHA256P50 = "valid_over_sha256_p50"
        }
    }

    public struct Percentiles: Encodable, Sendable {
        public var p50: Double
        public var p99: Double
        public var mean: Double

        enum CodingKeys: String, CodingKey {
            case p50 = "p50_ns"
            case p99 = "p99_ns"
            case mean = "mean_ns"
        }
    }

    /// Times `iterations` VALID verifications, and a tenth as many of each other case.
    public func latency(iterations: Int) -> Result {
        let unknown = (0..<1000).map { _ in format.generate(environment: "live").reveal() }
        let malformed = samples.prefix(1000).map { String($0.dropLast()) + ($0.last == "A" ? "B" : "A") }
        let noScopes: [[UInt8]] = []
        let verifier = self.verifier
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
        return Result(
            keys: keys, iterations: iterations, bytesPerKey: Double(indexBytes) / Double(keys), indexBytes: indexBytes,
            buildSeconds: buildSeconds, valid: valid, notFound: notFound, malformed: malformedTimes, sha256: sha,
            validOverSHA256P50: valid.p50 / sha.p50
        )
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
}
