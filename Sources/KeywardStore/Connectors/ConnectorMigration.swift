import SQLKit

/// One row per connector: who is syncing it now (a lease, so that on PostgreSQL with several
/// nodes one node syncs at a time) and how its last sync ended. Version 60 leaves room below
/// for the migrations of other lanes.
enum ConnectorMigration {
    static let migration = Migration(version: 60, name: "connector syncs") { _ in
        [
            """
            CREATE TABLE connector_syncs (
                name TEXT PRIMARY KEY,
                holder TEXT,
                lease_until BIGINT NOT NULL,
                started_at BIGINT,
                finished_at BIGINT,
                succeeded_at BIGINT,
                outcome TEXT,
                requests BIGINT NOT NULL,
                summary TEXT NOT NULL
            )
            """,
        ]
    }
}
