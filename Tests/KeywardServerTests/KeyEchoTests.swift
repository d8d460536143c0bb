import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardCore
import KeywardServer
import Testing

/// A plaintext key pasted where an id belongs must never come back: error bodies end up in
/// terminals, tickets, proxies' and browsers' logs.
@Suite("keys are never echoed where an id belongs")
struct KeyEchoTests {
    /// Every route with a path parameter, with each parameter replaced by `text`.
    static func paths(_ node: KeywardNode, with text: String) -> [(HTTPRequest.Method, String)] {
        KeywardApplication.routes(node).filter { $0.path.contains("{") }.map { route in
            let path = route.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix("{") ? text : String(segment)
            }.joined(separator: "/")
            return (route.method, path)
        }
    }

    @Test("a key in any path parameter: refused as a key, never repeated, for this deployment's prefix and any other")
    func keyInPathParameters() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let ours = try await client.issue(fixture.admin, #"{"name":"k","owner":"o"}"#).key
            let theirs = try KeyFormat(prefix: "acme").generate(environment: "prod").reveal()
            let routes = Self.paths(fixture.node, with: "X")
            #expect(routes.count >= 19)
            for key in [ours, theirs, fixture.admin] {
                for (method, path) in Self.paths(fixture.node, with: key) {
                    let answer = try await client.call(method, path, token: fixture.admin, json: method == .get || method == .delete ? nil : "{}")
                    #expect((400..<500).contains(answer.status.code), "\(method) \(path): \(answer.status)")
                    // Not the key, nor a large part of it.
                    #expect(!answer.text.contains(key.prefix(24)), "\(method) \(path) repeats the key: \(answer.text)")
                    if !path.contains("/inventory/import/") {
                        #expect(answer.errorMessage.contains("looks like a key"), "\(method) \(path): \(answer.text)")
                    }
                }
            }
            // A key used as an owner handle registers no owner and writes no event naming it.
            let events = try await fixture.node.store.auditEvents(limit: 200)
            #expect(!events.contains { $0.subjectID.contains(ours.prefix(24)) || $0.details.description.contains(ours.prefix(24)) })
        }
    }

    @Test("an over-long id is not repeated either")
    func overlongIDs() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let long = "fnd_" + String(repeating: "q", count: 60)
            // Owner handles are names, often e-mail addresses, and are repeated up to 128 bytes.
            for (method, path) in Self.paths(fixture.node, with: long) where !path.hasPrefix("/v1/owners/") {
                let answer = try await client.call(method, path, token: fixture.admin, json: method == .get || method == .delete ? nil : "{}")
                #expect((400..<500).contains(answer.status.code), "\(method) \(path): \(answer.status)")
                #expect(!answer.text.contains(String(repeating: "q", count: 33)), "\(method) \(path) repeats the id: \(answer.text)")
            }
            // A short unknown id is still named, so a typo can be seen.
            let missing = try await client.call(.get, "/v1/keys/key_0000000000000000000000", token: fixture.admin)
            #expect(missing.errorMessage.contains("key_0000000000000000000000"))
        }
    }

    @Test("the dashboard's key page does not repeat a key either")
    func dashboardKeyPage() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/keys/\(fixture.admin)")
            #expect(page.status == .notFound)
            #expect(!page.text.contains(fixture.admin.prefix(24)))
            #expect(page.text.contains("looks like a key"))
        }
    }
}
