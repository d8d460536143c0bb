import Foundation
import HummingbirdTesting
import KeywardCore
@testable import KeywardServer
import KeywardSettings
import KeywardStore
import KeywardTestSupport
import Testing

/// Webhook targets and SSRF: what a subscription may name, what a delivery may connect to (after
/// keyward resolves the name itself), and what readers see of a URL.
@Suite("Webhook targets (SSRF)", .timeLimit(.minutes(2)))
struct WebhookTargetTests {
    @Test("a real receiver on loopback: refused by default with the reason recorded, delivered once 127.0.0.0/8 is allowed")
    func loopbackReceiver() async throws {
        try await WebhookFixture.with(configure: { $0.targets = OutboundAddressPolicy() }) { fixture in
            let subscription = try await fixture.subscribe([.keyCreated])
            let dispatcher = fixture.startDispatcher()
            _ = try await fixture.issue("refused")
            try await eventually("a refused attempt", clock: fixture.clock, step: 50) {
                try await fixture.deliveries(subscription).first?.history.isEmpty == false
            }
            try await dispatcher.stop()
            let delivery = try #require(try await fixture.deliveries(subscription).first)
            let error = try #require(delivery.history.first?.error)
            #expect(error.contains("refused: 127.0.0.1 is a loopback address") && error.contains("webhook_allowed_networks"), "\(error)")
            #expect(delivery.history.first?.status == nil && delivery.state != .delivered)
            #expect(fixture.receiver.unique.isEmpty, "nothing reached the receiver")
        }
        try await WebhookFixture.with { fixture in
            #expect(fixture.configuration.targets.allowedNetworks.map(\.description) == ["127.0.0.0/8"])
            _ = try await fixture.subscribe([.keyCreated])
            let dispatcher = fixture.startDispatcher()
            _ = try await fixture.issue("delivered")
            try await eventually("the delivery", clock: fixture.clock, step: 50) { fixture.receiver.unique.count == 1 }
            try await dispatcher.stop()
        }
    }

    @Test("a name that resolves to loopback is refused at delivery; the receiver sees nothing")
    func nameResolvingToLoopback() async throws {
        try await WebhookFixture.with(configure: { $0.targets = OutboundAddressPolicy() }) { fixture in
            let subscription = try await fixture.subscribe([.keyCreated], url: "http://localhost:\(fixture.receiver.port)/hook")
            let dispatcher = fixture.startDispatcher()
            _ = try await fixture.issue("by name")
            try await eventually("a refused attempt", clock: fixture.clock, step: 50) {
                try await fixture.deliveries(subscription).first?.history.isEmpty == false
            }
            try await dispatcher.stop()
            let error = try #require(try await fixture.deliveries(subscription).first?.history.first?.error)
            #expect(error.contains("refused: localhost resolves to") && error.contains("loopback"), "\(error)")
            #expect(fixture.receiver.unique.isEmpty)
        }
    }

    @Test("a delivery connects to the address it checked, with the URL's host in Host")
    func pinnedAddress() async throws {
        let target = try await WebhookTarget.resolve(url: "http://localhost:9/x", policy: WebhookFixture.loopbackAllowed)
        #expect(target.host == "localhost")
        #expect(["127.0.0.1", "::1"].contains("\(target.address)"))
        await #expect(throws: WebhookTarget.Refused.self) {
            try await WebhookTarget.resolve(url: "http://localhost:9/x", policy: OutboundAddressPolicy())
        }
        let odd = try await WebhookTarget.resolve(url: "http://2130706433:9/x", policy: WebhookFixture.loopbackAllowed)
        #expect(odd.host == "2130706433" && "\(odd.address)" == "127.0.0.1")
        let mapped = try await WebhookTarget.resolve(url: "http://[::ffff:127.0.0.1]:9/x", policy: WebhookFixture.loopbackAllowed)
        #expect("\(mapped.address)" == "127.0.0.1")
        await #expect(throws: WebhookTarget.Refused.self) {
            try await WebhookTarget.resolve(url: "http://no-such-host.invalid/x", policy: OutboundAddressPolicy())
        }
    }

    @Test("creating a subscription to a refused literal address is 400 with the reason", arguments: [
        ("http://127.0.0.1:8080/hook", "loopback"), ("http://2130706433/", "loopback"), ("http://0x7f000001/", "loopback"),
        ("http://127.1/", "loopback"), ("http://[::ffff:127.0.0.1]/", "loopback"), ("http://[::1]:9/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"), ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("https://10.0.0.5/", "private"), ("http://0.0.0.0:4000/", "unspecified"), ("http://100.64.1.1/", "carrier-grade NAT"),
        ("http://224.0.0.1/", "multicast"), ("http://255.255.255.255/", "broadcast"), ("http://[fe80::1]/", "link-local"),
    ])
    func literalRefusedAtCreation(url: String, kind: String) async throws {
        try await ServerFixture.withRouter { fixture, client in
            let answer = try await client.call(.post, "/v1/webhooks", token: fixture.admin, json: #"{"url":"\#(url)","events":["key.revoked"]}"#)
            #expect(answer.status == .badRequest, "\(url) → \(answer.status)")
            #expect(answer.errorMessage.contains("is a \(kind) address"), "\(url): \(answer.errorMessage)")
        }
    }

    @Test("webhook_allowed_networks lets a subscription name an allowed literal address")
    func allowedLiteral() async throws {
        try await ServerFixture.withRouter(configure: { $0.webhooks.targets = OutboundAddressPolicy(allowedNetworks: [CIDR("10.20.0.0/16")!]) }) { fixture, client in
            let allowed = try await client.call(.post, "/v1/webhooks", token: fixture.admin, json: #"{"url":"http://10.20.1.2/hook","events":["key.revoked"]}"#)
            #expect(allowed.status == .created)
            let refused = try await client.call(.post, "/v1/webhooks", token: fixture.admin, json: #"{"url":"http://10.21.1.2/hook","events":["key.revoked"]}"#)
            #expect(refused.status == .badRequest)
        }
    }

    @Test("the setting reads CIDRs from KEYWARD_WEBHOOK_ALLOWED_NETWORKS and refuses anything else")
    func setting() throws {
        let loaded = try ConfigurationLoader(environment: ["KEYWARD_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8, fd00::/8"]).load()
        #expect(loaded.configuration.webhooks.targets.allowedNetworks.map(\.description) == ["127.0.0.0/8", "fd00::/8"])
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: ["KEYWARD_WEBHOOK_ALLOWED_NETWORKS": "localhost"]).load()
        }
    }

    @Test("a reader sees only the origin of a webhook URL; writers see all of it")
    func readersSeeTheOrigin() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let url = "https://hooks.example.com/services/T000/B000/secretpathtoken"
            let created = try await client.call(.post, "/v1/webhooks", token: fixture.admin, json: #"{"url":"\#(url)","events":["key.revoked"]}"#)
            let id = try #require(created.json["id"] as? String)
            let reader = try await client.issue(fixture.admin, #"{"name":"reader","owner":"ops","scopes":["keyward:read"]}"#).key
            let writer = try await client.issue(fixture.admin, #"{"name":"writer","owner":"ops","scopes":["keyward:read","keyward:write"]}"#).key
            for path in ["/v1/webhooks", "/v1/webhooks/\(id)"] {
                let read = try await client.call(.get, path, token: reader)
                #expect(read.status == .ok && read.text.contains("https://hooks.example.com") && !read.text.contains("secretpathtoken"), "\(path)")
                let written = try await client.call(.get, path, token: writer)
                #expect(written.text.contains("secretpathtoken"), "\(path)")
            }
        }
    }
}
