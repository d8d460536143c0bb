/// Who is asking: the credential behind a request, or keyward itself.
///
/// The audit log records `id` as the actor of every change it makes.
public struct Principal: Sendable, Equatable {
    /// `key_…` for a credential, or a fixed name (`bootstrap`, `cli`, `system`).
    public var id: String
    public var scopes: [String]
    /// The network address the request came from, when there was one.
    public var address: String?

    public init(id: String, scopes: [String], address: String? = nil) {
        self.id = id
        self.scopes = scopes
        self.address = address
    }

    /// keyward acting on its own behalf (bootstrap, schedulers, local CLI on the database file).
    public static func system(_ name: String) -> Principal { Principal(id: name, scopes: [Scope.admin]) }

    public func has(_ scope: String) -> Bool {
        scopes.contains { Scope.grants(Array($0.utf8), Array(scope.utf8)) }
    }

    public var isAdmin: Bool { scopes.contains(Scope.admin) }

    /// Keys that carry `keyward:` scopes are keyward's own credentials: only an administrator may
    /// mint, rotate, disable or revoke them, so that a write credential cannot escalate itself or
    /// lock the administrators out.
    public func checkMayManage(scopes keyScopes: [String], action: String) throws {
        guard !isAdmin, keyScopes.contains(where: { $0.hasPrefix("keyward:") }) else { return }
        throw KeywardError.forbidden("\(action) a key with keyward: scopes requires the keyward:admin scope")
    }
}
