import KeywardCore
import SQLKit

extension GovernanceSQL {
    /// Inserts or replaces records by `natural_key` (unique), in batches.
    public func upsertRecords(_ records: [InventoryRecord], at now: Timestamp) async throws {
        let assignments = InventoryRow.updatable.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try await batched(records) { batch in
            let rows = batch.map { InventoryRow.values($0, at: now) }
            return "INSERT INTO inventory_records (\(unsafeRaw: InventoryRow.columns)) VALUES \(rows.joined(separator: ", ")) ON CONFLICT (natural_key) DO UPDATE SET \(unsafeRaw: assignments)"
        }
    }

    /// Records an import listed without changing them: only `last_seen_at` moves.
    public func touchRecords(naturalKeys: [String], at now: Timestamp) async throws {
        let at = now.millisecondsSinceEpoch
        try await batched(naturalKeys) { batch in
            let keys: [SQLQueryString] = batch.map { "\(bind: $0)" }
            return "UPDATE inventory_records SET last_seen_at = \(bind: at) WHERE natural_key IN (\(keys.joined(separator: ", ")))"
        }
    }

    /// Every record, or those of some providers, in pages of `pageSize` rows (the result of a
    /// million-row inventory is built without one giant statement result).
    public func records(providers: Set<InventoryProvider>? = nil, pageSize: Int = 10_000) async throws -> [InventoryRecord] {
        var result: [InventoryRecord] = []
        try await forEachRecordPage(providers: providers, pageSize: pageSize) { result.append(contentsOf: $0) }
        return result
    }

    public func forEachRecordPage(providers: Set<InventoryProvider>? = nil, pageSize: Int = 10_000,
                                  _ body: ([InventoryRecord]) throws -> Void) async throws {
        var after: Int64 = 0
        var providerCondition: SQLQueryString = ""
        if let providers {
            guard !providers.isEmpty else { return }
            let list: [SQLQueryString] = providers.sorted().map { "\(bind: $0.rawValue)" }
            providerCondition = " AND provider IN (\(list.joined(separator: ", ")))"
        }
        while true {
            let rows = try await db.raw("""
                SELECT seq, \(unsafeRaw: InventoryRow.columns) FROM inventory_records WHERE seq > \(bind: after)\(providerCondition) \
                ORDER BY seq LIMIT \(bind: pageSize)
                """).all()
            guard let last = rows.last else { return }
            after = try last.integer("seq")
            try body(try rows.map(InventoryRow.decode))
            if rows.count < pageSize { return }
        }
    }

    public func record(id: String) async throws -> InventoryRecord? {
        try await db.raw("SELECT \(unsafeRaw: InventoryRow.columns) FROM inventory_records WHERE id = \(bind: id)\(unsafeRaw: lockClause)")
            .first().map(InventoryRow.decode)
    }

    /// The records carrying any of these provider identifiers (AWS access key ids, GCP key
    /// names…), for linking a scanner's finding to its owner. Uses the `external_id` index.
    public func records(externalIDs: [String], provider: InventoryProvider? = nil) async throws -> [InventoryRecord] {
        var result: [InventoryRecord] = []
        for start in stride(from: 0, to: externalIDs.count, by: Self.batchSize) {
            let ids: [SQLQueryString] = externalIDs[start..<min(start + Self.batchSize, externalIDs.count)].map { "\(bind: $0)" }
            var query: SQLQueryString = "SELECT \(unsafeRaw: InventoryRow.columns) FROM inventory_records WHERE external_id IN (\(ids.joined(separator: ", ")))"
            if let provider { query = query + " AND provider = \(bind: provider.rawValue)" }
            result += try await db.raw(query + " ORDER BY seq").all().map(InventoryRow.decode)
        }
        return result
    }

    /// The records of one owner, matched case-insensitively.
    public func records(owner: String) async throws -> [InventoryRecord] {
        try await db.raw("SELECT \(unsafeRaw: InventoryRow.columns) FROM inventory_records WHERE \(OwnerColumn.matches(owner)) ORDER BY seq")
            .all().map(InventoryRow.decode)
    }

    /// Moves a record's review date forward (never back: an older attestation changes nothing).
    public func markReviewed(recordID: String, at time: Timestamp, now: Timestamp) async throws {
        let at = time.millisecondsSinceEpoch
        try await db.raw("""
            UPDATE inventory_records SET reviewed_at = \(bind: at), updated_at = \(bind: now.millisecondsSinceEpoch) \
            WHERE id = \(bind: recordID) AND (reviewed_at IS NULL OR reviewed_at < \(bind: at))
            """).run()
    }

    public func recordCount() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM inventory_records").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
