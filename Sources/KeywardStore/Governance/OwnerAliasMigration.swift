import SQLKit

/// `owners.aliases`: an owner's identities in other systems (``KeywardCore/OwnerEntry/aliases``),
/// a JSON list read with the registry, which is small and read whole.
enum OwnerAliasMigration {
    static let migration = Migration(version: 48, name: "owners: aliases (identities in other systems)") { _ in
        ["ALTER TABLE owners ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]'"]
    }
}
