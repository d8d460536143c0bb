import KeywardCore
import KeywardStore

/// What `owners offboard` did.
public struct OffboardingReport: Sendable {
    public var owner: OwnerEntry
    /// keyward keys it revoked.
    public var revokedKeys: [KeyRecord]
    /// `owner-offboarded` findings for the owner's live external credentials (a person must
    /// disable those at their provider).
    public var findings: [Finding]
    /// Credentials of the owner that were no longer live.
    public var alreadyInactive: [FindingSubject]
}

extension GovernanceService {
    public func owners(status: OwnerEntry.Status? = nil) async throws -> [OwnerEntry] {
        try await store.governanceRead { sql in try await sql.owners(status: status) }
    }

    public func owner(handle: String) async throws -> OwnerEntry {
        guard let entry = try await store.governanceRead({ sql in try await sql.owner(handle: handle) }) else {
            throw KeywardError.notFound(GivenIdentifier.ownerHandle.message(handle) { "no owner with \($0) in the registry" })
        }
        return entry
    }

    /// Registers a new owner; a handle already registered (in any case) is a conflict.
    public func addOwner(_ entry: OwnerEntry, by principal: Principal) async throws -> OwnerEntry {
        try Self.validate(entry)
        let now = clock.now()
        try await store.governanceWrite { sql in
            if let existing = try await sql.owner(handle: entry.handle) {
                throw KeywardError.conflict("owner \"\(existing.handle)\" is already registered; update it instead")
            }
            try Self.checkAliases(entry, against: try await sql.owners())
            try await sql.saveOwner(entry, at: now)
            try await sql.audit([Self.ownerEvent("owner.created", entry, by: principal)], at: now)
        }
        changes.signal()
        return entry
    }

    public func updateOwner(handle: String, _ update: OwnerUpdate, by principal: Principal) async throws -> OwnerEntry {
        let now = clock.now()
        let updated = try await store.governanceWrite { sql -> OwnerEntry in
            guard var entry = try await sql.owner(handle: handle) else {
                throw KeywardError.notFound(GivenIdentifier.ownerHandle.message(handle) { "no owner with \($0) in the registry" })
            }
            if let kind = update.kind { entry.kind = kind }
            if let name = update.displayName { entry.displayName = name.isEmpty ? nil : name }
            if let contact = update.contact { entry.contact = contact.isEmpty ? nil : contact }
            if let status = update.status {
                entry.status = status
                entry.departedAt = status == .departed ? (entry.departedAt ?? now) : nil
            }
            if let aliases = update.aliases { entry.aliases = aliases }
            try Self.validate(entry)
            try Self.checkAliases(entry, against: try await sql.owners())
            try await sql.saveOwner(entry, at: now)
            try await sql.audit([Self.ownerEvent("owner.updated", entry, by: principal)], at: now)
            return entry
        }
        changes.signal()
        return updated
    }

    /// Marks an owner departed without revoking anything (their credentials become
    /// `owner-departed` findings at the next evaluation); `offboard` also revokes.
    public func depart(handle: String, by principal: Principal) async throws -> OwnerEntry {
        try await updateOwner(handle: handle, OwnerUpdate(status: .departed), by: principal)
    }

    /// Offboards an owner (OWASP NHI1): revokes their keyward keys through the key service,
    /// raises an `owner-offboarded` finding for each of their live external credentials, and
    /// marks them departed (registering them if they were not), with one audit event for the
    /// whole and one per revoked key. Running it again revokes what was issued since and
    /// resolves findings whose credentials are gone.
    public func offboard(handle: String, reason: String?, by principal: Principal) async throws -> OffboardingReport {
        try RecordLimits.checkText(handle, field: "owner", maximum: RecordLimits.maximumOwnerLength)
        if let reason { try RecordLimits.checkText(reason, field: "reason", maximum: RecordLimits.maximumReasonLength) }
        let report = try await serial.withLock {
            let now = clock.now()
            let aliases = try await store.governanceRead { sql in try await sql.owner(handle: handle) }?.aliases ?? []
            let (keyRecords, records) = try await ownedCredentials(handle, aliases: aliases)
            let items = keyRecords.map { InventoryItem(key: $0, now: now) } + records.map { InventoryItem(record: $0, now: now) }
            let plan = OffboardingPlan(owner: handle, aliases: aliases, items: items, now: now)
            // The key service matches the owner in any case, as the plan did.
            let revoked = plan.keysToRevoke.isEmpty
                ? [] : try await keys.revokeAll(owner: handle, reason: reason ?? "owner \(handle) offboarded", by: principal)
            let (entry, findings) = try await store.governanceWrite { sql -> (OwnerEntry, [Finding]) in
                let previous = try await sql.findings(rule: OffboardingPlan.rule, owner: handle)
                let reconciled = FindingReconciler.reconcile(previous: previous, evaluated: plan.findings, now: now)
                try await sql.upsertFindings(reconciled.findings, source: .offboarding, at: now)
                try await sql.appendTransitions(reconciled.transitions, actor: principal.id)
                var entry = try await sql.owner(handle: handle) ?? OwnerEntry(handle: handle, kind: .person)
                entry.status = .departed
                entry.departedAt = entry.departedAt ?? now
                try await sql.saveOwner(entry, at: now)
                var details: [String: JSONValue] = [
                    "revoked_keys": .number(Double(revoked.count)), "findings": .number(Double(plan.findings.count)),
                    "already_inactive": .number(Double(plan.alreadyInactive.count)),
                ]
                if let reason { details["reason"] = .string(reason) }
                if let address = principal.address { details["source_address"] = .string(address) }
                try await sql.audit([AuditDraft(actor: principal.id, action: "owner.offboarded", subjectKind: "owner", subjectID: entry.handle,
                                                details: details)], at: now)
                // The plan's findings as stored now: rewritten ones from the reconciliation, the rest as they were.
                var stored = Dictionary(previous.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for finding in reconciled.findings { stored[finding.id] = finding }
                return (entry, plan.findings.compactMap { stored[$0.id] })
            }
            return OffboardingReport(owner: entry, revokedKeys: revoked, findings: findings, alreadyInactive: plan.alreadyInactive)
        }
        changes.signal()
        return report
    }

    /// Every keyward key whose owner is `handle`, and every external record whose owner is
    /// `handle` or whose identity is one of `aliases`, in any case.
    private func ownedCredentials(_ handle: String, aliases: [String]) async throws -> (keys: [KeyRecord], records: [InventoryRecord]) {
        var keys: [KeyRecord] = []
        var filter = InventoryFilter(provider: .keyward, owner: handle, limit: InventoryFilter.maximumLimit)
        repeat {
            let page = try await store.inventoryPage(filter, now: clock.now())
            for case .key(let record) in page.entries { keys.append(record) }
            filter.cursor = page.nextCursor
        } while filter.cursor != nil
        let records = try await store.governanceRead { sql -> [InventoryRecord] in
            var records = try await sql.records(owner: handle)
            guard !aliases.isEmpty else { return records }
            // Identities are compared folded in Swift (as owners are), over the inventory's pages:
            // offboarding is rare, and SQL's LOWER folds ASCII only on SQLite.
            let wanted = Set(aliases.map(OwnerHandle.folded))
            var seen = Set(records.map(\.id))
            try await sql.forEachRecordPage { page in
                for record in page where record.identity.map({ wanted.contains(OwnerHandle.folded($0)) }) == true && seen.insert(record.id).inserted {
                    records.append(record)
                }
            }
            return records
        }
        return (keys, records)
    }

    static func validate(_ entry: OwnerEntry) throws {
        try RecordLimits.checkText(entry.handle, field: "handle", maximum: RecordLimits.maximumOwnerLength)
        if let name = entry.displayName { try RecordLimits.checkText(name, field: "display_name", maximum: 256) }
        if let contact = entry.contact { try RecordLimits.checkText(contact, field: "contact", maximum: 256) }
        guard entry.aliases.count <= OwnerEntry.maximumAliases else {
            throw KeywardError.invalidArgument("an owner has at most \(OwnerEntry.maximumAliases) aliases, got \(entry.aliases.count)")
        }
        for alias in entry.aliases { try RecordLimits.checkText(alias, field: "alias", maximum: 256) }
    }

    /// An alias names one owner: not twice, and not one another owner already has as handle or
    /// alias (any case), or "whose credential is this" would have two answers.
    static func checkAliases(_ entry: OwnerEntry, against owners: [OwnerEntry]) throws {
        var seen = Set<String>()
        for alias in entry.aliases where !seen.insert(OwnerHandle.folded(alias)).inserted {
            throw KeywardError.invalidArgument("alias \"\(alias)\" is listed twice")
        }
        for other in owners where !OwnerHandle.same(other.handle, entry.handle) {
            let taken = Set(([other.handle] + other.aliases).map(OwnerHandle.folded))
            if let clash = entry.aliases.first(where: { taken.contains(OwnerHandle.folded($0)) }) {
                throw KeywardError.conflict("\"\(clash)\" already names owner \"\(other.handle)\"")
            }
        }
    }

    static func ownerEvent(_ action: String, _ entry: OwnerEntry, by principal: Principal) -> AuditDraft {
        var details: [String: JSONValue] = ["kind": .string(entry.kind.rawValue), "status": .string(entry.status.rawValue)]
        if let name = entry.displayName { details["display_name"] = .string(name) }
        if let contact = entry.contact { details["contact"] = .string(contact) }
        if let address = principal.address { details["source_address"] = .string(address) }
        return AuditDraft(actor: principal.id, action: action, subjectKind: "owner", subjectID: entry.handle, details: details)
    }
}
