import SQLKit

/// The dashboard's sessions (issue 7), and an index that lets the overview count leaked keys
/// from the audit log without reading the whole log.
///
/// A session row never holds the session token itself, only its SHA-256: someone who reads the
/// database cannot ride a session. It names the credential that signed in (id and hash, so each
/// request can check that key in the verify index) and its scopes at sign-in.
enum DashboardMigration {
    static let migration = Migration(version: 40, name: "dashboard sessions") { _ in
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
        ]
    }
}
