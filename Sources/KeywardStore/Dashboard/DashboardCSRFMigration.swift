import SQLKit

/// Dashboard CSRF tokens are derived from the master key and the session
/// (`DashboardSessions.csrfToken(for:keyring:)` in KeywardServer), no longer stored: the column
/// that held them in plaintext goes (SQLite has had `DROP COLUMN` since 3.35).
enum DashboardCSRFMigration {
    static let migration = Migration(version: 49, name: "dashboard sessions: CSRF tokens derived, not stored") { _ in
        ["ALTER TABLE dashboard_sessions DROP COLUMN csrf_token"]
    }
}
