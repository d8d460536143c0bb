import Foundation
import KeywardCore
import SQLKit

extension SQLStore {
    /// Stores a drill's result with its audit event (`drill.completed`), in one transaction.
    public func recordDrill(_ result: DrillResult, by principal: Principal) async throws {
        let flavor = backend.flavor
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        try await backend.write { db in
            try await db.raw("""
                INSERT INTO drills (id, kind, started_at, finished_at, passed, result) VALUES
                (\(bind: result.id), \(bind: result.kind), \(bind: result.startedAt.millisecondsSinceEpoch),
                \(bind: result.finishedAt.millisecondsSinceEpoch), \(bind: result.passed ? 1 : 0), \(bind: json))
                """).run()
            let details: [String: JSONValue] = [
                "kind": .string(result.kind), "passed": .bool(result.passed), "rounds": .number(Double(result.rounds)),
                "nodes": .number(Double(result.nodes.count)), "slo_ms": .number(result.sloMilliseconds),
                "p50_ms": .number(result.overall.p50Milliseconds), "p99_ms": .number(result.overall.p99Milliseconds),
                "max_ms": .number(result.overall.maxMilliseconds),
            ]
            _ = try await SQLStore.appendAudit(
                [AuditDraft(actor: principal.id, action: "drill.completed", subjectKind: "drill", subjectID: result.id, details: details)],
                at: result.finishedAt, on: db, flavor: flavor
            )
        }
    }

    /// Drills, newest first.
    public func drills(limit: Int = 50) async throws -> [DrillResult] {
        guard (1...1000).contains(limit) else { throw KeywardError.invalidArgument("limit must be between 1 and 1000, got \(limit)") }
        return try await backend.read { db in
            try await db.raw("SELECT result FROM drills ORDER BY started_at DESC LIMIT \(bind: limit)").all().map { row in
                try JSONDecoder().decode(DrillResult.self, from: Data(try row.decode(column: "result", as: String.self).utf8))
            }
        }
    }
}
