import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import HummingbirdTesting
import KeywardCore
import KeywardSettings
import NIOCore
import Testing
@testable import KeywardServer

/// `POST /v1/verify` on a real socket, where ``VerifyFastPath`` answers on the event loop what it
/// can and hands the rest to the router: the answers must be the router's, in request order,
/// with nothing counted twice.
@Suite("Verify fast path", .timeLimit(.minutes(2)))
struct VerifyFastPathTests {
    @Test("every answer on the socket is the router's answer, 200s come from the event loop, and nothing is counted twice")
    func sameAnswers() async throws {
        try await ServerFixture.withLive { fixture, port in
            let node = fixture.node
            let (key, revoked, reader) = try await fixture.issueKeys()
            let cases: [(token: String?, body: String)] = [
                (fixture.admin, #"{"key":"\#(key)"}"#),
                (fixture.admin, #"{"key":"\#(key)","required_scopes":["orders:read"],"caller":"checkout","environment":"live"}"#),
                (fixture.admin, #"{"key":"\#(key)","required_scopes":["orders:write"]}"#),
                (fixture.admin, #"{"key":"\#(revoked)"}"#),
                (fixture.admin, #"{"key":"kw_live_nonsense"}"#),
                (fixture.admin, #"{"key":"\#(key.replacingOccurrences(of: "_", with: "\\u005f"))","ip":"10.1.2.3"}"#),
                (fixture.admin, #"{"key":"#),
                (fixture.admin, #"{"key":"\#(key)","ip":"not-an-address"}"#),
                (nil, #"{"key":"\#(key)"}"#),
                ("kw_live_notakey", #"{"key":"\#(key)"}"#),
                (reader, #"{"key":"\#(key)"}"#),
            ]
            let authenticated = cases.filter { $0.token == fixture.admin }.count
            let valid = 6
            var live: [RawHTTPConnection.Answer] = []
            try await RawHTTPConnection.with(port: port) { connection in
                for request in cases {
                    try await connection.send(rawRequest("POST", "/v1/verify", token: request.token, body: request.body))
                    live.append(try #require(try await connection.answer()))
                }
            }
            let app = Application(router: KeywardApplication.router(node))
            let liveAnswers = live
            try await app.test(.router) { client in
                for (request, answer) in zip(cases, liveAnswers) {
                    let routed = try await client.call(.post, "/v1/verify", token: request.token, json: request.body)
                    #expect(answer.status == Int(routed.status.code), "\(request.body)")
                    #expect(Self.json(answer.body) == Self.json(routed.text), "\(request.body): \(answer.body) vs \(routed.text)")
                    #expect(answer.header("Content-Type") == "application/json")
                    #expect(answer.header("Server") == "keyward" && answer.header("Date")?.hasSuffix(" GMT") == true)
                }
            }
            #expect(live.map(\.status) == [200, 200, 200, 200, 200, 200, 400, 400, 401, 401, 403])
            let scraped = String(decoding: node.metrics.scrape(indexKeys: 0, webhooks: WebhookStats()), as: UTF8.self)
            #expect(scraped.contains(#"keyward_verify_answers_total{handler="event_loop"} \#(valid)"#), "\(scraped)")
            #expect(scraped.contains(#"keyward_verify_answers_total{handler="router"} \#(valid)"#))
            // The admin credential was spent once per request it authenticated, on either path. The
            // server's own flusher may be writing a batch while this one runs: wait until the counts
            // are in, then check they are exact (a double count would overshoot).
            let adminHash = KeyHash(of: fixture.admin)
            let keyHash = KeyHash(of: key)
            func uses(_ hash: KeyHash) async throws -> Int64 { try await node.store.key(hash: hash)?.useCount ?? -1 }
            _ = try await eventually {
                await node.flushUsage()
                let (adminUses, keyUses) = (try await uses(adminHash), try await uses(keyHash))
                return adminUses >= Int64(2 * authenticated) && keyUses >= 2 * 3
            }
            #expect(try await uses(adminHash) == Int64(2 * authenticated))
            #expect(try await uses(keyHash) == 2 * 3, "VALID twice per path: plain, with its scope, escaped")
            #expect(try await uses(KeyHash(of: reader)) == 0, "a credential refused for its scope spends nothing, on either path")
        }
    }

    @Test("pipelined requests are answered in order, the verifications behind a router request included")
    func pipelining() async throws {
        try await ServerFixture.withLive { fixture, port in
            let (key, revoked, _) = try await fixture.issueKeys()
            try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(
                    rawRequest("GET", "/v1/keys?limit=100", token: fixture.admin)
                        + rawRequest("POST", "/v1/verify", token: fixture.admin, body: #"{"key":"\#(key)"}"#)
                        + rawRequest("GET", "/healthz")
                        + rawRequest("POST", "/v1/verify", token: fixture.admin, body: #"{"key":"\#(revoked)"}"#)
                )
                let listed = try #require(try await connection.answer())
                #expect(listed.status == 200 && listed.body.contains(#""keys""#))
                #expect(try await connection.answer()?.body.contains(#""code":"VALID""#) == true)
                #expect(try await connection.answer()?.body == #"{"status":"ok"}"#)
                #expect(try await connection.answer()?.body.contains(#""code":"REVOKED""#) == true)

                // Many verifications in one write, alternating keys: every answer in its place.
                let count = 300
                var batch = ""
                for index in 0..<count {
                    batch += rawRequest("POST", "/v1/verify", token: fixture.admin, body: #"{"key":"\#(index.isMultiple(of: 2) ? key : revoked)"}"#)
                }
                try await connection.send(batch)
                for index in 0..<count {
                    let answer = try #require(try await connection.answer())
                    #expect(answer.body.contains(index.isMultiple(of: 2) ? #""code":"VALID""# : #""code":"REVOKED""#), "answer \(index)")
                }
            }
        }
    }

    @Test("a body in pieces or chunked is read whole; Connection: close, Expect and an oversized body go to the router")
    func framing() async throws {
        try await ServerFixture.withLive(configure: { $0.maxBodyBytes = 1024 }) { fixture, port in
            let (key, _, _) = try await fixture.issueKeys()
            let body = #"{"key":"\#(key)","required_scopes":["orders:read"]}"#
            try await RawHTTPConnection.with(port: port) { connection in
                let request = rawRequest("POST", "/v1/verify", token: fixture.admin, body: body)
                let split = request.index(request.startIndex, offsetBy: request.utf8.count - body.utf8.count + 10)
                try await connection.send(String(request[..<split]))
                try await Task.sleep(for: .milliseconds(50))
                try await connection.send(String(request[split...]))
                #expect(try await connection.answer()?.body.contains(#""code":"VALID""#) == true)

                let half = body.utf8.count / 2
                let chunked = ["POST /v1/verify HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(fixture.admin)",
                               "Transfer-Encoding: chunked", "", ""].joined(separator: "\r\n")
                    + String(half, radix: 16) + "\r\n" + String(body.prefix(half)) + "\r\n"
                    + String(body.utf8.count - half, radix: 16) + "\r\n" + String(body.dropFirst(half)) + "\r\n0\r\n\r\n"
                try await connection.send(chunked)
                #expect(try await connection.answer()?.body.contains(#""code":"VALID""#) == true)

                let padded = #"{"key":"\#(key)","padding":"\#(String(repeating: "x", count: 2000))"}"#
                try await connection.send(rawRequest("POST", "/v1/verify", token: fixture.admin, body: padded))
                #expect(try await connection.answer()?.status == 413)
            }
            // A chunked body over the limit: no Content-Length to refuse it by.
            try await RawHTTPConnection.with(port: port) { connection in
                let big = String(repeating: " ", count: 1500) + body
                try await connection.send(["POST /v1/verify HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(fixture.admin)",
                                           "Transfer-Encoding: chunked", "", ""].joined(separator: "\r\n")
                    + String(big.utf8.count, radix: 16) + "\r\n" + big + "\r\n0\r\n\r\n")
                #expect(try await connection.answer()?.status == 413)
            }
            try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(rawRequest("POST", "/v1/verify", token: fixture.admin, body: body, headers: ["Expect: 100-continue"]))
                #expect(try await connection.answer()?.body.contains(#""code":"VALID""#) == true)
                try await connection.send(rawRequest("POST", "/v1/verify", token: fixture.admin, body: body, headers: ["Connection: close"]))
                #expect(try await connection.answer()?.body.contains(#""code":"VALID""#) == true)
                #expect(try await connection.isClosed())
            }
            let scraped = String(decoding: fixture.node.metrics.scrape(indexKeys: 0, webhooks: WebhookStats()), as: UTF8.self)
            #expect(scraped.contains(#"keyward_verify_answers_total{handler="event_loop"} 2"#), "\(scraped)")
            #expect(scraped.contains(#"keyward_verify_answers_total{handler="router"} 2"#))
        }
    }

    @Test("while the index is not current, a verification is confirmed against the store, not answered from the index")
    func failClosed() async throws {
        try await ServerFixture.withLive { fixture, port in
            let node = fixture.node
            let issued = try await node.keys.issue(IssueRequest(name: "stale", owner: "payments"), by: .system("test"))
            _ = try await node.keys.revoke(id: issued.record.id, reason: "test", by: .system("test"))
            // The index misses the revocation, as it would while the change feed is down.
            node.verifier.index.upsert(issued.record, now: fixture.clock.now())
            node.verifier.setIndexCurrent(false)
            let body = #"{"key":"\#(issued.plaintext.reveal())"}"#
            try await RawHTTPConnection.with(port: port) { connection in
                // A confirmation that cannot reach the store within its deadline is a 503 the
                // client retries (it happens on a loaded test machine); never a VALID.
                var answer: RawHTTPConnection.Answer?
                for _ in 0..<5 {
                    try await connection.send(rawRequest("POST", "/v1/verify", token: fixture.admin, body: body))
                    answer = try await connection.answer()
                    if answer?.status != 503 { break }
                }
                #expect(answer?.body.contains(#""code":"REVOKED""#) == true, "\(answer?.status ?? 0) \(answer?.body ?? "no answer")")
            }
            let scraped = String(decoding: node.metrics.scrape(indexKeys: 0, webhooks: WebhookStats()), as: UTF8.self)
            #expect(scraped.contains(#"keyward_verify_answers_total{handler="event_loop"} 0"#), "\(scraped)")
        }
    }

    @Test("a graceful shutdown lets the verification being read finish, then closes the connection")
    func gracefulShutdown() async throws {
        let fixture = try await ServerFixture.make { $0.port = 0 }
        let (key, _, _) = try await fixture.issueKeys()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = KeywardApplication.application(fixture.node) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        try await fixture.whileRunning({ try await group.run() }) {
            var port = 0
            for await next in ports { port = next; break }
            try await RawHTTPConnection.with(port: port) { connection in
                let request = rawRequest("POST", "/v1/verify", token: fixture.admin, body: #"{"key":"\#(key)"}"#)
                let split = request.index(request.endIndex, offsetBy: -5)
                try await connection.send(String(request[..<split]))
                try await Task.sleep(for: .milliseconds(100))
                await group.triggerGracefulShutdown()
                try await Task.sleep(for: .milliseconds(200))
                try await connection.send(String(request[split...]))
                #expect(try await connection.answer()?.body.contains(#""code":"VALID""#) == true)
                #expect(try await connection.isClosed())
            }
        }
    }

    static func json(_ text: String) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? NSDictionary
    }
}

extension ServerFixture {
    /// Runs `body` with the node served on a real socket by the application `keyward serve` runs.
    static func withLive(configure: (inout KeywardConfiguration) -> Void = { _ in }, _ body: (ServerFixture, Int) async throws -> Void) async throws {
        let fixture = try await make { configuration in
            configuration.host = "127.0.0.1"
            configuration.port = 0
            configure(&configuration)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = KeywardApplication.application(fixture.node) { port in continuation.yield(port) }
        try await fixture.whileRunning({ try await app.runService(gracefulShutdownSignals: []) }) {
            var port = 0
            for await next in ports { port = next; break }
            try await body(fixture, port)
        }
    }

    /// A key with scope orders:read in `live`, a revoked key, and a read-only credential.
    func issueKeys() async throws -> (key: String, revoked: String, reader: String) {
        let admin = Principal.system("test")
        let key = try await node.keys.issue(IssueRequest(name: "orders", owner: "payments", scopes: ["orders:read"], environment: "live"), by: admin)
        let revoked = try await node.keys.issue(IssueRequest(name: "old", owner: "payments"), by: admin)
        _ = try await node.keys.revoke(id: revoked.record.id, reason: "test", by: admin)
        let reader = try await node.keys.issue(IssueRequest(name: "reader", owner: "ops", scopes: [Scope.read]), by: admin)
        return (key.plaintext.reveal(), revoked.plaintext.reveal(), reader.plaintext.reveal())
    }
}
