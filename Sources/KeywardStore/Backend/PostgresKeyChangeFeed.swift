import Foundation
import Synchronization
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
/// is covered by the re-read. The first `LISTEN` asks for one too, which covers changes made
/// between the node's start-up load and the moment it began to listen.
///
/// A connection can also fail silently (a network partition sends no reset). The feed therefore
/// sends itself a heartbeat notification every ``heartbeatInterval`` through the pool; if none
/// comes back within ``heartbeatTimeout`` the listening connection is presumed dead: the feed
/// reports the loss, drops it and reconnects.
public struct PostgresKeyChangeFeed: KeyChangeFeed {
    public static let channel = "keyward_keys"
    public static let heartbeatInterval: Duration = .milliseconds(500)
    public static let heartbeatTimeout: Duration = .seconds(2)
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
        let heartbeat = "heartbeat:" + KeyID.random().description
        while !Task.isCancelled {
            let lastBeat = LastHeartbeat()
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: backend.connectionConfiguration(), id: connectionID, logger: backend.logger
                )
                connectionID += 1
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            try await connection.listen(on: Self.channel) { notifications in
                                // Listening: anything committed from now on is delivered, so a full
                                // re-read now leaves nothing out.
                                lastBeat.mark()
                                await handle(.resynchronise)
                                for try await notification in notifications {
                                    if notification.payload == heartbeat {
                                        lastBeat.mark()
                                        continue
                                    }
                                    let ids = notification.payload.split(separator: ",").compactMap { KeyID($0) }
                                    guard !ids.isEmpty else { continue }
                                    await handle(.changed(try await store.keys(ids: ids)))
                                }
                            }
                            throw PostgresFeedError.closed
                        }
                        group.addTask {
                            // The sender never blocks the watchdog: a pool that cannot connect
                            // queues requests rather than failing them.
                            while true {
                                try await Task.sleep(for: Self.heartbeatInterval)
                                _ = try? await withDeadline(Self.heartbeatInterval) {
                                    try await backend.read { db in
                                        try await db.raw("SELECT pg_notify('\(unsafeRaw: Self.channel)', \(bind: heartbeat))").run()
                                    }
                                }
                            }
                        }
                        group.addTask {
                            while true {
                                try await Task.sleep(for: .milliseconds(100))
                                if lastBeat.age > Self.heartbeatTimeout { throw PostgresFeedError.heartbeatMissed }
                            }
                        }
                        defer { group.cancelAll() }
                        try await group.next()
                    }
                } catch {
                    // Close on every path: an unclosed connection must not be left to deinit.
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                await handle(.lost("change feed: \(String(reflecting: error))"))
                // A connection that did listen was healthy: reconnect quickly.
                if lastBeat.everMarked { backoff = .milliseconds(100) }
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

enum PostgresFeedError: Error {
    case closed
    case heartbeatMissed
}

/// When the feed last heard its own heartbeat.
final class LastHeartbeat: Sendable {
    private let at = Mutex<ContinuousClock.Instant?>(nil)
    func mark() { at.withLock { $0 = .now } }
    var everMarked: Bool { at.withLock { $0 != nil } }
    /// Time since the last mark (since creation, for a feed still connecting, counts as zero).
    var age: Duration { at.withLock { $0.map { ContinuousClock.now - $0 } ?? .zero } }
}
