import KeywardCore

/// What a node hears about key changes made by other nodes (or other processes on the same file).
public enum KeyChangeEvent: Sendable {
    /// These keys changed; the records are as committed.
    case changed([KeyRecord])
    /// The feed was lost: changes may be missed until ``resynchronised``.
    case lost(String)
    /// The feed is back and every key must be re-read before the index is trusted again.
    case resynchronise
}

/// A source of ``KeyChangeEvent``s for one node's verify index.
///
/// PostgreSQL: `LISTEN`/`NOTIFY` (``PostgresKeyChangeFeed``), pushed at commit. SQLite: the file's
/// `data_version` polled a few times a second (``SQLiteKeyChangeFeed``), which changes only when
/// another connection — another process such as `keyward scan --revoke --db` — commits.
public protocol KeyChangeFeed: Sendable {
    /// Runs until cancelled, calling `handle` for each event in order.
    func run(_ handle: @escaping @Sendable (KeyChangeEvent) async -> Void) async
}
