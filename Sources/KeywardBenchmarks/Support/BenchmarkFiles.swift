import Foundation

/// The files benchmarks leave behind, removed when they are done.
enum BenchmarkFiles {
    /// A SQLite database with its WAL and shared-memory files.
    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
