import Hummingbird
import KeywardAPI
import KeywardCore

/// `/v1/leaks/…`: leak intake. The GitHub and report routes take no bearer credential: each
/// request is authenticated by the signature over its body (see ``LeakIntake``), and answers 503
/// until its signer is configured. `revoke` is for `keyward scan --revoke` with a `keyward:write`
/// credential (see ``ScannerLeaks``). All three end in the same leak response.
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
            APIRoute(.post, "/v1/leaks/revoke", scope: "keyward:write", maxBodyBytes: limit) { request, context, credential in
                try await ScannerLeaks.revoke(request, context: context, credential: credential!, node: node)
            },
        ]
    }
}
