import Foundation
import KeywardCore
import KeywardServer
import KeywardSettings
import KeywardStore
import Logging

/// `keyward bench dashboard`: a SQLite store filled with N keys (spread over two years of ages
/// and expiries), imported records and their findings, whose overview and inventory pages are
/// rendered in-process as the server renders them (``KeywardServer/DashboardProbe``), timed per
/// render in wall and CPU time.
public final class DashboardBenchmark: Sendable {
    /// One page the benchmark renders.
    public struct Page: Sendable {
        public var label: String
        public var target: String
        /// Forget the cached finding counts before each render, as a change does.
        public var afterChange: Bool
    }

    public static let pages = [
        Page(label: "overview, after a change", target: "/ui/", afterChange: true),
        Page(label: "overview, nothing changed", target: "/ui/", afterChange: false),
        Page(label: "inventory, first page", target: "/ui/inventory", afterChange: false),
        Page(label: "inventory, sorted by name, page 100", target: "/ui/inventory?sort=name&page=100", afterChange: false),
        Page(label: "inventory, owner filter, by expiry", target: "/ui/inventory?owner=team-7&sort=expires&dir=desc", afterChange: false),
        Page(label: "inventory, search", target: "/ui/inventory?q=service-4242", afterChange: false),
    ]

    /// The renders of one page after 3 warm-up renders: milliseconds each, and the page's size.
    public struct Timings: Sendable {
        public var wallMilliseconds: [Double]
        /// Process CPU time of each render (the render, SQLite, the event loops), which other load
        /// on the machine does not inflate.
        public var cpuMilliseconds: [Double]
        public var bytes: Int
    }

    public let database: String
    let folder: String
    let store: SQLStore
    let node: KeywardNode
    let probe: DashboardProbe
    let clock: ManualClock
    let now: Timestamp

    /// Opens a fresh database in `folder` and a node on it.
    public init(folder: String) async throws {
        self.folder = folder
        database = "\(folder)/keyward-bench-dashboard-\(UUID().uuidString).db"
        var logger = Logger(label: "keyward.bench")
        logger.logLevel = .warning
        now = SystemClock().now()
        clock = ManualClock(now)
        store = try await SQLStore.openSQLite(path: database, logger: logger)
        var configuration = KeywardConfiguration()
        configuration.databasePath = database
        node = try await KeywardNode(store: store, configuration: configuration, clock: clock, logger: logger)
        probe = try DashboardProbe(node: node)
    }

    /// Issues `keys` keys and imports `records` external records, then evaluates the policy;
    /// returns the findings.
    public func fill(keys: Int, records: Int) async throws -> Int {
        try await issueKeys(keys)
        clock.set(now)
        if records > 0 { try await importRecords(records) }
        return try await node.governance.evaluate(actor: "bench").findings
    }

    /// Renders `page` `iterations` times after 3 warm-up renders.
    public func time(_ page: Page, iterations: Int) async throws -> Timings {
        var timings = Timings(wallMilliseconds: [], cpuMilliseconds: [], bytes: 0)
        for iteration in 0..<(iterations + 3) {
            // After a change the finding counts are recomputed; otherwise they are reused.
            if page.afterChange { probe.forgetCachedCounts() }
            let cpuStart = ProcessUsage.cpuSeconds()
            let start = ContinuousClock.now
            let result = try await probe.render(page.target)
            let elapsed = ContinuousClock.now - start
            let cpuUsed = (ProcessUsage.cpuSeconds() - cpuStart) * 1000
            guard result.status == 200 else { throw KeywardError.invalidArgument("\(page.target) answered \(result.status)") }
            timings.bytes = result.bytes
            if iteration >= 3 {
                timings.wallMilliseconds.append(elapsed.milliseconds)
                timings.cpuMilliseconds.append(cpuUsed)
            }
        }
        return timings
    }

    /// Closes the store; deletes the database unless `keep`.
    public func close(keep: Bool) async throws {
        defer { if !keep { BenchmarkFiles.removeDatabase(database) } }
        try await store.close()
    }

    /// Issues keys through the key service in waves, moving the clock back a week per wave so
    /// ages spread over two years; a third expire within a year.
    func issueKeys(_ count: Int) async throws {
        let waves = 100
        let perWave = (count + waves - 1) / waves
        var issued = 0
        let node = self.node
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
    func importRecords(_ count: Int) async throws {
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
}
