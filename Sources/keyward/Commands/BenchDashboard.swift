import ArgumentParser
import Foundation
import KeywardBenchmarks
import KeywardCore

/// `keyward bench dashboard`: fills a SQLite store with N keys, imported records and their
/// findings, then renders the overview and inventory pages in-process, as the server does, and
/// prints p50/p99 per page (``KeywardBenchmarks/DashboardBenchmark``).
struct DashboardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Time server-side rendering of the dashboard's overview and inventory pages over N keys."
    )

    @Option(name: .long, help: "keyward keys in the store.") var keys: Int = 100_000
    @Option(name: .long, help: "Imported (external) records in the store.") var records: Int = 10_000
    @Option(name: .long, help: "Timed renders per page.") var iterations: Int = 50
    @Option(name: .long, help: "Directory for the database (default: the temporary directory).") var directory: String?
    @Flag(name: .long, help: "Keep the database afterwards (its path is printed).") var keep = false

    func validate() throws {
        guard (1...5_000_000).contains(keys) else { throw ValidationError("--keys must be 1-5000000") }
        guard (0...5_000_000).contains(records) else { throw ValidationError("--records must be 0-5000000") }
        guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations must be 1-100000") }
    }

    func run() async throws {
        let benchmark = try await DashboardBenchmark(folder: directory ?? FileManager.default.temporaryDirectory.path)
        do {
            let started = ContinuousClock.now
            let findings = try await benchmark.fill(keys: keys, records: records)
            let elapsed = ContinuousClock.now - started
            let fillSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("filled: \(keys) keys, \(records) imported records, \(findings) findings in \(String(format: "%.1f", fillSeconds)) s")
            print("renders per page: \(iterations) (after 3 warm-up renders)")
            print("  (wall: elapsed time; CPU: process CPU time of the render, which other load on the machine does not inflate)")
            for page in DashboardBenchmark.pages {
                let timings = try await benchmark.time(page, iterations: iterations)
                func percentiles(_ values: [Double]) -> String {
                    "p50 \(Self.format(DrillResult.percentile(values, 0.5))) p99 \(Self.format(DrillResult.percentile(values, 0.99)))"
                }
                print("  \(page.label.padding(toLength: 38, withPad: " ", startingAt: 0)) wall \(percentiles(timings.wallMilliseconds))"
                      + "   CPU \(percentiles(timings.cpuMilliseconds))   \(timings.bytes / 1024) KiB")
            }
        } catch {
            try? await benchmark.close(keep: keep)
            throw error
        }
        try await benchmark.close(keep: keep)
        if keep { print("database kept: \(benchmark.database)") }
    }

    static func format(_ milliseconds: Double) -> String { String(format: "%6.1f ms", milliseconds) }
}
