import SQLKit

/// The dashboard's sessions (issue 7), and the indexes that let the overview count a large
/// inventory without reading its rows.
///
/// A session row never holds the session token itself, only its SHA-256: someone who reads the
/// database cannot ride a session. It names the credential that signed in (id and hash, so each
/// request can check that key in the verify index) and its scopes at sign-in.
enum DashboardMigration {
    static let migration = Migration(version: 40, name: "dashboard sessions and overview indexes") { flavor in
        [
            """
            CREATE TABLE dashboard_sessions (
                token_hash TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                key_hash TEXT NOT NULL,
                scopes TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at)",
            "CREATE INDEX audit_action ON audit_events (action, seq)",
            // The overview counts keys from these narrow indexes instead of the wide rows (status
            // by environment in index order; ages and expiries as index ranges), finds reviewed
            // keys through the expression index, and counts and lists findings per rule from the
            // last one without touching the table.
            "CREATE INDEX dashboard_keys_status ON keys (state, disabled, environment)",
            "CREATE INDEX dashboard_keys_age ON keys (state, disabled, created_at, expires_at)",
            "CREATE INDEX dashboard_keys_expiry ON keys (expires_at, state, disabled, environment)",
            flavor == .postgres
                ? "CREATE INDEX dashboard_keys_reviewed ON keys (((meta::jsonb) ->> 'reviewed_at'))"
                : "CREATE INDEX dashboard_keys_reviewed ON keys (json_extract(meta, '$.reviewed_at'))",
            "CREATE INDEX dashboard_findings_rule ON findings (rule, state, severity_rank, seq)",
        ]
    }
}
