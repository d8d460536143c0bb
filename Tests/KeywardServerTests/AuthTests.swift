import Hummingbird
import HummingbirdTesting
import KeywardCore
@testable import KeywardServer
import Testing

@Suite("Authentication and scopes")
struct AuthTests {
    @Test("no credential or a bad one is 401 with a challenge; a missing scope is 403")
    func unauthorizedAndForbidden() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let missing = try await client.call(.get, "/v1/keys", token: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "unauthorized")
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="keyward""#)
            #expect(try await client.call(.get, "/v1/keys", token: "not-a-key").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/keys", token: nil, headers: [.authorization: "Basic abc"]).status == .unauthorized)
            let unknown = KeyFormat.default.generate(environment: "live").reveal()
            #expect(try await client.call(.get, "/v1/keys", token: unknown).status == .unauthorized)

            let reader = try await client.issue(fixture.admin, #"{"name":"r","owner":"ops","scopes":["keyward:read"]}"#)
            #expect(try await client.call(.get, "/v1/keys", token: reader.key).status == .ok)
            let denied = try await client.call(.post, "/v1/keys", token: reader.key, json: #"{"name":"x","owner":"y"}"#)
            #expect(denied.status == .forbidden)
            #expect(denied.errorMessage.contains("keyward:write"))
            #expect(try await client.call(.post, "/v1/verify", token: reader.key, json: #"{"key":"x"}"#).status == .forbidden)

            let verifierKey = try await client.issue(fixture.admin, #"{"name":"v","owner":"ops","scopes":["keyward:verify"]}"#)
            #expect(try await client.call(.post, "/v1/verify", token: verifierKey.key, json: #"{"key":"x"}"#).status == .ok)
            #expect(try await client.call(.get, "/v1/keys", token: verifierKey.key).status == .forbidden)

            // A wildcard application key is not a keyward credential.
            let wildcard = try await client.issue(fixture.admin, #"{"name":"w","owner":"app","scopes":["*"]}"#)
            #expect(try await client.call(.get, "/v1/keys", token: wildcard.key).status == .forbidden)

            // Revoked credentials stop working at once.
            _ = try await client.call(.post, "/v1/keys/\(reader.id)/revoke", token: fixture.admin)
            #expect(try await client.call(.get, "/v1/keys", token: reader.key).status == .unauthorized)
        }
    }

    @Test("only an administrator can mint, rotate or revoke keyward credentials")
    func noEscalation() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let writer = try await client.issue(fixture.admin, #"{"name":"w","owner":"ci","scopes":["keyward:write"]}"#)
            let escalate = try await client.call(.post, "/v1/keys", token: writer.key, json: #"{"name":"x","owner":"ci","scopes":["keyward:admin"]}"#)
            #expect(escalate.status == .forbidden)
            #expect(try await client.call(.post, "/v1/keys/\(writer.id)/rotate", token: writer.key).status == .forbidden)
            let adminID = try #require(try await fixture.node.store.key(hash: KeyHash(of: fixture.admin))?.id)
            #expect(try await client.call(.post, "/v1/keys/\(adminID)/revoke", token: writer.key).status == .forbidden)
            #expect(try await client.call(.post, "/v1/revocations", token: writer.key, json: #"{"owner":"keyward-admin"}"#).status == .forbidden)
            #expect(try await client.call(.post, "/v1/keys", token: writer.key, json: #"{"name":"x","owner":"ci","scopes":["billing:read"]}"#).status == .created)
        }
    }

    @Test("a credential refused for its scope spends nothing: no rate-limit token, no use")
    func refusalSpendsNothing() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let reader = try await client.issue(
                fixture.admin, #"{"name":"r","owner":"ops","scopes":["keyward:read"],"rate_limit":{"limit":2,"window_seconds":3600}}"#)
            // Refused by scope, on the verify route and on another: each is a 403, however many.
            for _ in 0..<3 {
                #expect(try await client.call(.post, "/v1/verify", token: reader.key, json: #"{"key":"x"}"#).status == .forbidden)
                #expect(try await client.call(.post, "/v1/keys", token: reader.key, json: #"{"name":"x","owner":"y"}"#).status == .forbidden)
            }
            // So both tokens are still there, and only the two admitted requests count as uses.
            #expect(try await client.call(.get, "/v1/keys", token: reader.key).status == .ok)
            #expect(try await client.call(.get, "/v1/keys", token: reader.key).status == .ok)
            let limited = try await client.call(.get, "/v1/keys", token: reader.key)
            #expect(limited.status == .unauthorized && limited.errorMessage.contains("RATE_LIMITED"))
            await fixture.node.flushUsage()
            #expect(try await fixture.node.store.key(hash: KeyHash(of: reader.key))?.useCount == 2)
        }
    }

    @Test("the one credential check: each outcome, and only a valid credential spends its token and a use")
    func credentialCheck() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.whileRunning({}) {
            let authenticator = fixture.node.authenticator
            let issued = try await fixture.node.keys.issue(
                IssueRequest(name: "r", owner: "ops", scopes: [Scope.read], rateLimit: try RateLimitPolicy(limit: 1, windowSeconds: 3600)),
                by: .system("test"))
            let reader = issued.plaintext.reveal()
            let entry = try #require(fixture.node.verifier.index.lookup(issued.record.hash))
            func check(_ header: String?, _ scope: RequiredScope) -> String {
                switch authenticator.check(header: header, peer: nil, scope: scope) {
                case .missing: return "missing"
                case .malformedHeader: return "malformed header"
                case .invalid(let code): return code.rawValue
                case .forbidden: return "forbidden"
                case .valid: return "valid"
                }
            }
            #expect(check(nil, .read) == "missing")
            #expect(check("Basic abc", .read) == "malformed header")
            #expect(check("Bearer kw_live_nonsense", .read) == "MALFORMED")
            #expect(check("Bearer \(KeyFormat.default.generate(environment: "live").reveal())", .read) == "NOT_FOUND")
            for _ in 0..<3 { #expect(check("Bearer \(reader)", .verify) == "forbidden") }
            #expect(entry.unflushedUses == 0, "a refusal counts no use")
            #expect(check("bearer  \(reader) ", .read) == "valid", "the scheme is case-insensitive, spaces around the token ignored")
            #expect(entry.unflushedUses == 1)
            #expect(check("Bearer \(reader)", .read) == "RATE_LIMITED", "the one token went to the valid check")
            #expect(check("Bearer \(fixture.admin)", .verify) == "valid", "keyward:admin grants keyward:verify")
        }
    }

    @Test("repeated failures from one address are counted and then delayed")
    func failedAuthThrottle() async throws {
        try await ServerFixture.withRouter(configure: { $0.failedAuthThreshold = 3 }) { fixture, client in
            for _ in 0..<3 { _ = try await client.call(.get, "/v1/keys", token: "nope") }
            #expect(fixture.node.authenticator.throttle.failures(from: "unknown") == 3)
            _ = try await client.call(.get, "/v1/keys", token: nil)
            #expect(fixture.node.authenticator.throttle.failures(from: "unknown") == 4)
            // A valid credential is not slowed down and does not count.
            #expect(try await client.call(.get, "/v1/keys", token: fixture.admin).status == .ok)
            #expect(fixture.node.authenticator.throttle.failures(from: "unknown") == 4)
        }
    }

    @Test("throttle delays double past the threshold and are capped")
    func throttleDelays() {
        #expect(FailedAuthThrottle.delay(afterFailures: 5, threshold: 5) == .zero)
        #expect(FailedAuthThrottle.delay(afterFailures: 6, threshold: 5) == .milliseconds(100))
        #expect(FailedAuthThrottle.delay(afterFailures: 7, threshold: 5) == .milliseconds(200))
        #expect(FailedAuthThrottle.delay(afterFailures: 60, threshold: 5) == .milliseconds(5000))
        let throttle = FailedAuthThrottle(threshold: 2, windowSeconds: 60, maximumEntries: 10)
        let now = Timestamp(secondsSinceEpoch: 1000)
        #expect(throttle.recordFailure(from: "a", at: now) == .zero)
        #expect(throttle.recordFailure(from: "a", at: now) == .zero)
        #expect(throttle.recordFailure(from: "a", at: now) == .milliseconds(100))
        #expect(throttle.recordFailure(from: "a", at: now.adding(seconds: 61)) == .zero, "a new window starts over")
        for index in 0..<50 { _ = throttle.recordFailure(from: "addr\(index)", at: now) }
        #expect(throttle.failures(from: "addr49") == 1, "the table stays bounded and keeps recent entries")
    }
}
