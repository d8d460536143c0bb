import KeywardCore
import SQLKit

/// Notices commits to the SQLite file by other processes (a CLI revoking a leaked key with
/// `--db`, an import) and reports the keys they changed.
///
/// `PRAGMA data_version` on a connection changes only when another connection commits, so the
/// poll is one cheap statement; when it moves, keys whose `updated_at` is at or after the last
/// check (less a margin for clock steps) are re-read. Keys are never deleted, so nothing is missed.
public struct SQLiteKeyChangeFeed: KeyChangeFeed {
    let store: SQLStore
    let interval: Duration
    let clock: any WallClock
    /// When the node last read every key: changes from then on are reported.
    let since: Timestamp

    public init(store: SQLStore, since: Timestamp, interval: Duration = .milliseconds(200), clock: any WallClock = SystemClock()) {
        self.store = store
        self.since = since
        self.interval = interval
        self.clock = clock
    }

    public func run(_ handle: @escaping @Sendable (KeyChangeEvent) async -> Void) async {
        guard let backend = store.backend as? SQLiteBackend else { return }
        // No version yet: the first poll always looks, covering commits between the node's
        // start-up load and the start of this feed.
        var version: Int?
        var since = self.since
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard let current = try? await backend.dataVersion(), current != version else { continue }
            version = current
            let checkedAt = clock.now()
            guard let records = try? await store.keys(updatedSince: since.adding(seconds: -2)) else { continue }
            since = checkedAt
            if !records.isEmpty { await handle(.changed(records)) }
        }
    }
}
