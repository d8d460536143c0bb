import Foundation
import HummingbirdTesting
import KeywardCore
@testable import KeywardServer
import Testing

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("verifications are counted by code and timed; /metrics needs read scope and never shows a key")
    func countsAndExposition() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let app = try await client.issue(fixture.admin, #"{"name":"app","owner":"team"}"#)
            let verifierKey = try await client.issue(fixture.admin, #"{"name":"v","owner":"ops","scopes":["keyward:verify"]}"#)
            for _ in 0..<3 {
                #expect(try await client.call(.post, "/v1/verify", token: verifierKey.key, json: #"{"key":"\#(app.key)"}"#).status == .ok)
            }
            let unknown = KeyFormat.default.generate(environment: "live").reveal()
            _ = try await client.call(.post, "/v1/verify", token: verifierKey.key, json: #"{"key":"\#(unknown)"}"#)
            _ = try await client.call(.post, "/v1/verify", token: verifierKey.key, json: #"{"key":"kw_live_nonsense"}"#)

            #expect(try await client.call(.get, "/metrics", token: nil).status == .unauthorized)
            #expect(try await client.call(.get, "/metrics", token: verifierKey.key).status == .forbidden)
            let reader = try await client.issue(fixture.admin, #"{"name":"prometheus","owner":"ops","scopes":["keyward:read"]}"#)
            let scraped = try await client.call(.get, "/metrics", token: reader.key)
            #expect(scraped.status == .ok)
            #expect(scraped.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scraped.text
            #expect(text.contains(#"keyward_verifications_total{code="VALID"} 3"#), "\(text)")
            #expect(text.contains(#"keyward_verifications_total{code="NOT_FOUND"} 1"#))
            #expect(text.contains(#"keyward_verifications_total{code="MALFORMED"} 1"#))
            #expect(text.contains(#"keyward_verifications_total{code="REVOKED"} 0"#))
            #expect(text.contains("keyward_verify_duration_seconds_count 5"))
            #expect(text.contains(#"keyward_verify_duration_seconds_bucket{le="+Inf"} 5"#))
            // The admin, the application key, the verifier and the reader are in the index.
            #expect(text.contains("keyward_index_keys 4"))
            #expect(text.contains("keyward_change_feed_up 1"))
            #expect(text.contains("keyward_webhook_queue_depth"))
            for secret in [app.key, verifierKey.key, reader.key, fixture.admin, unknown] {
                #expect(!text.contains(secret))
                #expect(!text.contains(String(secret.suffix(20))))
            }
        }
    }

    @Test("the counter slot of each code is its position among all codes")
    func codeSlots() {
        for (position, code) in VerificationCode.allCases.enumerated() {
            #expect(code.metricsIndex == position, "\(code)")
        }
    }

    @Test("a lost change feed shows as down and counted, and up again after resynchronising")
    func feedState() {
        let metrics = NodeMetrics()
        metrics.changeFeed(up: false)
        var text = String(decoding: metrics.scrape(indexKeys: 0, webhooks: WebhookStats()), as: UTF8.self)
        #expect(text.contains("keyward_change_feed_up 0"))
        #expect(text.contains("keyward_change_feed_lost_total 1"))
        metrics.changeFeed(up: true)
        metrics.changeFeedLag.recordNanoseconds(3_000_000)
        text = String(decoding: metrics.scrape(indexKeys: 7, webhooks: WebhookStats()), as: UTF8.self)
        #expect(text.contains("keyward_change_feed_up 1"))
        #expect(text.contains("keyward_index_keys 7"))
        #expect(text.contains(#"keyward_change_feed_lag_seconds_bucket{le="0.005"} 1"#), "\(text)")
    }

    @Test("every series the sample Grafana dashboard queries is one the node exposes")
    func grafanaDashboardMatchesExposition() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/grafana/keyward.json")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= 10)
        let exposed = String(decoding: NodeMetrics().scrape(indexKeys: 0, webhooks: WebhookStats()), as: UTF8.self)
        let names = Set(expressions.flatMap { $0.matches(of: /keyward_[a-z_]+/).map { String($0.output) } })
        for name in names {
            #expect(exposed.contains(name), "the dashboard queries \(name), which /metrics does not expose")
        }
    }
}
