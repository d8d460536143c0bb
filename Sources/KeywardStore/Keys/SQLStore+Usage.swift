import KeywardCore
import SQLKit

extension SQLStore {
    /// Adds usage counted in memory to the stored totals, in one transaction per call.
    ///
    /// Additive (`use_count = use_count + n`) so that several nodes flushing the same key never
    /// overwrite each other's counts; `last_used_at` only moves forward.
    public func recordUsage(_ deltas: [UsageDelta]) async throws {
        guard !deltas.isEmpty else { return }
        // Rows are locked in id order, so two nodes flushing overlapping keys cannot deadlock.
        let deltas = deltas.sorted { $0.keyID < $1.keyID }
        let latest = backend.flavor == .sqlite ? "max" : "GREATEST"
        try await backend.write { db in
            for batch in stride(from: 0, to: deltas.count, by: 300) {
                let rows: [SQLQueryString] = deltas[batch..<min(batch + 300, deltas.count)].map { delta in
                    "(CAST(\(bind: delta.keyID.description) AS TEXT), CAST(\(bind: delta.uses) AS BIGINT), CAST(\(bind: delta.lastUsedAt.millisecondsSinceEpoch) AS BIGINT))"
                }
                try await db.raw("""
                    UPDATE keys SET use_count = use_count + v.column2,
                    last_used_at = \(unsafeRaw: latest)(COALESCE(last_used_at, 0), v.column3)
                    FROM (VALUES \(rows.joined(separator: ", "))) AS v WHERE keys.id = v.column1
                    """).run()
            }
        }
    }
}
