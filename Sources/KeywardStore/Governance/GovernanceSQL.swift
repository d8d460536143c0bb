import Foundation
import KeywardCore
import SQLKit

/// The governance tables seen through one connection: inside ``SQLStore/governanceWrite(_:)``
/// every call runs in the same transaction (so records, findings, their history and the audit
/// event of one change commit together), inside ``SQLStore/governanceRead(_:)`` on the reader.
///
/// Methods take and return Core types; the SQL and the row mapping stay in this module.
public struct GovernanceSQL: Sendable {
    let db: any SQLDatabase
    public let flavor: SQLFlavor
    /// True inside a write: reads that precede a write lock their rows on PostgreSQL.
    let writing: Bool

    /// Rows per multi-row statement: a few hundred rows keep every statement well under
    /// SQLite's (32,766) and PostgreSQL's (65,535) bind-parameter limits.
    static let batchSize = 200

    /// ` FOR UPDATE` on PostgreSQL inside a write; nothing on SQLite, whose writes are serial.
    var lockClause: String { writing && flavor == .postgres ? " FOR UPDATE" : "" }

    /// Appends audit events in this transaction.
    @discardableResult
    public func audit(_ drafts: [AuditDraft], at time: Timestamp) async throws -> [AuditEvent] {
        precondition(writing, "audit events are written inside governanceWrite")
        return try await SQLStore.appendAudit(drafts, at: time, on: db, flavor: flavor)
    }

    /// Runs `statement` for each batch of `rows`, so bulk writes cost one round trip per batch.
    func batched<Row>(_ rows: some Collection<Row>, _ statement: (ArraySlice<Row>) -> SQLQueryString) async throws {
        let all = Array(rows)
        for start in stride(from: 0, to: all.count, by: Self.batchSize) {
            try await db.raw(statement(all[start..<min(start + Self.batchSize, all.count)])).run()
        }
    }
}

extension SQLStore {
    /// Runs `body` in one write transaction over the governance tables.
    public func governanceWrite<T: Sendable>(_ body: @escaping @Sendable (GovernanceSQL) async throws -> T) async throws -> T {
        let flavor = backend.flavor
        return try await backend.write { db in try await body(GovernanceSQL(db: db, flavor: flavor, writing: true)) }
    }

    /// Runs read-only `body` over the governance tables.
    public func governanceRead<T: Sendable>(_ body: @escaping @Sendable (GovernanceSQL) async throws -> T) async throws -> T {
        let flavor = backend.flavor
        return try await backend.read { db in try await body(GovernanceSQL(db: db, flavor: flavor, writing: false)) }
    }
}

/// Decoding helpers shared by the governance row mappings.
extension SQLRow {
    func text(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalText(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func integer(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func timestamp(_ column: String) throws -> Timestamp { Timestamp(millisecondsSinceEpoch: try integer(column)) }
    func optionalTimestamp(_ column: String) throws -> Timestamp? {
        try decode(column: column, as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
    }

    func enumeration<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        let raw = try text(column)
        guard let value = T(rawValue: raw) else { throw StoreError.corrupt("column \(column) holds unknown value \"\(raw.prefix(40))\"") }
        return value
    }
}
