import SQLKit

/// Usage monitoring tables (versions 21–29 belong to usage monitoring).
///
/// Every count is merged additively (`count = count + excluded.count`), so nodes flushing the
/// same key and hour never overwrite each other.
enum UsageMigration {
    static let migration = Migration(version: 21, name: "usage monitoring: hourly counts, callers, guesses") { _ in
        [
            """
            CREATE TABLE usage_hourly (
                key_id TEXT NOT NULL,
                hour BIGINT NOT NULL,
                code TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (key_id, hour, code)
            )
            """,
            "CREATE INDEX usage_hourly_hour ON usage_hourly (hour)",
            """
            CREATE TABLE usage_callers (
                key_id TEXT NOT NULL,
                caller_id TEXT NOT NULL,
                address TEXT,
                network TEXT,
                label TEXT,
                agent TEXT,
                environment TEXT,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                count BIGINT NOT NULL,
                valid_count BIGINT NOT NULL,
                PRIMARY KEY (key_id, caller_id)
            )
            """,
            "CREATE INDEX usage_callers_seen ON usage_callers (key_id, last_seen)",
            "CREATE INDEX usage_callers_last_seen ON usage_callers (last_seen)",
            // Verifications whose caller did not fit the bounded caller tables.
            "CREATE TABLE usage_caller_overflow (key_id TEXT PRIMARY KEY, count BIGINT NOT NULL)",
            """
            CREATE TABLE usage_guesses (
                source TEXT NOT NULL,
                hour BIGINT NOT NULL,
                not_found BIGINT NOT NULL,
                malformed BIGINT NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                PRIMARY KEY (source, hour)
            )
            """,
            "CREATE INDEX usage_guesses_hour ON usage_guesses (hour)",
        ]
    }
}
