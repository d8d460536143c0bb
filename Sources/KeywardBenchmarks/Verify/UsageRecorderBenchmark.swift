import KeywardCore

/// `keyward bench verify --usage-monitoring on|off|both`: verification throughput with and
/// without the usage recorder (a ``KeywardCore/UsageRecorder`` built here, fed as the server's
/// verify path feeds it), in one run. Rounds alternate (off, on, off, on…) so that both see the
/// same machine state; each round times a stretch of verifications as a whole (no clock read per
/// call). Between stretches of `flushEvery` verifications the recorder is drained, untimed, as the
/// usage flusher does once a second on a server.
///
/// Two traffic shapes: *hot* — 1,000 keys, each presented by its own caller many times per flush
/// interval (the recorder's hit path) — and *cold* — every sample key once per interval, so each
/// verification inserts a new key tally and a new caller (the worst case).
public enum UsageRecorderBenchmark {
    public enum Mode: String, CaseIterable, Sendable { case on, off, both }

    public struct Result: Encodable, Sendable {
        public var traffic: String
        public var keys: Int
        public var mode: String
        public var iterations: Int
        public var rounds: Int
        public var offPerSecond: Double?
        public var onPerSecond: Double?
        /// on / off throughput (target ≥ 0.90).
        public var ratio: Double?
        public var distinctCallers: Int

        enum CodingKeys: String, CodingKey {
            case traffic, keys, mode, iterations, rounds, ratio
            case offPerSecond = "off_verifications_per_second"
            case onPerSecond = "on_verifications_per_second"
            case distinctCallers = "distinct_callers"
        }
    }

    /// The hot and the cold traffic shape over the benchmark's index.
    public static func run(_ index: VerifyBenchmark, iterations: Int, mode: Mode, rounds: Int = 5) -> [Result] {
        let shapes: [(String, [String])] = [("hot", Array(index.samples.prefix(1000))), ("cold", index.samples)]
        return shapes.map { name, keys in
            measure(verifier: index.verifier, traffic: name, samples: keys, iterations: iterations, mode: mode, rounds: rounds)
        }
    }

    static func measure(verifier: Verifier, traffic: String, samples: [String], iterations: Int, mode: Mode, rounds: Int) -> Result {
        let recorder = UsageRecorder()
        let addresses = (0..<1000).map { IPAddress("10.\($0 / 250).\($0 % 250).7")! }
        let labels = ["billing-api", "reports", "gateway", "worker"].map { Array($0.utf8) }
        let flushEvery = 100_000
        let noScopes: [[UInt8]] = []

        func round(monitoring: Bool) -> Double {
            var elapsed = Duration.zero
            var done = 0
            while done < iterations {
                let stretch = min(flushEvery, iterations - done)
                let start = ContinuousClock.now
                for index in done..<(done + stretch) {
                    let keyIndex = index % samples.count
                    var key = samples[keyIndex]
                    key.withUTF8 { bytes in
                        let outcome = verifier.verify(UnsafeRawBufferPointer(bytes), requiredScopes: noScopes, caller: nil)
                        if monitoring {
                            // Each key has its own caller: one address and label per key.
                            labels[keyIndex & 3].withUnsafeBytes { label in
                                recorder.record(outcome, caller: CallerFields(address: addresses[keyIndex % addresses.count], label: label))
                            }
                        }
                    }
                }
                elapsed += ContinuousClock.now - start
                done += stretch
                _ = recorder.drain()
            }
            return Double(iterations) / elapsed.seconds
        }

        // Warm both paths (tables grown, caches filled) before measuring.
        _ = round(monitoring: false)
        if mode != .off { _ = round(monitoring: true) }
        var off: [Double] = []
        var on: [Double] = []
        for _ in 0..<rounds {
            if mode != .on { off.append(round(monitoring: false)) }
            if mode != .off { on.append(round(monitoring: true)) }
        }
        func median(_ values: [Double]) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            return sorted[sorted.count / 2]
        }
        let offRate = median(off)
        let onRate = median(on)
        let ratio = offRate.flatMap { offRate in onRate.map { $0 / offRate } }
        return Result(traffic: traffic, keys: samples.count, mode: mode.rawValue, iterations: iterations, rounds: rounds, offPerSecond: offRate,
                      onPerSecond: onRate, ratio: ratio, distinctCallers: min(samples.count, addresses.count * labels.count))
    }
}
