import Hummingbird
import KeywardAPI
import KeywardCore

/// `/v1/drills`: results of revocation drills, posted by the drill runner and kept as evidence.
enum DrillRoutes {
    /// The members of one node's statistics (`nodes[]` and `overall`).
    static let nodeMembers: Set<String> = ["node", "samples_ms", "timeouts", "p50_ms", "p99_ms", "max_ms"]

    static func routes(_ node: KeywardNode) -> [APIRoute] {
        [
            APIRoute(.post, "/v1/drills", scope: "keyward:write") { request, context, credential in
                let result = try await JSONBody.decode(DrillResult.self, from: request, context: context, allowed: [
                    "id", "kind", "started_at", "finished_at", "rounds", "slo_ms", "nodes", "overall", "passed",
                ], nested: ["nodes": nodeMembers, "overall": nodeMembers])
                guard (1...100_000).contains(result.rounds), result.nodes.count <= 64, !result.id.isEmpty, result.id.count <= 64 else {
                    throw APIError.badRequest("a drill has 1-100000 rounds, at most 64 nodes and an id of 1-64 characters")
                }
                // Recompute the summary rather than trust the one posted.
                let recomputed = DrillResult(
                    id: result.id, kind: result.kind, startedAt: result.startedAt, finishedAt: result.finishedAt,
                    rounds: result.rounds, sloMilliseconds: result.sloMilliseconds,
                    nodes: result.nodes.map { .init(node: $0.node, samplesMilliseconds: $0.samplesMilliseconds, timeouts: $0.timeouts) }
                )
                try await node.store.recordDrill(recomputed, by: credential!.principal)
                return try JSONBody.response(recomputed, status: .created)
            },
            APIRoute(.get, "/v1/drills", scope: "keyward:read") { request, _, _ in
                try JSONBody.response(DrillList(drills: try await node.store.drills(limit: try request.intQuery("limit") ?? 50)))
            },
        ]
    }
}
