import Hummingbird
import KeywardAPI
import KeywardCore

/// `/v1/keys/{id}/usage` and `/v1/keys/{id}/blast-radius`: usage monitoring read back.
enum UsageRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        [
            APIRoute(.get, "/v1/keys/{id}/usage", scope: "keyward:read") { request, context, _ in
                let hours = try request.intQuery("hours") ?? 24
                let quiet = try request.intQuery("quiet_seconds").map(Int64.init)
                return try JSONBody.response(try await node.keyUsage(id: context.keyID(), hours: hours, quietSeconds: quiet))
            },
            APIRoute(.get, "/v1/keys/{id}/blast-radius", scope: "keyward:read") { request, context, _ in
                let days = try request.intQuery("days") ?? 30
                return try JSONBody.response(try await node.blastRadius(id: context.keyID(), days: days))
            },
        ]
    }
}
