import Foundation
import KeywardCore
import Logging
import PostgresNIO
import SQLKit

/// `LISTEN keyward_keys` on a dedicated connection; each notification carries up to
/// ``PostgresKeyChangeFeed/idsPerNotification`` key ids, comma-separated, and is delivered by
/// PostgreSQL when (and only if) the transaction that sent it commits.
///
/// When the connection drops, the feed reports ``KeyChangeEvent/lost(_:)`` at once, reconnects
/// with backoff (100 ms doubling to 2 s), listens again, and only then asks for a full
/// ``KeyChangeEvent/resynchronise``: a change committed between the loss and the new `LISTEN`
/// is covered by the re-read.
public struct PostgresKeyChangeFeed: KeyChangeFeed {
    public static let channel = "keyward_keys"
    /// A NOTIFY payload holds at most 8000 bytes; 250 ids of 26 bytes stay well below.
    static let idsPerNotification = 250

    let backend: PostgresBackend
    let store: SQLStore

    public init(store: SQLStore) throws {
        guard let backend = store.backend as? PostgresBackend else {
            throw StoreError.cannotOpen("the PostgreSQL change feed needs a PostgreSQL store")
        }
        self.backend = backend
        self.store = store
    }

    public func run(_ handle: @escaping @Sendable (KeyChangeEvent) async -> Void) async {
        var backoff: Duration = .milliseconds(100)
        var connectionID = 1
        var first = true
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: backend.connectionConfiguration(), id: connectionID, logger: backend.logger
                )
                connectionID += 1
                try await connection.listen(on: Self.channel) { notifications in
                    // Listening: anything committed from now on is delivered, so a full re-read
                    // now leaves nothing out.
                    if !first { await handle(.resynchronise) }
                    first = false
                    backoff = .milliseconds(100)
                    for try await notification in notifications {
                        let ids = notification.payload.split(separator: ",").compactMap { KeyID($0) }
                        guard !ids.isEmpty else { continue }
                        let records = try await store.keys(ids: ids)
                        await handle(.changed(records))
                    }
                }
                try? await connection.close()
                if Task.isCancelled { return }
                await handle(.lost("change feed connection closed"))
            } catch {
                if Task.isCancelled { return }
                await handle(.lost("change feed: \(String(reflecting: error))"))
                first = false
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    /// Sends the ids of changed keys inside the caller's transaction; one statement however many.
    static func publish(_ ids: [KeyID], on db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        let payloads = stride(from: 0, to: ids.count, by: idsPerNotification).map { start in
            ids[start..<min(start + idsPerNotification, ids.count)].map(\.description).joined(separator: ",")
        }
        let rows: [SQLQueryString] = payloads.map { "(\(bind: $0))" }
        try await db.raw("SELECT pg_notify('\(unsafeRaw: channel)', p.column1) FROM (VALUES \(rows.joined(separator: ", "))) AS p").run()
    }
}
