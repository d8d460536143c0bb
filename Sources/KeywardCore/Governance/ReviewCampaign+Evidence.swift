extension ReviewCampaign {
    /// The campaign as an auditor receives it: every item with its answer, the totals, and a
    /// SHA-256 digest over the canonical JSON of the rest, so a copy can be checked for edits.
    ///
    /// Built as ``JSONValue`` and hashed over its canonical form (sorted keys, no whitespace), the
    /// same canonicalisation the audit chain uses, so the digest does not depend on the encoder.
    public func evidence(exportedAt now: Timestamp) -> JSONValue {
        func time(_ value: Timestamp?) -> JSONValue { value.map { .string($0.iso8601) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        let progress = self.progress
        let entries: [JSONValue] = items.map { item in
            let answer = item.attestation
            return .object([
                "subject_kind": .string(item.subject.kind.rawValue), "subject_id": .string(item.subject.id),
                "provider": .string(item.subject.provider.rawValue), "external_id": text(item.subject.externalID),
                "identity": text(item.subject.identity), "owner": text(item.subject.owner), "name": text(item.name),
                "environments": .array(item.environments.map { .string($0) }), "scopes": .array(item.scopes.map { .string($0) }),
                "decision": text(answer?.decision.rawValue), "justification": text(answer?.justification),
                "attested_by": text(answer?.attestedBy), "attested_at": time(answer?.attestedAt),
                "carried_out_at": time(answer?.carriedOutAt),
            ])
        }
        let body: JSONValue = .object([
            "campaign": .object([
                "id": .string(id), "name": .string(name), "scope": .string(scope), "started_by": .string(startedBy),
                "started_at": time(startedAt), "due_at": time(dueAt), "status": .string(status.rawValue), "closed_at": time(closedAt),
            ]),
            "summary": .object([
                "total": .number(Double(progress.total)), "kept": .number(Double(progress.kept)),
                "revoked": .number(Double(progress.revoked)), "unanswered": .number(Double(progress.unanswered)),
                "revocations_pending": .number(Double(pendingRevocations.count)),
            ]),
            "items": .array(entries),
            "exported_at": time(now),
        ])
        let digest = StableIdentifier.sha256Hex(Array(body.canonicalJSON.utf8))
        guard case .object(var members) = body else { return body }
        members["sha256"] = .string(digest)
        return .object(members)
    }
}
