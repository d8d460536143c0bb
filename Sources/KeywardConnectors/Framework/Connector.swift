import KeywardCore

/// A live link to one provider account: it reads the provider's external keys and, when its
/// declaration allows, deactivates or deletes them there.
///
/// ## The contract
///
/// A connector only talks to its provider. It never writes the inventory, the audit log or
/// findings: ``ConnectorService`` does that, the same way for every kind, so that a sync writes
/// records exactly as the file importers do.
///
/// - ``snapshot()`` reads *everything* the account holds (every page of every list) and returns
///   it as ``ConnectorSnapshot/documents``: byte-for-byte documents in the shapes keyward's
///   importers already read (``KeywardImport/ImportKind``: the decoded `aws-credential-report`
///   CSV, `aws-access-keys` JSON, `gcp-keys`, `github-pats`, …), plus
///   ``ConnectorSnapshot/facts`` that only the API knows (last use, creator) keyed by the key's
///   external id. The importers give records their natural keys, so a key imported from a file
///   and later synced is one record; a key no longer listed becomes `disappeared`; findings and
///   policy are re-evaluated as after an import.
/// - If any request fails for good (after ``ConnectorHTTP``'s retries), `snapshot()` throws
///   ``ConnectorError``: a partial read must never be written, because whatever it missed would
///   be marked disappeared. The previous inventory stays and the sync reports what failed.
/// - ``remediate(_:)`` carries out one ``RemediationRequest`` and answers what the provider
///   said (``RemediationAnswer``). A provider's refusal (403, key unknown…) is an *answer*
///   (`.refused`), not a thrown error; throw only when no answer could be had (network,
///   throttling beyond the retries). The service has already checked the declaration's
///   `actions`; a connector need not check them again.
/// - ``createCanary()`` / ``state(of:)`` / ``discardCanary(_:)`` serve the deactivation drill;
///   a provider that cannot create keys (Anthropic's Admin API) keeps the default, which throws
///   ``ConnectorError/unsupported(_:)``.
/// - Secrets: the connector's own credential and any key material a provider returns (AWS
///   `CreateAccessKey`'s secret) never leave the connector — not in errors, logs, documents or
///   answers.
///
/// A connector is built per use by ``ConnectorRegistry`` from its ``ConnectorContext``; it may
/// keep state (a cached OAuth token) for the life of that value only.
public protocol Connector: Sendable {
    var declaration: ConnectorDeclaration { get }

    /// Everything the provider account holds, read to the end.
    func snapshot() async throws -> ConnectorSnapshot

    /// Carries out `request` at the provider.
    func remediate(_ request: RemediationRequest) async throws -> RemediationAnswer

    /// Creates a key at the provider to be deactivated by a drill; its secret is dropped at once.
    func createCanary() async throws -> ExternalKeyReference

    /// What the provider says of the key now.
    func state(of key: ExternalKeyReference) async throws -> ExternalKeyState

    /// Removes a canary after its drill (best effort; the drill reports a failure but goes on).
    func discardCanary(_ key: ExternalKeyReference) async throws
}

extension Connector {
    public func createCanary() async throws -> ExternalKeyReference {
        throw ConnectorError.unsupported("\(declaration.kind.rawValue) connectors cannot create keys for a drill")
    }

    public func state(of key: ExternalKeyReference) async throws -> ExternalKeyState {
        throw ConnectorError.unsupported("\(declaration.kind.rawValue) connectors cannot read one key's state")
    }

    public func discardCanary(_ key: ExternalKeyReference) async throws {
        throw ConnectorError.unsupported("\(declaration.kind.rawValue) connectors cannot delete keys")
    }
}
