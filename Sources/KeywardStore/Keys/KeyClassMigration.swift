import SQLKit

/// `keys.key_class` (``KeywardCore/KeyClass``): drill and canary keys kept apart from real ones.
///
/// The partial index holds only keys that are not `standard`, so issuing an ordinary key costs
/// nothing more, and the dashboard counts the few set-apart keys from it to subtract them from
/// its index-only counts of all keys.
enum KeyClassMigration {
    static let migration = Migration(version: 47, name: "keys: key_class, drill and canary keys set apart") { _ in
        [
            "ALTER TABLE keys ADD COLUMN key_class TEXT NOT NULL DEFAULT 'standard'",
            """
            CREATE INDEX keys_set_apart ON keys (key_class, state, disabled, environment, created_at, expires_at) \
            WHERE key_class <> 'standard'
            """,
        ]
    }
}
