import KeywardCore
import SQLKit

/// How a connector's last sync went, as `GET /v1/connectors` shows it.
public struct ConnectorSyncRow: Sendable, Equatable {
    public var name: String
    /// The node syncing it now, while its lease runs.
    public var holder: String?
    public var leaseUntil: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    /// The end of the last sync that wrote the inventory.
    public var succeededAt: Timestamp?
    /// `succeeded` or `failed`; nil before the first sync ended.
    public var outcome: String?
    public var requests: Int
    /// JSON: counts, or the failures of a failed sync.
    public var summary: String

    public init(name: String, holder: String? = nil, leaseUntil: Timestamp = .distantPast, startedAt: Timestamp? = nil, finishedAt: Timestamp? = nil,
                succeededAt: Timestamp? = nil, outcome: String? = nil, requests: Int = 0, summary: String = "{}") {
        self.name = name
        self.holder = holder
        self.leaseUntil = leaseUntil
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.succeededAt = succeededAt
        self.outcome = outcome
        self.requests = requests
        self.summary = summary
    }
}

extension SQLStore {
    /// Takes connector `name`'s sync lease for `holder` until `now + ttl`, when nobody holds it
    /// and — for a scheduled sync, `minimumGapMilliseconds` > 0 — the last sync started at least
    /// that long ago. True when `holder` may sync now. The conditional UPDATE decides, so of
    /// several nodes whose schedules fire together exactly one syncs.
    public func claimConnectorSync(name: String, holder: String, now: Timestamp, ttlMilliseconds: Int64,
                                   minimumGapMilliseconds: Int64 = 0) async throws -> Bool {
        let at = now.millisecondsSinceEpoch
        let available = try await backend.read { db in
            try await db.raw("SELECT holder, lease_until, started_at FROM connector_syncs WHERE name = \(bind: name)").first().map { row in
                let current = try row.decode(column: "holder", as: String?.self)
                let until = try row.decode(column: "lease_until", as: Int64.self)
                let started = try row.decode(column: "started_at", as: Int64?.self) ?? 0
                return (current == nil || until < at) && (minimumGapMilliseconds == 0 || started <= at - minimumGapMilliseconds)
            } ?? true
        }
        guard available else { return false }
        return try await backend.write { db in
            try await db.raw("""
                INSERT INTO connector_syncs (name, holder, lease_until, requests, summary) VALUES (\(bind: name), NULL, 0, 0, '{}') \
                ON CONFLICT (name) DO NOTHING
                """).run()
            let rows = try await db.raw("""
                UPDATE connector_syncs SET holder = \(bind: holder), lease_until = \(bind: at + ttlMilliseconds), started_at = \(bind: at) \
                WHERE name = \(bind: name) AND (holder IS NULL OR lease_until < \(bind: at)) \
                AND (\(bind: minimumGapMilliseconds) = 0 OR COALESCE(started_at, 0) <= \(bind: at - minimumGapMilliseconds)) RETURNING name
                """).all()
            return !rows.isEmpty
        }
    }

    /// Ends `holder`'s sync of `name`: records how it went and frees the lease.
    public func finishConnectorSync(name: String, holder: String, at: Timestamp, succeeded: Bool, requests: Int, summary: String) async throws {
        let time = at.millisecondsSinceEpoch
        try await backend.write { db in
            try await db.raw("""
                UPDATE connector_syncs SET holder = NULL, lease_until = 0, finished_at = \(bind: time), \
                succeeded_at = CASE WHEN \(bind: succeeded ? 1 : 0) = 1 THEN \(bind: time) ELSE succeeded_at END, \
                outcome = \(bind: succeeded ? "succeeded" : "failed"), requests = \(bind: requests), summary = \(bind: summary) \
                WHERE name = \(bind: name) AND holder = \(bind: holder)
                """).run()
        }
    }

    /// Every connector's sync row.
    public func connectorSyncs() async throws -> [ConnectorSyncRow] {
        try await backend.read { db in
            try await db.raw("SELECT * FROM connector_syncs ORDER BY name").all().map { row in
                ConnectorSyncRow(
                    name: try row.decode(column: "name", as: String.self), holder: try row.decode(column: "holder", as: String?.self),
                    leaseUntil: Timestamp(millisecondsSinceEpoch: try row.decode(column: "lease_until", as: Int64.self)),
                    startedAt: try row.decode(column: "started_at", as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)),
                    finishedAt: try row.decode(column: "finished_at", as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)),
                    succeededAt: try row.decode(column: "succeeded_at", as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)),
                    outcome: try row.decode(column: "outcome", as: String?.self), requests: Int(try row.decode(column: "requests", as: Int64.self)),
                    summary: try row.decode(column: "summary", as: String.self))
            }
        }
    }
}
