/// The one rule for owner handles: they name a team or a person as people type them
/// (`Carol.Smith`, `carol.smith@example.com`) and are matched in any case, everywhere — bulk
/// revocation, offboarding, the key list's and the inventory's owner filters, the owner registry,
/// review answers. A bulk revocation that silently missed `Carol.Smith` because someone typed
/// `carol.smith` would leave a departed person's keys working.
public enum OwnerHandle {
    /// The form handles are compared in: Unicode lower case (`Carol.Smith` → `carol.smith`,
    /// `ÉLODIE` → `élodie`). The store keeps it beside every owner it stores (`owner_folded`) and
    /// compares that column, so SQL and Swift agree whatever a database's own `LOWER` does with
    /// letters beyond ASCII (SQLite's folds ASCII only).
    public static func folded(_ handle: some StringProtocol) -> String {
        handle.lowercased()
    }

    /// True when both name the same owner.
    public static func same(_ handle: String?, _ other: String) -> Bool {
        handle.map(folded) == folded(other)
    }
}
