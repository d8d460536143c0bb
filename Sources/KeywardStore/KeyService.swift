import KeywardCore
import Logging
import SQLKit

/// The key life-cycle as a service: each operation reads, applies the rules of
/// ``KeywardCore/KeyLifecycle``, writes the records and their audit events in one transaction,
/// and then reports the changed records to `onChange` (the verify index, the change feed).
///
/// `onChange` runs after commit: a change is never visible to verification before it is durable.
public final class KeyService: Sendable {
    public let store: SQLStore
    public let lifecycle: KeyLifecycle
    public let clock: any WallClock
    /// Internal rather than private so the leak response (KeyService+Leaks) reports its revocations too.
    let onChange: @Sendable ([KeyRecord]) -> Void
    /// New keys are group-committed: issues that arrive while a write is running share the next
    /// transaction (one multi-row INSERT, one audit append). An issue reads nothing (its rules were
    /// applied before it got here), so sharing a transaction changes nothing any of them means.
    private let issues: GroupCommit<(record: KeyRecord, audit: AuditDraft), Void>
    /// Rows per INSERT statement, well under both databases' bind-parameter limits (23 per row).
    static let issuesPerTransaction = 400

    public init(store: SQLStore, lifecycle: KeyLifecycle, clock: any WallClock, onChange: @escaping @Sendable ([KeyRecord]) -> Void) {
        self.store = store
        self.lifecycle = lifecycle
        self.clock = clock
        self.onChange = onChange
        let flavor = store.backend.flavor
        issues = GroupCommit(capacity: Self.issuesPerTransaction) { [store, clock] items in
            try await store.backend.write { db in
                try await KeyRow.insert(items.map(\.record), on: db)
                _ = try await SQLStore.appendAudit(items.map(\.audit), at: clock.now(), on: db, flavor: flavor)
                try await SQLStore.publishKeyChanges(items.map(\.record.id), on: db, flavor: flavor)
            }
            return items.map { _ in () }
        }
    }

    private var flavor: SQLFlavor { store.backend.flavor }

    // MARK: issue

    public func issue(_ request: IssueRequest, by principal: Principal) async throws -> KeyLifecycle.Issued {
        let now = clock.now()
        let issued = try lifecycle.issue(request, now: now)
        try principal.checkMayManage(scopes: issued.record.scopes, action: "issuing")
        try await issues.submit((issued.record, Self.created(issued.record, by: principal)))
        onChange([issued.record])
        return issued
    }

    static func created(_ record: KeyRecord, by principal: Principal, action: String = "key.created") -> AuditDraft {
        var details: [String: JSONValue] = [
            "name": .string(record.name), "owner": .string(record.owner), "environment": .string(record.environment),
            "scopes": .array(record.scopes.map(JSONValue.string)), "start": .string(record.redacted),
        ]
        if let expiresAt = record.expiresAt { details["expires_at"] = .string(expiresAt.iso8601) }
        if let address = principal.address { details["source_address"] = .string(address) }
        return AuditDraft(actor: principal.id, action: action, subjectKind: "key", subjectID: record.id.description, details: details)
    }

    /// The administrator keys keyward issues itself say what they are for, so that governance
    /// does not ask a new installation for the purpose of its own bootstrap key.
    static func administratorRequest(name: String, purpose: String) -> IssueRequest {
        var request = IssueRequest(name: name, owner: "keyward-admin", scopes: [Scope.admin])
        request.meta = [InventoryItem.MetaKey.purpose: .string(purpose)]
        return request
    }

    /// Creates the first administrator key of a new database. Returns nil when the database was
    /// bootstrapped before: the bootstrap key is shown once, ever.
    public func bootstrapAdmin() async throws -> PlaintextKey? {
        let now = clock.now()
        let issued = try lifecycle.issue(Self.administratorRequest(name: "bootstrap admin", purpose: "bootstrap administrator key: issue named admin keys, then revoke it"), now: now)
        let flavor = self.flavor
        let record = issued.record
        let created = try await store.backend.write { db -> Bool in
            guard try await SQLStore.setting("bootstrapped_at", on: db) == nil else { return false }
            try await SQLStore.setSetting("bootstrapped_at", now.iso8601, on: db)
            try await KeyRow.insert(record, on: db)
            _ = try await SQLStore.appendAudit(
                [Self.created(record, by: .system("bootstrap"), action: "admin.bootstrapped")], at: now, on: db, flavor: flavor
            )
            try await SQLStore.publishKeyChanges([record.id], on: db, flavor: flavor)
            return true
        }
        guard created else { return nil }
        onChange([record])
        return issued.plaintext
    }

    /// Issues a new administrator key for a deployment that has none left (`keyward admin
    /// recover`, run with access to the database itself), audited as `admin.recovered` with the
    /// local user who ran it. Returns the plaintext, which exists nowhere else.
    public func recoverAdmin(localUser: String) async throws -> PlaintextKey {
        let issued = try lifecycle.issue(Self.administratorRequest(name: "recovered admin", purpose: "administrator key issued by keyward admin recover"), now: clock.now())
        var event = Self.created(issued.record, by: .system("admin-recover"), action: "admin.recovered")
        event.details["local_user"] = .string(localUser)
        try await issues.submit((issued.record, event))
        onChange([issued.record])
        return issued.plaintext
    }

    // MARK: change one key

    /// What one change to a key writes: updated and new records, and their audit events.
    struct Change<Value: Sendable>: Sendable {
        var updated: [KeyRecord] = []
        var inserted: [KeyRecord] = []
        var audit: [AuditDraft]
        var value: Value
    }

    /// Reads a key under the write lock, applies `change`, and writes the result with its audit
    /// events. `change` returns nil for "nothing to do" (idempotent operations), in which case
    /// the current record is returned unchanged.
    private func modify<Value: Sendable>(
        _ id: KeyID,
        _ change: @escaping @Sendable (KeyRecord, Timestamp) throws -> Change<Value>?
    ) async throws -> (current: KeyRecord, change: Change<Value>?) {
        let now = clock.now()
        let flavor = self.flavor
        let result = try await store.backend.write { db -> (KeyRecord, Change<Value>?) in
            guard let current = try await SQLStore.key(id: id, on: db, lock: true, flavor: flavor) else {
                throw KeywardError.notFound("no key with id \(id)")
            }
            guard let outcome = try change(current, now) else { return (current, nil) }
            for record in outcome.inserted { try await KeyRow.insert(record, on: db) }
            for record in outcome.updated { try await KeyRow.updateLifecycle(record, on: db) }
            try await Self.refuseLosingTheLastAdmin(before: [current], after: outcome.updated, now: now, on: db, flavor: flavor)
            _ = try await SQLStore.appendAudit(outcome.audit, at: now, on: db, flavor: flavor)
            try await SQLStore.publishKeyChanges((outcome.inserted + outcome.updated).map(\.id), on: db, flavor: flavor)
            return (current, outcome)
        }
        if let change = result.1 { onChange(change.inserted + change.updated) }
        return result
    }

    public func rotate(id: KeyID, graceSeconds: Int64?, by principal: Principal) async throws -> KeyLifecycle.Rotation {
        let lifecycle = self.lifecycle
        let result = try await modify(id) { current, now -> Change<KeyLifecycle.Rotation>? in
            try principal.checkMayManage(scopes: current.scopes, action: "rotating")
            let rotation = try lifecycle.rotate(current, graceSeconds: graceSeconds, now: now)
            var created = Self.created(rotation.successor.record, by: principal)
            created.details["rotated_from"] = .string(current.id.description)
            var rotated = AuditDraft(
                actor: principal.id, action: "key.rotated", subjectKind: "key", subjectID: current.id.description,
                details: [
                    "successor": .string(rotation.successor.record.id.description),
                    "grace_seconds": .number(Double(graceSeconds ?? KeyLifecycle.defaultGraceSeconds)),
                ]
            )
            if let end = rotation.retired.expiresAt { rotated.details["retires_at"] = .string(end.iso8601) }
            return Change(updated: [rotation.retired], inserted: [rotation.successor.record], audit: [created, rotated], value: rotation)
        }
        // rotate never answers "nothing to do": it throws or rotates.
        return result.change!.value
    }

    /// Revokes one key. Revoking a revoked key changes nothing and returns it as it is.
    public func revoke(id: KeyID, reason: String?, by principal: Principal, details: [String: JSONValue] = [:]) async throws -> KeyRecord {
        let lifecycle = self.lifecycle
        let result = try await modify(id) { current, now -> Change<KeyRecord>? in
            try principal.checkMayManage(scopes: current.scopes, action: "revoking")
            guard let revoked = try lifecycle.revoke(current, reason: reason, now: now) else { return nil }
            return Change(updated: [revoked], audit: [Self.revoked(revoked, by: principal, extra: details)], value: revoked)
        }
        return result.change?.value ?? result.current
    }

    static func revoked(_ record: KeyRecord, by principal: Principal, extra: [String: JSONValue] = [:]) -> AuditDraft {
        var details = extra
        details["owner"] = .string(record.owner)
        if let reason = record.revokeReason { details["reason"] = .string(reason) }
        if let address = principal.address { details["source_address"] = .string(address) }
        return AuditDraft(actor: principal.id, action: "key.revoked", subjectKind: "key", subjectID: record.id.description, details: details)
    }

    public func setDisabled(id: KeyID, _ disabled: Bool, by principal: Principal) async throws -> KeyRecord {
        let lifecycle = self.lifecycle
        let result = try await modify(id) { current, now -> Change<KeyRecord>? in
            try principal.checkMayManage(scopes: current.scopes, action: disabled ? "disabling" : "enabling")
            guard let changed = try lifecycle.setDisabled(current, disabled, now: now) else { return nil }
            var details: [String: JSONValue] = ["owner": .string(current.owner)]
            if let address = principal.address { details["source_address"] = .string(address) }
            let draft = AuditDraft(
                actor: principal.id, action: disabled ? "key.disabled" : "key.enabled", subjectKind: "key",
                subjectID: current.id.description, details: details
            )
            return Change(updated: [changed], audit: [draft], value: changed)
        }
        return result.change?.value ?? result.current
    }

    // MARK: bulk

    /// Revokes every unrevoked key of `owner` (in any case, ``KeywardCore/OwnerHandle``) in one
    /// transaction (offboarding). Returns the keys it revoked.
    public func revokeAll(owner: String, reason: String?, by principal: Principal) async throws -> [KeyRecord] {
        try RecordLimits.checkText(owner, field: "owner", maximum: RecordLimits.maximumOwnerLength)
        let now = clock.now()
        let lifecycle = self.lifecycle
        let flavor = self.flavor
        let revoked = try await store.backend.write { db -> [KeyRecord] in
            let current = try await SQLStore.unrevokedKeys(owner: owner, on: db, lock: flavor == .postgres)
            for record in current { try principal.checkMayManage(scopes: record.scopes, action: "revoking") }
            let revoked = try current.compactMap { try lifecycle.revoke($0, reason: reason, now: now) }
            guard !revoked.isEmpty else { return [] }
            // By id, not by owner: a key issued to this owner meanwhile is not revoked unaudited.
            for start in stride(from: 0, to: revoked.count, by: 500) {
                let ids = revoked[start..<min(start + 500, revoked.count)].map(\.id.description)
                var update: SQLQueryString = "UPDATE keys SET state = 'revoked', revoked_at = \(bind: now.millisecondsSinceEpoch), "
                update += "updated_at = \(bind: now.millisecondsSinceEpoch), revoke_reason = \(bind: reason) "
                update += "WHERE id IN (\(binds: ids))"
                try await db.raw(update).run()
            }
            try await Self.refuseLosingTheLastAdmin(before: current, after: revoked, now: now, on: db, flavor: flavor)
            var drafts = revoked.map { Self.revoked($0, by: principal, extra: ["bulk": "owner"]) }
            var summary = AuditDraft(
                actor: principal.id, action: "keys.revoked_by_owner", subjectKind: "owner", subjectID: owner,
                details: ["count": .number(Double(revoked.count))]
            )
            if let reason { summary.details["reason"] = .string(reason) }
            drafts.append(summary)
            _ = try await SQLStore.appendAudit(drafts, at: now, on: db, flavor: flavor)
            try await SQLStore.publishKeyChanges(revoked.map(\.id), on: db, flavor: flavor)
            return revoked
        }
        if !revoked.isEmpty { onChange(revoked) }
        return revoked
    }

    // MARK: read

    public func key(id: KeyID) async throws -> KeyRecord {
        guard let record = try await store.key(id: id) else { throw KeywardError.notFound("no key with id \(id)") }
        return record
    }

    public func list(_ filter: KeyFilter) async throws -> KeyPage {
        try await store.listKeys(filter, now: clock.now())
    }
}
