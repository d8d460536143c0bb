import KeywardCore
import SQLKit

/// ``KeywardCore/OwnerHandle``'s rule in SQL: every table that stores an owner (`keys`,
/// `inventory_records`, `findings`) keeps it folded beside it in `owner_folded`, written from
/// `OwnerHandle.folded`, and every owner filter compares that column. (Folding in SQL with
/// `LOWER` would differ from Swift's folding for letters beyond ASCII on SQLite.)
enum OwnerColumn {
    /// `owner_folded = <folded owner>`.
    static func matches(_ owner: String) -> SQLQueryString {
        "owner_folded = \(bind: OwnerHandle.folded(owner))"
    }

    /// The value written to `owner_folded`.
    static func folded(_ owner: String?) -> String? {
        owner.map(OwnerHandle.folded)
    }
}
