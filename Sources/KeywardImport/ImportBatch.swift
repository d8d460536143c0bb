import KeywardCore

/// Bytes an importer reads as if from a file named `name`: how a connector hands what it read at
/// a provider to the importers (``Importer/run(documents:existing:now:options:adjust:)``).
public struct ImportDocument: Sendable {
    public var kind: ImportKind
    public var name: String
    public var bytes: [UInt8]

    public init(kind: ImportKind, name: String, bytes: [UInt8]) {
        self.kind = kind
        self.name = name
        self.bytes = bytes
    }
}

/// Several documents imported as one change: what a connector's sync writes.
public struct ImportBatchResult: Sendable {
    /// One per document, in order (counts and rejections as a file import of it would report).
    public var results: [ImportResult]
    /// Records to write: every record some document created, updated or marked disappeared, in
    /// its final state, plus those `adjust` changed.
    public var records: [InventoryRecord]
    /// Listed records that nothing changed (to bump `last_seen_at`).
    public var unchangedKeys: [String]
    /// The batch's net effect on the inventory it was given (two documents that each rewrite a
    /// field the other set, as the credential report and `list-access-keys` do with a key's
    /// name, leave a record unchanged overall).
    public var created: Int
    public var updated: Int
    public var disappeared: Int
    public var rejected: Int { results.reduce(0) { $0 + $1.summary.rejected } }

    /// Whether a stored finding is replaced by the batch's findings (any document's scope).
    public func isInFindingScope(_ finding: Finding) -> Bool {
        results.contains { $0.isInFindingScope(finding) }
    }

    /// Every document's own findings.
    public var findings: [Finding] { results.flatMap(\.findings) }
}

extension Importer {
    /// Imports `documents` in order, each merged into the inventory the previous ones left, so
    /// two documents that describe the same keys (an AWS credential report and
    /// `list-access-keys`) join as they do when a person imports both files. Then `adjust` is
    /// applied to every record a document listed and did not mark disappeared (a connector lays
    /// the API's facts over them).
    public static func run(documents: [ImportDocument], existing: [InventoryRecord], now: Timestamp, options: ImportOptions = ImportOptions(),
                           adjust: (InventoryRecord) -> InventoryRecord = { $0 }) throws -> ImportBatchResult {
        var current: [String: InventoryRecord] = [:]
        current.reserveCapacity(existing.count)
        for record in existing { current[record.naturalKey] = record }
        let original = current
        var order = existing.map(\.naturalKey)
        var changed: Set<String> = []
        var listed: Set<String> = []
        var results: [ImportResult] = []
        for document in documents {
            // The importer needs the records in a stable order: keep the stored order, new ones after.
            let inventory = order.compactMap { current[$0] }
            let result = try run(kind: document.kind, bytes: document.bytes, fileName: document.name, existing: inventory, now: now, options: options)
            for record in result.records {
                if current[record.naturalKey] == nil { order.append(record.naturalKey) }
                current[record.naturalKey] = record
                changed.insert(record.naturalKey)
                if record.status == .disappeared { listed.remove(record.naturalKey) } else { listed.insert(record.naturalKey) }
            }
            listed.formUnion(result.unchangedKeys)
            results.append(result)
        }
        for key in listed {
            guard let record = current[key] else { continue }
            let adjusted = adjust(record)
            if adjusted != record {
                current[key] = adjusted
                changed.insert(key)
            }
        }
        // Compared with what was stored, not with what the previous document left.
        var created = 0, updated = 0, disappeared = 0
        for key in changed {
            guard let record = current[key] else { continue }
            guard let old = original[key] else {
                created += 1
                continue
            }
            if !record.differsInContent(from: old) {
                changed.remove(key)
            } else if record.status == .disappeared && old.status != .disappeared {
                disappeared += 1
            } else {
                updated += 1
            }
        }
        let records = order.filter(changed.contains).compactMap { current[$0] }
        let unchanged = order.filter { listed.contains($0) && !changed.contains($0) }
        return ImportBatchResult(results: results, records: records, unchangedKeys: unchanged, created: created, updated: updated, disappeared: disappeared)
    }
}
