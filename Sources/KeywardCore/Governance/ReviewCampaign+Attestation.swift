extension ReviewCampaign {
    /// Records an owner's answer. Only the credential's owner may answer unless
    /// `asAdministrator` (an admin answering for an ownerless or departed owner's key). `keep`
    /// needs a justification: evidence that says only "keep" proves nothing. A later answer
    /// replaces an earlier one while the campaign is open.
    public mutating func attest(subjectID: String, decision: Attestation.Decision, justification: String?,
                                by attester: String, asAdministrator: Bool = false, at now: Timestamp) throws {
        guard status == .open else {
            throw KeywardError.conflict("review campaign \(id) is closed; answers can no longer change")
        }
        guard let index = items.firstIndex(where: { $0.subject.id == subjectID || $0.subject.externalID == subjectID }) else {
            throw KeywardError.notFound(GivenIdentifier.subject.message(subjectID) { "the credential with \($0) is not part of review campaign \(id)" })
        }
        let owner = items[index].subject.owner
        guard asAdministrator || OwnerHandle.same(owner, attester) else {
            throw KeywardError.forbidden("\(subjectID) belongs to \(owner ?? "no owner"); only its owner (or an administrator) can answer for it")
        }
        let reason = justification?.trimmingSpaces
        if decision == .keep && (reason ?? "").isEmpty {
            throw KeywardError.invalidArgument("keeping \(subjectID) needs a justification: say why it is still needed")
        }
        items[index].attestation = Attestation(decision: decision, justification: reason, attestedBy: attester, attestedAt: now)
    }

    /// Revoke answers not yet carried out.
    public var pendingRevocations: [ReviewItem] {
        items.filter { $0.attestation?.decision == .revoke && $0.attestation?.carriedOutAt == nil }
    }

    /// Marks a revoke answer as carried out (keyward revoked the key, or a person confirmed the
    /// external one is disabled).
    public mutating func markRevoked(subjectID: String, at now: Timestamp) throws {
        guard let index = items.firstIndex(where: { $0.subject.id == subjectID }),
              items[index].attestation?.decision == .revoke else {
            throw KeywardError.notFound(GivenIdentifier.subject.message(subjectID) { "the credential with \($0) has no revoke answer in review campaign \(id)" })
        }
        items[index].attestation?.carriedOutAt = now
    }

    /// Subjects whose owners answered keep, with the time: the store sets their `reviewed_at`.
    public var keptSubjects: [(subject: FindingSubject, reviewedAt: Timestamp)] {
        items.compactMap { item in
            guard let attestation = item.attestation, attestation.decision == .keep else { return nil }
            return (item.subject, attestation.attestedAt)
        }
    }

    /// Closes the campaign; unanswered items stay unanswered in the evidence.
    public mutating func close(at now: Timestamp) {
        status = .closed
        closedAt = now
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation in Core).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
