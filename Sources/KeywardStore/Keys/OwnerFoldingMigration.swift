import KeywardCore
import SQLKit

/// `keys.owner_folded`: the owner as ``OwnerColumn`` compares it, so that bulk revocation, the
/// key list's owner filter, the inventory and the dashboard match a key's owner in any case, as
/// they already matched the owners of imported records and findings. Existing rows are filled
/// per distinct owner (owners are far fewer than keys), through the exact-case index, which then
/// goes: nothing filters on the owner as typed any more.
enum OwnerFoldingMigration {
    static let migration = Migration(version: 46, name: "keys: owner_folded, owners matched in any case", fill: { db in
        let owners = try await db.raw("SELECT DISTINCT owner FROM keys").all().map { try $0.decode(column: "owner", as: String.self) }
        for owner in owners {
            try await db.raw("UPDATE keys SET owner_folded = \(bind: OwnerHandle.folded(owner)) WHERE owner = \(bind: owner)").run()
        }
        try await db.raw("DROP INDEX keys_owner").run()
    }) { _ in
        [
            "ALTER TABLE keys ADD COLUMN owner_folded TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX keys_owner_folded ON keys (owner_folded, seq)",
        ]
    }
}
