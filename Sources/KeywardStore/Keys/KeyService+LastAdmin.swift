import KeywardCore
import SQLKit

/// The last administrator stays: a change that would leave no live key carrying
/// `keyward:admin` is refused, so that nobody can lock everyone out of keyward by revoking or
/// disabling the last admin key — through the API, the dashboard, offboarding or an access review.
///
/// Live means what verification accepts: not revoked, not disabled, not expired (a rotating key
/// in its grace counts). The check runs inside the change's transaction, after its writes, and
/// only when the change took a live admin key out of service, so ordinary changes pay nothing.
/// The leak response does not ask: a leaked admin key must stop working even if it was the last
/// one; `keyward admin recover` then issues a new one on the database itself.
extension KeyService {
    /// True when `record` is a key verification accepts as an administrator at `now`.
    static func isLiveAdmin(_ record: KeyRecord, at now: Timestamp) -> Bool {
        guard record.scopes.contains(Scope.admin) else { return false }
        let status = record.status(at: now)
        return status == .active || status == .rotating
    }

    /// Throws a conflict when `before` held a live admin key that `after` no longer is, and no
    /// other live admin key remains in the database as this transaction sees it.
    ///
    /// On PostgreSQL two transactions could each take out one of the last two admin keys, each
    /// seeing the other's still live. Locking the one `audit_head` row first (every change
    /// appends to the audit log, so it takes that lock at its end anyway, after its key rows)
    /// makes the second wait for the first to commit, then count again and see it.
    static func refuseLosingTheLastAdmin(before: [KeyRecord], after: [KeyRecord], now: Timestamp,
                                         on db: any SQLDatabase, flavor: SQLFlavor) async throws {
        let kept = Set(after.filter { isLiveAdmin($0, at: now) }.map(\.id))
        let removed = before.filter { isLiveAdmin($0, at: now) && !kept.contains($0.id) }
        guard let first = removed.first else { return }
        if flavor == .postgres { try await db.raw("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE").run() }
        let at = now.millisecondsSinceEpoch
        let remaining = try await db.raw("""
            SELECT COUNT(*) AS n FROM keys WHERE scopes LIKE \(bind: "%\"\(Scope.admin)\"%") AND state <> 'revoked' AND disabled = 0 \
            AND (expires_at IS NULL OR expires_at > \(bind: at))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        guard remaining == 0 else { return }
        let what = removed.count == 1 ? "\(first.id) is" : "these keys include"
        throw KeywardError.conflict("""
            refused: \(what) the last active key with keyward:admin, and without one nobody could manage keyward. \
            Issue another admin key first (or, locked out, run `keyward admin recover` on the database).
            """)
    }
}
