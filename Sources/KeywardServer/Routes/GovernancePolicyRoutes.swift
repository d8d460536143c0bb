import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardPolicy
import NIOCore

/// `/v1/policy…` and `/v1/reports/posture`: the policy in force, reloading it from its file,
/// checking a policy against the inventory without storing anything (CI gates, which also count
/// every other source's open findings), and the report.
enum PolicyRoutes {
    /// Policy texts are small; a megabyte leaves room for long exception lists.
    static let maxPolicyBytes = 1 << 20

    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let governance = node.governance
        return [
            APIRoute(.get, "/v1/policy", scope: "keyward:read") { _, _, _ in
                try JSONBody.response(PolicyObject(governance.policy, now: node.clock.now()))
            },
            // Re-reads the policy file the server was started with. A file with any error changes
            // nothing: the answer names file, line and field, and the old policy stays in force.
            APIRoute(.post, "/v1/policy/reload", scope: "keyward:admin") { _, _, credential in
                guard let path = node.configuration.policyPath else {
                    throw APIError(.conflict, code: "conflict", message: "the server runs the built-in default policy; start it with --policy FILE to reload from a file")
                }
                let loaded = try await GovernanceRoutes.mappingFileErrors { try LoadedPolicy.load(file: path) }
                try await governance.usePolicy(loaded, by: credential!.principal)
                return try JSONBody.response(PolicyObject(loaded, now: node.clock.now()))
            },
            APIRoute(.post, "/v1/policy/check", scope: "keyward:read", maxBodyBytes: maxPolicyBytes) { request, context, _ in
                let body = try await JSONBody.decode(PolicyCheckBody.self, from: request, context: context, allowed: ["policy", "file", "fail_on", "limit"])
                let limit = body.limit ?? 1000
                guard (0...100_000).contains(limit) else { throw APIError.badRequest("limit must be between 0 and 100000, got \(limit)") }
                var loaded = governance.policy
                if let text = body.policy {
                    loaded = try await GovernanceRoutes.mappingFileErrors { try LoadedPolicy.parse(text, file: body.file ?? "policy.yaml") }
                }
                let gate = try await governance.gate(loaded.policy)
                return try JSONBody.response(PolicyCheckObject(gate, policy: loaded.policy, file: loaded.file, failOn: body.failOn ?? .info, limit: limit))
            },
            APIRoute(.get, "/v1/reports/posture", scope: "keyward:read") { request, _, _ in
                let format = try request.query("format") ?? "json"
                guard let parsed = PostureReportRenderer.Format(rawValue: format) else {
                    throw APIError.badRequest("format must be json, md or html, got \"\(format.prefix(20))\"")
                }
                let text = try PostureReportRenderer.render(try await governance.report(), as: parsed)
                let contentType: String
                switch parsed {
                case .json: contentType = "application/json"
                case .markdown: contentType = "text/markdown; charset=utf-8"
                case .html: contentType = "text/html; charset=utf-8"
                }
                return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
            },
        ]
    }
}
