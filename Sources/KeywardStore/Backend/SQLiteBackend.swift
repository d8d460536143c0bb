import Logging
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded default: one SQLite file in WAL mode.
///
/// Writes go through one connection, one transaction at a time (SQLite allows one writer
/// anyway; queuing here instead of on SQLite's busy lock keeps waiting fair and cheap). Reads use
/// a second connection, which WAL lets run alongside a write and see the last committed state.
///
/// Threads: the two connections run their calls on a thread pool of their own, one thread each,
/// not on sqlite-nio's process-wide pool (one thread per core). A connection waiting on the file's
/// lock sleeps in SQLite's busy handler on its thread; on the shared pool, two such waiters on a
/// two-core machine would hold every thread, and the connection that holds the lock (another
/// backend on the same file, in the same process: a second node or dispatcher in the tests) could
/// not run its COMMIT until the busy timeout failed them.
///
/// Files: the database and its `-wal` and `-shm` files are created 0600 (``DatabaseFile``), and
/// the drivers log through ``DriverLogHandler``, which never logs a bind value.
///
/// Durability: `synchronous=NORMAL` in WAL mode means a commit is in the WAL (in the kernel's
/// page cache) before it is acknowledged, so a killed process loses nothing it acknowledged;
/// `synchronous=FULL` (``Durability/full``) also survives power loss, at one fsync per commit.
public final class SQLiteBackend: SQLBackend {
    public enum Durability: String, Sendable {
        case normal, full
    }

    public let flavor = SQLFlavor.sqlite
    public let path: String
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let threads: NIOThreadPool
    private let writeLock = AsyncSerialLock()
    private let readLock = AsyncSerialLock()

    private init(path: String, threads: NIOThreadPool, writer: SQLiteConnection, reader: SQLiteConnection) {
        self.path = path
        self.threads = threads
        self.writer = writer
        self.reader = reader
    }

    public static func open(path: String, durability: Durability = .normal, logger: Logger = Logger(label: "keyward.sqlite")) async throws -> SQLiteBackend {
        DatabaseFile.createPrivately(path)
        let driverLogger = logger.forDatabaseDrivers
        let threads = NIOThreadPool(numberOfThreads: 2)
        threads.start()
        func connect() async throws -> SQLiteConnection {
            try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: driverLogger,
                                            on: MultiThreadedEventLoopGroup.singleton.any())
        }
        let writer: SQLiteConnection
        do {
            writer = try await connect()
        } catch {
            try? await threads.shutdownGracefully()
            throw StoreError.cannotOpen("cannot open SQLite database at \(path): \(error)")
        }
        do {
            let db = writer.sql()
            // busy_timeout replaces sqlite-nio's spinning busy handler with a sleeping one, for
            // when another process (keyward audit verify, a second CLI) holds the file briefly.
            try await db.raw("PRAGMA busy_timeout = 10000").run()
            let mode = try await db.raw("PRAGMA journal_mode = WAL").first()?.decode(column: "journal_mode", as: String.self)
            guard mode?.lowercased() == "wal" else {
                throw StoreError.cannotOpen("SQLite at \(path) refused WAL mode (got \(mode ?? "nothing")); is it on a network filesystem?")
            }
            try await db.raw("PRAGMA synchronous = \(unsafeRaw: durability == .full ? "FULL" : "NORMAL")").run()
            try await db.raw("PRAGMA foreign_keys = ON").run()
            let reader = try await connect()
            do {
                try await reader.sql().raw("PRAGMA busy_timeout = 10000").run()
            } catch {
                try? await reader.close()
                throw error
            }
            DatabaseFile.warnIfReadableByOthers(path, logger: logger)
            return SQLiteBackend(path: path, threads: threads, writer: writer, reader: reader)
        } catch let error as StoreError {
            try? await writer.close()
            try? await threads.shutdownGracefully()
            throw error
        } catch {
            try? await writer.close()
            try? await threads.shutdownGracefully()
            throw StoreError.cannotOpen("cannot prepare SQLite database at \(path): \(error)")
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            try await writer.sql().transaction(begin: "BEGIN IMMEDIATE", body)
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await readLock.withLock {
            try await reader.sql().transaction(body)
        }
    }

    /// Changes when a connection other than the writer commits to the file.
    func dataVersion() async throws -> Int {
        try await writeLock.withLock {
            try await writer.sql().raw("PRAGMA data_version").first()?.decode(column: "data_version", as: Int.self) ?? 0
        }
    }

    public func close() async throws {
        try await writeLock.withLock {
            try? await writer.sql().raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            try await reader.close()
            try await writer.close()
            try await threads.shutdownGracefully()
        }
    }
}
