import Hummingbird
import KeywardAPI
import KeywardCore

/// `/v1/leaks/…`: leak intake. No bearer scope: each request is authenticated by the signature
/// over its body (see ``LeakIntake``), and answers 503 until its signer is configured.
enum LeakRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let intake = LeakIntake(node: node)
        let limit = node.configuration.leaks.maxBodyBytes
        return [
            APIRoute(.post, "/v1/leaks/github", scope: nil, maxBodyBytes: limit) { request, context, _ in
                try await intake.gitHub(request, context: context)
            },
            APIRoute(.post, "/v1/leaks/report", scope: nil, maxBodyBytes: limit) { request, context, _ in
                try await intake.report(request, context: context)
            },
        ]
    }
}
