import ArgumentParser
import Foundation
import KeywardCore
import KeywardSettings
import KeywardServer
import KeywardStore
import Logging

/// `keyward bench dashboard`: fills a SQLite store with N keys (spread over two years of ages
/// and expiries), imported records and their findings, then renders the overview and inventory
/// pages in-process, as the server does, and prints p50/p99 per page.
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
        let folder = directory ?? FileManager.default.temporaryDirectory.path
        let database = "\(folder)/keyward-bench-dashboard-\(UUID().uuidString).db"
        defer { if !keep { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) } } }
        var logger = Logger(label: "keyward.bench")
        logger.logLevel = .warning
        let now = SystemClock().now()
        let clock = ManualClock(now)
        let store = try await SQLStore.openSQLite(path: database, logger: logger)
        var configuration = KeywardConfiguration()
        configuration.databasePath = database
        let node = try await KeywardNode(store: store, configuration: configuration, clock: clock, logger: logger)

        let started = ContinuousClock.now
        try await Self.issueKeys(keys, node: node, clock: clock, now: now)
        clock.set(now)
        if records > 0 { try await Self.importRecords(records, node: node, folder: folder, now: now) }
        let evaluation = try await node.governance.evaluate(actor: "bench")
        print("filled: \(keys) keys, \(records) imported records, \(evaluation.findings) findings in \(Self.seconds(ContinuousClock.now - started)) s")

        let probe = try DashboardProbe(node: node)
        let pages: [(String, String)] = [
            ("overview, after a change", "/ui/"),
            ("overview, nothing changed", "/ui/"),
            ("inventory, first page", "/ui/inventory"),
            ("inventory, sorted by name, page 100", "/ui/inventory?sort=name&page=100"),
            ("inventory, owner filter, by expiry", "/ui/inventory?owner=team-7&sort=expires&dir=desc"),
            ("inventory, search", "/ui/inventory?q=service-4242"),
        ]
        print("renders per page: \(iterations) (after 3 warm-up renders)")
        print("  (wall: elapsed time; CPU: process CPU time of the render, which other load on the machine does not inflate)")
        for (label, target) in pages {
            var wall: [Double] = []
            var cpu: [Double] = []
            var bytes = 0
            for iteration in 0..<(iterations + 3) {
                // After a change the finding counts are recomputed; otherwise they are reused.
                if label.hasSuffix("after a change") { probe.forgetCachedCounts() }
                let cpuStart = Self.processCPUMilliseconds()
                let start = ContinuousClock.now
                let result = try await probe.render(target)
                let elapsed = ContinuousClock.now - start
                let cpuUsed = Self.processCPUMilliseconds() - cpuStart
                guard result.status == 200 else { throw ValidationError("\(target) answered \(result.status)") }
                bytes = result.bytes
                if iteration >= 3 {
                    wall.append(Self.milliseconds(elapsed))
                    cpu.append(cpuUsed)
                }
            }
            print("  \(label.padding(toLength: 38, withPad: " ", startingAt: 0)) wall p50 \(Self.format(Self.percentile(wall, 0.5))) p99 \(Self.format(Self.percentile(wall, 0.99)))"
                  + "   CPU p50 \(Self.format(Self.percentile(cpu, 0.5))) p99 \(Self.format(Self.percentile(cpu, 0.99)))   \(bytes / 1024) KiB")
        }
        try await store.close()
        if keep { print("database kept: \(database)") }
    }

    /// Issues keys through the key service in waves, moving the clock back a week per wave so
    /// ages spread over two years; a third expire within a year.
    static func issueKeys(_ count: Int, node: KeywardNode, clock: ManualClock, now: Timestamp) async throws {
        let waves = 100
        let perWave = (count + waves - 1) / waves
        var issued = 0
        for wave in 0..<waves where issued < count {
            clock.set(now.adding(seconds: -Int64(wave) * 7 * 86_400))
            let batch = min(perWave, count - issued)
            let first = issued
            try await withThrowingTaskGroup(of: Void.self) { group in
                for offset in 0..<batch {
                    let index = first + offset
                    group.addTask {
                        let ttl: Int64? = index % 3 == 0 ? Int64(30 + index % 700) * 86_400 : nil
                        _ = try await node.keys.issue(IssueRequest(name: "service-\(index)", owner: "team-\(index % 500)",
                                                                   environment: index % 4 == 0 ? "test" : "live", ttlSeconds: ttl),
                                                      by: .system("bench"))
                    }
                    if offset >= 256 { try await group.next() }
                }
                try await group.waitForAll()
            }
            issued += batch
        }
    }

    /// A generic CSV of external credentials across providers, imported through the service.
    static func importRecords(_ count: Int, node: KeywardNode, folder: String, now: Timestamp) async throws {
        let path = "\(folder)/keyward-bench-dashboard-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "provider,external_id,kind,identity,name,owner,environments,created_at,last_rotated_at,status\n"
        let providers = ["aws", "gcp", "github", "azure", "other"]
        for index in 0..<count {
            let created = now.adding(seconds: -Int64(index % 900) * 86_400).iso8601
            let owner = index % 17 == 0 ? "" : "team-\(index % 500)"
            text += "\(providers[index % providers.count]),EXT\(index),api_key,bot-\(index),external \(index),\(owner),"
                + "\(index % 2 == 0 ? "prod" : "staging"),\(created),\(created),active\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try await node.governance.importFile(kind: .csv, path: path, fileName: "bench.csv", by: .system("bench"))
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
    }

    static func format(_ milliseconds: Double) -> String { String(format: "%6.1f ms", milliseconds) }

    /// CPU time of the whole process (every thread: the render, SQLite, the event loops).
    static func processCPUMilliseconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func seconds(_ duration: Duration) -> String { String(format: "%.1f", milliseconds(duration) / 1000) }
}
