import SQLKit

/// The two SQL dialects keyward speaks. Nearly all SQL is shared; the few differences
/// (DDL types, `max` vs `GREATEST`, row locks) are spelled out where they occur.
public enum SQLFlavor: String, Sendable {
    case sqlite
    case postgres
}

/// A database connection source with the one guarantee the store needs: `write` runs its body
/// inside a transaction on a single connection, and commits only if the body returns.
public protocol SQLBackend: Sendable {
    var flavor: SQLFlavor { get }

    /// Runs `body` in a transaction; rolls back if it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs read-only work; it may see a consistent snapshot or individual statements may
    /// each see the latest committed state, depending on the backend.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    func close() async throws
}

/// Database failures, with messages that say what to do.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(String)
    case corrupt(String)
    case newerSchema(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let message): return message
        case .corrupt(let message): return "database content is invalid: \(message)"
        case .newerSchema(let found, let supported):
            return "the database was written by a newer keyward (schema \(found), this build knows up to \(supported)); upgrade keyward"
        }
    }
}
