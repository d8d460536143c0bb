import KeywardCore
import KeywardStore

/// What a node answers while its index may be stale: fail closed.
///
/// While the change feed is down (or the index is being re-read), a refusal from the index still
/// stands — a stale index can only be missing revocations, never missing a reason to refuse that
/// the database does not also have — but a VALID answer is confirmed against the store before it
/// is given. If the store cannot be reached either, the request fails with 503: a client of
/// keyward must treat that as "not verified".
struct IndexConfirmation: Sendable {
    let verifier: Verifier
    let store: SQLStore
    /// How long a confirmation may wait for the database before the answer is 503.
    static let deadline: Duration = .milliseconds(750)

    func confirm(_ outcome: Verifier.Outcome) async throws -> Verifier.Outcome {
        guard outcome.code == .valid, !verifier.indexIsCurrent, let key = outcome.key else { return outcome }
        let record: KeyRecord?
        let store = self.store
        do {
            record = try await withDeadline(Self.deadline) { try await store.key(hash: key.hash) }
        } catch {
            throw APIError(.serviceUnavailable, code: "unavailable", message: "key state cannot be confirmed: the change feed and the database are unreachable; retry")
        }
        guard let record else { return Verifier.Outcome(code: .notFound, key: nil, checkedAt: outcome.checkedAt) }
        verifier.index.upsert(record, now: outcome.checkedAt)
        let code: VerificationCode
        switch record.status(at: outcome.checkedAt) {
        case .active, .rotating: code = .valid
        case .expired: code = .expired
        case .revoked: code = .revoked
        case .disabled: code = .disabled
        }
        return Verifier.Outcome(code: code, key: key, checkedAt: outcome.checkedAt)
    }
}
