import SQLKit

extension SQLDatabase {
    /// Runs `body` in one transaction on this connection: `begin` first, `COMMIT` when the body
    /// returns, `ROLLBACK` (and the body's error) when it throws.
    ///
    /// `self` must be a single connection, not a pool, or the statements could land on different
    /// sessions. `begin` is `BEGIN` or a flavour's variant of it (SQLite's `BEGIN IMMEDIATE` takes
    /// the write lock up front, so a writer never fails half-way on a busy file). A failed
    /// `ROLLBACK` is not reported over the body's error: the connection drops the transaction when
    /// it is closed, and the body's error is the one the caller can act on.
    func transaction<T>(begin: SQLQueryString = "BEGIN", _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await raw(begin).run()
        do {
            let result = try await body(self)
            try await raw("COMMIT").run()
            return result
        } catch {
            try? await raw("ROLLBACK").run()
            throw error
        }
    }
}
