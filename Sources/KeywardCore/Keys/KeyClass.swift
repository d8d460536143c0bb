/// What a key is for, as far as counting it goes: a credential someone uses (`standard`), or
/// one keyward's own machinery issues to exercise itself and that must not be mistaken for a
/// real credential — the keys of revocation drills (`drill`) and planted canary keys
/// (`canary`). Keys of the other classes are left out of key lists, the inventory, the
/// dashboard's counts and charts, and policy evaluation, unless a filter asks for them
/// (`GET /v1/keys?class=drill`, `keyward keys list --class drill`).
///
/// A class hides a key from governance, so issuing one is bounded: a drill key lives at most
/// ``maximumDrillLifetimeSeconds`` and carries no `keyward:` scope.
public enum KeyClass: String, Sendable, Codable, CaseIterable {
    case standard, drill, canary

    /// One hour: a drill revokes its key within seconds; nothing that lasts can hide as one.
    public static let maximumDrillLifetimeSeconds: Int64 = 3600
}
