import KeywardCore
import SQLKit

extension SQLStore {
    /// One key's hourly counts since `since` (oldest first) and its callers seen since then
    /// (most recent first, at most `callerLimit`).
    public func keyUsage(_ keyID: KeyID, since: Timestamp, callerLimit: Int = 200) async throws -> StoredKeyUsage {
        guard (1...Self.maximumStoredCallersPerKey).contains(callerLimit) else {
            throw KeywardError.invalidArgument("caller limit must be between 1 and \(Self.maximumStoredCallersPerKey)")
        }
        // The closure captures the id's text, not the `KeyID` (a `UInt128`, which async
        // closure contexts do not reliably align; capturing one crashed here).
        let id = keyID.description
        let (counts, callers, total, overflow) = try await backend.read { db -> ([(Int64, String, Int64)], [StoredCaller], Int64, Int64) in
            let counts = try await db.raw("""
                SELECT hour, code, count FROM usage_hourly WHERE key_id = \(bind: id) AND hour >= \(bind: since.hourStart.millisecondsSinceEpoch)
                ORDER BY hour, code
                """).all().map { row in
                (try row.decode(column: "hour", as: Int64.self), try row.decode(column: "code", as: String.self), try row.decode(column: "count", as: Int64.self))
            }
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: Self.callerColumns) FROM usage_callers WHERE key_id = \(bind: id) AND last_seen >= \(bind: since.millisecondsSinceEpoch)
                ORDER BY last_seen DESC, caller_id LIMIT \(bind: callerLimit + 1)
                """).all()
            var total = Int64(rows.count)
            if rows.count > callerLimit {
                total = try await db.raw("SELECT COUNT(*) AS n FROM usage_callers WHERE key_id = \(bind: id) AND last_seen >= \(bind: since.millisecondsSinceEpoch)")
                    .first()?.decode(column: "n", as: Int64.self) ?? total
            }
            let overflow = try await db.raw("SELECT count FROM usage_caller_overflow WHERE key_id = \(bind: id)").first()?
                .decode(column: "count", as: Int64.self) ?? 0
            var callers: [StoredCaller] = []
            for row in rows.prefix(callerLimit) { callers.append(try Self.decodeCaller(row)) }
            return (counts, callers, total, overflow)
        }
        let hourly = counts.compactMap { hour, code, count in
            VerificationCode(rawValue: code).map { UsageCount(keyID: keyID, hour: Timestamp(millisecondsSinceEpoch: hour), code: $0, count: count) }
        }
        return StoredKeyUsage(hourly: hourly, callers: callers, moreCallers: Int(total) - callers.count, callerOverflow: overflow)
    }

    static let callerColumns = "key_id, caller_id, address, network, label, agent, environment, first_seen, last_seen, count, valid_count"

    static func decodeCaller(_ row: any SQLRow) throws -> StoredCaller {
        let keyText = try row.decode(column: "key_id", as: String.self)
        guard let keyID = KeyID(keyText) else { throw StoreError.corrupt("usage_callers holds key id \"\(keyText.prefix(40))\"") }
        return StoredCaller(
            id: try row.decode(column: "caller_id", as: String.self), keyID: keyID,
            caller: CallerIdentity(address: try row.decode(column: "address", as: String?.self), label: try row.decode(column: "label", as: String?.self),
                                   agent: try row.decode(column: "agent", as: String?.self), environment: try row.decode(column: "environment", as: String?.self)),
            network: try row.decode(column: "network", as: String?.self),
            firstSeen: Timestamp(millisecondsSinceEpoch: try row.decode(column: "first_seen", as: Int64.self)),
            lastSeen: Timestamp(millisecondsSinceEpoch: try row.decode(column: "last_seen", as: Int64.self)),
            count: try row.decode(column: "count", as: Int64.self), validCount: try row.decode(column: "valid_count", as: Int64.self))
    }

    // MARK: facts for anomaly detection (every node's flushes)

    /// The first use on record of each key (earliest first sight of any of its callers).
    public func usageFirstSeen(_ keys: [KeyID]) async throws -> [KeyID: Timestamp] {
        try await backend.read { db in
            var result: [KeyID: Timestamp] = [:]
            for ids in keys.usageChunks(200) {
                let list: [SQLQueryString] = ids.map { "\(bind: $0.description)" }
                for row in try await db.raw("""
                    SELECT key_id, MIN(first_seen) AS t FROM usage_callers WHERE key_id IN (\(list.joined(separator: ", "))) GROUP BY key_id
                    """).all() {
                    guard let id = KeyID(try row.decode(column: "key_id", as: String.self)) else { continue }
                    result[id] = Timestamp(millisecondsSinceEpoch: try row.decode(column: "t", as: Int64.self))
                }
            }
            return result
        }
    }

    /// When each (key, network) was first seen by any node.
    public func networkFirstSeen(_ pairs: [(key: KeyID, network: String)]) async throws -> [String: Timestamp] {
        try await backend.read { db in
            var result: [String: Timestamp] = [:]
            for rows in pairs.usageChunks(200) {
                let conditions: [SQLQueryString] = rows.map { "(key_id = \(bind: $0.key.description) AND network = \(bind: $0.network))" }
                for row in try await db.raw("""
                    SELECT key_id, network, MIN(first_seen) AS t FROM usage_callers WHERE \(conditions.joined(separator: " OR ")) GROUP BY key_id, network
                    """).all() {
                    let key = try row.decode(column: "key_id", as: String.self) + "|" + row.decode(column: "network", as: String.self)
                    result[key] = Timestamp(millisecondsSinceEpoch: try row.decode(column: "t", as: Int64.self))
                }
            }
            return result
        }
    }

    /// Verifications per key per hour (all answers) for hours in `hours`.
    public func hourlyTotals(_ keys: [KeyID], hours: ClosedRange<Timestamp>) async throws -> [KeyID: [Int64: Int64]] {
        try await backend.read { db in
            var result: [KeyID: [Int64: Int64]] = [:]
            for ids in keys.usageChunks(200) {
                let list: [SQLQueryString] = ids.map { "\(bind: $0.description)" }
                for row in try await db.raw("""
                    SELECT key_id, hour, CAST(SUM(count) AS BIGINT) AS n FROM usage_hourly WHERE key_id IN (\(list.joined(separator: ", ")))
                    AND hour >= \(bind: hours.lowerBound.millisecondsSinceEpoch) AND hour <= \(bind: hours.upperBound.millisecondsSinceEpoch)
                    GROUP BY key_id, hour
                    """).all() {
                    guard let id = KeyID(try row.decode(column: "key_id", as: String.self)) else { continue }
                    result[id, default: [:]][try row.decode(column: "hour", as: Int64.self)] = try row.decode(column: "n", as: Int64.self)
                }
            }
            return result
        }
    }

    /// Unknown and malformed keys per source in one hour, all nodes.
    public func guessTotals(_ sources: [String], hour: Timestamp) async throws -> [GuessFacts] {
        try await backend.read { db in
            var result: [GuessFacts] = []
            for rows in sources.usageChunks(200) {
                let list: [SQLQueryString] = rows.map { "\(bind: $0)" }
                result += try await db.raw("""
                    SELECT source, not_found, malformed, first_seen, last_seen FROM usage_guesses
                    WHERE hour = \(bind: hour.hourStart.millisecondsSinceEpoch) AND source IN (\(list.joined(separator: ", ")))
                    """).all().map { row in
                    GuessFacts(source: try row.decode(column: "source", as: String.self), notFound: try row.decode(column: "not_found", as: Int64.self),
                               malformed: try row.decode(column: "malformed", as: Int64.self),
                               firstSeen: Timestamp(millisecondsSinceEpoch: try row.decode(column: "first_seen", as: Int64.self)),
                               lastSeen: Timestamp(millisecondsSinceEpoch: try row.decode(column: "last_seen", as: Int64.self)))
                }
            }
            return result
        }
    }

    /// Deletes hourly counts, guesses and callers last seen before `cutoff`.
    public func pruneUsage(before cutoff: Timestamp) async throws {
        let time = cutoff.millisecondsSinceEpoch
        try await backend.write { db in
            try await db.raw("DELETE FROM usage_hourly WHERE hour < \(bind: cutoff.hourStart.millisecondsSinceEpoch)").run()
            try await db.raw("DELETE FROM usage_guesses WHERE hour < \(bind: cutoff.hourStart.millisecondsSinceEpoch)").run()
            try await db.raw("DELETE FROM usage_callers WHERE last_seen < \(bind: time)").run()
        }
    }
}

