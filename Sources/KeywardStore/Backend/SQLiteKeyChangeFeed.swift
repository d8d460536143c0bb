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

    public init(store: SQLStore, interval: Duration = .milliseconds(200), clock: any WallClock = SystemClock()) {
        self.store = store
        self.interval = interval
        self.clock = clock
    }

    public func run(_ handle: @escaping @Sendable (KeyChangeEvent) async -> Void) async {
        guard let backend = store.backend as? SQLiteBackend else { return }
        var version = try? await backend.dataVersion()
        var since = clock.now()
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
