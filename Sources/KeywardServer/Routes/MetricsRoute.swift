import Hummingbird
import NIOCore

/// `GET /metrics`: Prometheus text exposition of the node's ``NodeMetrics``.
///
/// Read scope, like every other admin read: the numbers carry no secret, but they describe the
/// deployment. Prometheus sends the credential with `authorization: {credentials_file: …}`.
enum MetricsRoute {
    static func route(_ node: KeywardNode) -> APIRoute {
        APIRoute(.get, "/metrics", scope: "keyward:read") { _, _, _ in
            let text = node.metrics.scrape(indexKeys: node.verifier.index.count, webhooks: node.webhookStats)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text))
            )
        }
    }
}
