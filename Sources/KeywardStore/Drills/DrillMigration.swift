import SQLKit

/// The table of drill results. Its version leaves room below for the governance migrations.
enum DrillMigration {
    static let migration = Migration(version: 20, name: "revocation drills") { flavor in
        [
            """
            CREATE TABLE drills (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                finished_at BIGINT NOT NULL,
                passed INTEGER NOT NULL,
                result TEXT NOT NULL
            )
            """,
            "CREATE INDEX drills_started ON drills (started_at)",
        ]
    }
}
