import KeywardCore
import SQLKit

extension SQLStore {
    /// Callers kept per key in the store; verifications of further callers add to the key's
    /// caller overflow. (Two nodes adding new callers at once may pass it by one flush's worth.)
    public static let maximumStoredCallersPerKey = 1_000

    /// Adds a flushed ``UsageBatch`` to the store in one transaction: additive upserts of hourly
    /// counts, callers and guesses, so several nodes flushing the same rows lose no update.
    /// Rows are written in primary-key order so that two nodes never lock in opposite orders.
    public func recordMonitoredUsage(_ batch: UsageBatch) async throws {
        guard !batch.isEmpty else { return }
        let sqlite = backend.flavor == .sqlite
        let (least, greatest) = sqlite ? ("min", "max") : ("LEAST", "GREATEST")
        let counts = Self.coalesce(batch.counts)
        let callers = Self.coalesce(batch.callers)
        let guesses = Self.coalesce(batch.guesses)
        try await backend.write { db in
            for rows in counts.usageChunks(200) {
                let values: [SQLQueryString] = rows.map {
                    "(\(bind: $0.keyID.description), \(bind: $0.hour.millisecondsSinceEpoch), \(bind: $0.code.rawValue), \(bind: $0.count))"
                }
                try await db.raw("""
                    INSERT INTO usage_hourly (key_id, hour, code, count) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (key_id, hour, code) DO UPDATE SET count = usage_hourly.count + excluded.count
                    """).run()
            }
            var overflow = batch.callerOverflow
            let admitted = try await Self.admitCallers(callers, overflow: &overflow, on: db)
            for rows in admitted.usageChunks(150) {
                let values: [SQLQueryString] = rows.map { row in
                    let caller = row.caller
                    return """
                        (\(bind: row.keyID.description), \(bind: caller.id), \(bind: caller.address), \(bind: caller.network), \
                        \(bind: caller.label), \(bind: caller.agent), \(bind: caller.environment), \(bind: row.firstSeen.millisecondsSinceEpoch), \
                        \(bind: row.lastSeen.millisecondsSinceEpoch), \(bind: row.count), \(bind: row.validCount))
                        """
                }
                try await db.raw("""
                    INSERT INTO usage_callers (key_id, caller_id, address, network, label, agent, environment, first_seen, last_seen, count, valid_count)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (key_id, caller_id) DO UPDATE SET count = usage_callers.count + excluded.count,
                    valid_count = usage_callers.valid_count + excluded.valid_count,
                    first_seen = \(unsafeRaw: least)(usage_callers.first_seen, excluded.first_seen),
                    last_seen = \(unsafeRaw: greatest)(usage_callers.last_seen, excluded.last_seen)
                    """).run()
            }
            for rows in overflow.sorted(by: { $0.key < $1.key }).usageChunks(200) {
                let values: [SQLQueryString] = rows.map { "(\(bind: $0.key.description), \(bind: $0.value))" }
                try await db.raw("""
                    INSERT INTO usage_caller_overflow (key_id, count) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (key_id) DO UPDATE SET count = usage_caller_overflow.count + excluded.count
                    """).run()
            }
            for rows in guesses.usageChunks(200) {
                let values: [SQLQueryString] = rows.map {
                    """
                    (\(bind: $0.source), \(bind: $0.hour.millisecondsSinceEpoch), \(bind: $0.notFound), \(bind: $0.malformed), \
                    \(bind: $0.firstSeen.millisecondsSinceEpoch), \(bind: $0.lastSeen.millisecondsSinceEpoch))
                    """
                }
                try await db.raw("""
                    INSERT INTO usage_guesses (source, hour, not_found, malformed, first_seen, last_seen) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (source, hour) DO UPDATE SET not_found = usage_guesses.not_found + excluded.not_found,
                    malformed = usage_guesses.malformed + excluded.malformed,
                    first_seen = \(unsafeRaw: least)(usage_guesses.first_seen, excluded.first_seen),
                    last_seen = \(unsafeRaw: greatest)(usage_guesses.last_seen, excluded.last_seen)
                    """).run()
            }
        }
    }

    /// Keeps the callers that are already stored or still fit under the per-key cap; the
    /// verifications of the others are added to `overflow`.
    static func admitCallers(_ callers: [CallerUsage], overflow: inout [KeyID: Int64], on db: any SQLDatabase) async throws -> [CallerUsage] {
        guard !callers.isEmpty else { return [] }
        let keyIDs = Array(Set(callers.map(\.keyID))).sorted()
        var stored: [String: Int] = [:]
        for ids in keyIDs.usageChunks(200) {
            let list: [SQLQueryString] = ids.map { "\(bind: $0.description)" }
            for row in try await db.raw("SELECT key_id, COUNT(*) AS n FROM usage_callers WHERE key_id IN (\(list.joined(separator: ", "))) GROUP BY key_id").all() {
                stored[try row.decode(column: "key_id", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            }
        }
        // Keys at the cap: find which of their callers are already stored (those still merge).
        var incoming: [KeyID: Int] = [:]
        for caller in callers { incoming[caller.keyID, default: 0] += 1 }
        let full = Set(incoming.filter { (stored[$0.key.description] ?? 0) + $0.value > maximumStoredCallersPerKey }.keys)
        var known = Set<String>()
        for rows in callers.filter({ full.contains($0.keyID) }).usageChunks(200) {
            let pairs: [SQLQueryString] = rows.map { "(key_id = \(bind: $0.keyID.description) AND caller_id = \(bind: $0.caller.id))" }
            for row in try await db.raw("SELECT key_id, caller_id FROM usage_callers WHERE \(pairs.joined(separator: " OR "))").all() {
                known.insert(try row.decode(column: "key_id", as: String.self) + "/" + row.decode(column: "caller_id", as: String.self))
            }
        }
        var admitted: [CallerUsage] = []
        admitted.reserveCapacity(callers.count)
        for caller in callers {
            let key = caller.keyID.description
            if !full.contains(caller.keyID) || known.contains(key + "/" + caller.caller.id) {
                admitted.append(caller)
            } else if stored[key, default: 0] < maximumStoredCallersPerKey {
                stored[key, default: 0] += 1
                admitted.append(caller)
            } else {
                overflow[caller.keyID, default: 0] += caller.count
            }
        }
        return admitted
    }

    // MARK: coalescing (a retried batch may repeat rows; one statement must not touch a row twice)

    static func coalesce(_ counts: [UsageCount]) -> [UsageCount] {
        coalesce(counts, key: { "\($0.keyID)|\($0.hour.millisecondsSinceEpoch)|\($0.code.rawValue)" }) { $0.count += $1.count }
    }

    static func coalesce(_ callers: [CallerUsage]) -> [CallerUsage] {
        coalesce(callers, key: { "\($0.keyID)|\($0.caller.id)" }) { existing, caller in
            existing.count += caller.count
            existing.validCount += caller.validCount
            existing.firstSeen = min(existing.firstSeen, caller.firstSeen)
            existing.lastSeen = max(existing.lastSeen, caller.lastSeen)
        }
    }

    static func coalesce(_ guesses: [GuessUsage]) -> [GuessUsage] {
        coalesce(guesses, key: { "\($0.source)|\($0.hour.millisecondsSinceEpoch)" }) { existing, guess in
            existing.notFound += guess.notFound
            existing.malformed += guess.malformed
            existing.firstSeen = min(existing.firstSeen, guess.firstSeen)
            existing.lastSeen = max(existing.lastSeen, guess.lastSeen)
        }
    }

    /// Folds rows with the same key into one; the result is in key order, a stable order for the
    /// statements that write it.
    private static func coalesce<Row>(_ rows: [Row], key: (Row) -> String, merge: (inout Row, Row) -> Void) -> [Row] {
        var merged: [String: Row] = [:]
        for row in rows {
            let rowKey = key(row)
            if merged[rowKey] == nil { merged[rowKey] = row } else { merge(&merged[rowKey]!, row) }
        }
        return merged.sorted { $0.key < $1.key }.map(\.value)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (one multi-row statement each).
    func usageChunks(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
