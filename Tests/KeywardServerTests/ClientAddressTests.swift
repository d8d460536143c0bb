import Foundation
import KeywardCore
import KeywardSettings
import Testing
@testable import KeywardServer

/// The failed-auth throttle's bound on waiting failures, and the client address behind a
/// trusted proxy (`trusted_proxies`).
@Suite("Client address and failed-auth throttle", .timeLimit(.minutes(2)))
struct ClientAddressTests {
    @Test("failures of one address queue behind each other, and beyond maximumWaiting the address is refused before it is checked")
    func throttleCountsWaitingFailures() {
        let throttle = FailedAuthThrottle(threshold: 5, windowSeconds: 60, maximumWaiting: 8)
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        var waits: [Duration] = []
        var refused = 0
        for _ in 0..<200 {
            guard throttle.admits("a") else { refused += 1; continue }
            waits.append(throttle.recordFailure(from: "a", at: now))
        }
        #expect(waits.count == 13, "5 answered at once, 8 waiting")
        #expect(refused == 187)
        #expect(waits.prefix(5).allSatisfy { $0 == .zero })
        #expect(Array(waits.suffix(8)) == [100, 300, 700, 1500, 3100, 6300, 11300, 16300].map { .milliseconds($0) }, "each waits behind the one before")
        #expect(throttle.admits("b"), "other addresses are not affected")
        throttle.answered("a")
        #expect(throttle.admits("a"), "an answered failure frees a place")
    }

    @Test("concurrent failures from one address: a bounded number get a verdict, the rest 429 without being checked")
    func concurrentFailures() async throws {
        try await ServerFixture.withRouter(configure: { $0.failedAuthThreshold = 2; $0.failedAuthMaximumWaiting = 2 }) { _, client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { Int(try await client.call(.get, "/v1/keys", token: "kw_live_wrong").status.code) } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let unauthorized = statuses.filter { $0 == 401 }.count
            #expect(unauthorized < 10, "threshold 2 plus 2 waiting (and any answered meanwhile); got \(unauthorized) verdicts")
            #expect(statuses.filter { $0 == 429 }.count == 40 - unauthorized)
        }
    }

    @Test("X-Forwarded-For: the right-most address that is not a trusted proxy, and only from a trusted peer")
    func forwardedFor() {
        let proxies = TrustedProxies(networks: [CIDR("10.0.0.0/8")!, CIDR("127.0.0.1/32")!])
        let proxy = IPAddress("10.1.1.1")!
        #expect(proxies.client(peer: proxy, forwardedFor: ["198.51.100.7, 203.0.113.9, 10.2.2.2"]) == IPAddress("203.0.113.9"))
        #expect(proxies.client(peer: proxy, forwardedFor: ["198.51.100.7", "203.0.113.9:4431"]) == IPAddress("203.0.113.9"))
        #expect(proxies.client(peer: proxy, forwardedFor: ["[2001:db8::1]:443"]) == IPAddress("2001:db8::1"))
        #expect(proxies.client(peer: proxy, forwardedFor: ["10.3.3.3"]) == IPAddress("10.3.3.3"), "all trusted: the left-most")
        #expect(proxies.client(peer: proxy, forwardedFor: ["203.0.113.9, garbage, 10.2.2.2"]) == IPAddress("10.2.2.2"), "stops at what no proxy wrote")
        #expect(proxies.client(peer: proxy, forwardedFor: []) == proxy)
        #expect(proxies.client(peer: IPAddress("192.0.2.1"), forwardedFor: ["203.0.113.9"]) == IPAddress("192.0.2.1"), "an untrusted peer keeps its address")
        #expect(TrustedProxies(networks: []).client(peer: proxy, forwardedFor: ["203.0.113.9"]) == proxy)
    }

    @Test("behind a trusted proxy, allowed_cidrs and the throttle see the forwarded client, on the router and the verify fast path")
    func trustedProxyOnSocket() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.trustedProxies = [CIDR("127.0.0.1/32")!] }) { fixture, port in
            let reader = try await fixture.node.keys.issue(
                IssueRequest(name: "r", owner: "o", scopes: [Scope.read, Scope.verify], allowedCIDRs: [CIDR("203.0.113.0/24")!]), by: .system("test"))
            let token = reader.plaintext.reveal()
            func status(_ request: String) async throws -> Int? {
                try await RawHTTPConnection.with(port: port) { connection in
                    try await connection.send(request)
                    return try await connection.answer()?.status
                }
            }
            #expect(try await status(rawRequest("GET", "/v1/keys?limit=1", token: token, headers: ["X-Forwarded-For: 203.0.113.9"])) == 200)
            #expect(try await status(rawRequest("GET", "/v1/keys?limit=1", token: token, headers: ["X-Forwarded-For: 198.51.100.1"])) == 401)
            #expect(try await status(rawRequest("GET", "/v1/keys?limit=1", token: token)) == 401)
            let verify = rawRequest("POST", "/v1/verify", token: token, body: #"{"key":"\#(token)"}"#, headers: ["X-Forwarded-For: 203.0.113.9"])
            #expect(try await status(verify) == 200)
            #expect(fixture.node.authenticator.throttle.failures(from: "198.51.100.1") == 1)
            #expect(fixture.node.authenticator.throttle.failures(from: "127.0.0.1") == 1)
        }
    }

    @Test("without trusted_proxies X-Forwarded-For is ignored")
    func untrustedForwardedFor() async throws {
        try await ServerFixture.withLive { fixture, port in
            let answer = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(rawRequest("GET", "/v1/keys", token: "kw_live_wrong", headers: ["X-Forwarded-For: 198.51.100.1"]))
                return try await connection.answer()
            }
            #expect(answer?.status == 401)
            #expect(fixture.node.authenticator.throttle.failures(from: "127.0.0.1") == 1)
            #expect(fixture.node.authenticator.throttle.failures(from: "198.51.100.1") == 0)
        }
    }
}
