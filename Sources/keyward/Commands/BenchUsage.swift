import ArgumentParser
import Foundation
import KeywardCore

#if canImport(Glibc)
import Glibc
#endif

/// `keyward bench verify --usage-monitoring on|off|both`: verification throughput with the
/// usage recorder on versus off, in one run. Rounds alternate (off, on, off, on…) so that both
/// see the same machine state; each round times a stretch of verifications as a whole (no
/// clock read per call). Between stretches of `flushEvery` verifications the recorder is
/// drained, untimed, as the usage flusher does once a second on a server.
///
/// Two traffic shapes: *hot* — 1,000 keys, each presented by its own caller many times per flush
/// interval (the recorder's hit path) — and *cold* — every sample key once per interval, so each
/// verification inserts a new key tally and a new caller (the worst case).
enum UsageMonitoringBench {
    enum Mode: String, CaseIterable { case on, off, both }

    struct Result: Encodable {
        var traffic: String
        var keys: Int
        var mode: String
        var iterations: Int
        var rounds: Int
        var offPerSecond: Double?
        var onPerSecond: Double?
        /// on / off throughput (target ≥ 0.90).
        var ratio: Double?
        var distinctCallers: Int

        enum CodingKeys: String, CodingKey {
            case traffic, keys, mode, iterations, rounds, ratio
            case offPerSecond = "off_verifications_per_second"
            case onPerSecond = "on_verifications_per_second"
            case distinctCallers = "distinct_callers"
        }
    }

    static func run(verifier: Verifier, samples: [String], iterations: Int, mode: Mode, rounds: Int = 5, json: Bool) throws {
        let shapes: [(String, [String])] = [("hot", Array(samples.prefix(1000))), ("cold", samples)]
        let results = shapes.map { name, keys in measure(verifier: verifier, traffic: name, samples: keys, iterations: iterations, mode: mode, rounds: rounds) }
        if json { return try Output.json(results) }
        print("usage monitoring, \(iterations) verifications per round, median of \(rounds) alternating rounds:")
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

    static func measure(verifier: Verifier, traffic: String, samples: [String], iterations: Int, mode: Mode, rounds: Int) -> Result {
        let recorder = UsageRecorder()
        let addresses = (0..<1000).map { IPAddress("10.\($0 / 250).\($0 % 250).7")! }
        let labels = ["billing-api", "reports", "gateway", "worker"].map { Array($0.utf8) }
        let flushEvery = 100_000
        let noScopes: [[UInt8]] = []

        func round(monitoring: Bool) -> Double {
            var elapsed: UInt64 = 0
            var done = 0
            while done < iterations {
                let stretch = min(flushEvery, iterations - done)
                let start = DispatchTime.now().uptimeNanoseconds
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
                elapsed += DispatchTime.now().uptimeNanoseconds - start
                done += stretch
                _ = recorder.drain()
            }
            return Double(iterations) / (Double(elapsed) / 1e9)
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
