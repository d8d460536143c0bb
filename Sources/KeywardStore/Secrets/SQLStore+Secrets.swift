import KeywardCore
import SQLKit

/// Secrets at rest. Webhook signing secrets are the only secrets keyward must store to use later
/// (a key is stored as its hash, a dashboard session as the hash of its token, and its CSRF
/// token is derived, not stored): each is sealed with AES-GCM under the master key, with the
/// column and row authenticated beside it, as `sealed:v1:<key id>:…` (``SealedSecret``).
extension SQLStore {
    /// What a webhook secret's seal is bound to: sealed for one subscription, it opens for no other.
    static func webhookSecretContext(_ subscriptionID: String) -> String { "webhook_subscriptions.secret:\(subscriptionID)" }

    /// Seals every secret still stored in plaintext (written before sealing existed), under the
    /// current key; run by every open after the migrations, so it finds nothing once done.
    @discardableResult
    public func sealPlaintextSecrets() async throws -> Int {
        let keyring = self.keyring
        return try await backend.write { db in
            let rows = try await db.raw("SELECT id, secret FROM webhook_subscriptions WHERE secret NOT LIKE 'sealed:%'").all()
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                let sealed = keyring.seal(try row.decode(column: "secret", as: String.self), context: Self.webhookSecretContext(id))
                try await db.raw("UPDATE webhook_subscriptions SET secret = \(bind: sealed) WHERE id = \(bind: id)").run()
            }
            return rows.count
        }
    }

    /// What ``resealSecrets(under:)`` did.
    public struct Resealing: Sendable, Equatable {
        /// Secrets sealed under the new key by this call.
        public var resealed = 0
        /// Secrets already sealed under it (a rotation run again after an interruption).
        public var alreadyCurrent = 0

        public init(resealed: Int = 0, alreadyCurrent: Int = 0) {
            self.resealed = resealed
            self.alreadyCurrent = alreadyCurrent
        }
    }

    /// Re-seals every stored secret under `newKeys.current`, opening each with this store's keys
    /// or the new ones, in one transaction (subscriptions are at most a hundred). Nodes that hold
    /// the new key as a second line of their key file go on opening both the old and the new
    /// form meanwhile, so deliveries never stop (docs/ARCHITECTURE.md, "Secrets at rest").
    ///
    /// - Throws: ``SealedSecretError`` naming the subscription when a secret opens under none of
    ///   the keys; nothing is changed then.
    public func resealSecrets(under newKeys: MasterKeyring) async throws -> Resealing {
        let opening = MasterKeyring(current: newKeys.current, previous: newKeys.previous + keyring.keys)
        return try await backend.write { db in
            var result = Resealing()
            for row in try await db.raw("SELECT id, secret FROM webhook_subscriptions").all() {
                let id = try row.decode(column: "id", as: String.self)
                let stored = try row.decode(column: "secret", as: String.self)
                if let sealed = try? SealedSecret(stored), sealed.keyID == newKeys.current.id {
                    result.alreadyCurrent += 1
                    continue
                }
                let context = Self.webhookSecretContext(id)
                let plaintext: String
                do {
                    plaintext = SealedSecret.isSealed(stored) ? try opening.open(stored, context: context) : stored
                } catch {
                    throw SealedSecretError("webhook \(id): \(error)")
                }
                try await db.raw("UPDATE webhook_subscriptions SET secret = \(bind: newKeys.seal(plaintext, context: context)) WHERE id = \(bind: id)").run()
                result.resealed += 1
            }
            return result
        }
    }
}
