import KeywardCore
import Testing

@Suite("Verifier")
struct VerifierTests {
    let clock = ManualClock()
    let lifecycle = try! KeyLifecycle()

    func setUp(_ requests: [IssueRequest]) throws -> (Verifier, [KeyLifecycle.Issued]) {
        let verifier = Verifier(format: lifecycle.format, clock: clock)
        let issued = try requests.map { try lifecycle.issue($0, now: clock.now()) }
        verifier.index.load(issued.map(\.record), now: clock.now())
        return (verifier, issued)
    }

    @Test("every answer code")
    func codes() throws {
        let (verifier, keys) = try setUp([
            IssueRequest(name: "a", owner: "o", scopes: ["billing:read"], ttlSeconds: 60),
            IssueRequest(name: "b", owner: "o", allowedCIDRs: [CIDR("10.0.0.0/8")!]),
            IssueRequest(name: "c", owner: "o", rateLimit: try RateLimitPolicy(limit: 2, windowSeconds: 60)),
        ])
        let key = keys[0].plaintext.reveal()
        #expect(verifier.verify(key).code == .valid)
        #expect(verifier.verify(key, requiredScopes: ["billing:read"]).code == .valid)
        #expect(verifier.verify(key, requiredScopes: ["billing:write"]).code == .insufficientScope)
        #expect(verifier.verify(String(key.dropLast()) + (key.last == "0" ? "1" : "0")).code == .malformed)
        #expect(verifier.verify("hello").code == .malformed)
        #expect(verifier.verify(lifecycle.format.generate(environment: "live").reveal()).code == .notFound)
        #expect(verifier.verify(try KeyFormat(prefix: "other").generate(environment: "live").reveal()).code == .notFound)

        let restricted = keys[1].plaintext.reveal()
        #expect(verifier.verify(restricted, caller: IPAddress("10.9.8.7")).code == .valid)
        #expect(verifier.verify(restricted, caller: IPAddress("192.168.1.1")).code == .ipNotAllowed)
        #expect(verifier.verify(restricted, caller: nil).code == .ipNotAllowed)

        let limited = keys[2].plaintext.reveal()
        #expect(verifier.verify(limited).code == .valid)
        #expect(verifier.verify(limited).code == .valid)
        #expect(verifier.verify(limited).code == .rateLimited)
        clock.advance(seconds: 30)  // refills one token
        #expect(verifier.verify(limited).code == .valid)
        #expect(verifier.verify(limited).code == .rateLimited)

        clock.advance(seconds: 31)
        #expect(verifier.verify(key).code == .expired)
    }

    @Test("index updates apply at once: revoke, disable, enable, rotate")
    func stateChanges() throws {
        let (verifier, keys) = try setUp([IssueRequest(name: "a", owner: "o")])
        let record = keys[0].record
        let key = keys[0].plaintext.reveal()
        let disabled = try #require(try lifecycle.setDisabled(record, true, now: clock.now()))
        verifier.index.upsert(disabled, now: clock.now())
        #expect(verifier.verify(key).code == .disabled)
        let enabled = try #require(try lifecycle.setDisabled(disabled, false, now: clock.now()))
        verifier.index.upsert(enabled, now: clock.now())
        #expect(verifier.verify(key).code == .valid)
        let rotation = try lifecycle.rotate(enabled, graceSeconds: 10, now: clock.now())
        verifier.index.upsert(rotation.retired, now: clock.now())
        verifier.index.upsert(rotation.successor.record, now: clock.now())
        #expect(verifier.verify(key).code == .valid)
        #expect(verifier.verify(rotation.successor.plaintext.reveal()).code == .valid)
        clock.advance(seconds: 10)
        #expect(verifier.verify(key).code == .expired)
        let revoked = try #require(try lifecycle.revoke(rotation.successor.record, reason: nil, now: clock.now()))
        verifier.index.upsert(revoked, now: clock.now())
        #expect(verifier.verify(rotation.successor.plaintext.reveal()).code == .revoked)
        #expect(verifier.index.count == 2)
    }

    @Test("a refusal spends no rate-limit token; only VALID does")
    func refusalsSpendNoToken() throws {
        let (verifier, keys) = try setUp([
            IssueRequest(name: "a", owner: "o", scopes: ["orders:read"], rateLimit: try RateLimitPolicy(limit: 1, windowSeconds: 60),
                         allowedCIDRs: [CIDR("10.0.0.0/8")!]),
        ])
        let key = keys[0].plaintext.reveal()
        for _ in 0..<3 {
            #expect(verifier.verify(key, requiredScopes: ["orders:write"], caller: IPAddress("10.0.0.1")).code == .insufficientScope)
            #expect(verifier.verify(key, caller: IPAddress("192.168.0.1")).code == .ipNotAllowed)
        }
        #expect(verifier.verify(key, requiredScopes: ["orders:read"], caller: IPAddress("10.0.0.1")).code == .valid)
        #expect(verifier.verify(key, requiredScopes: ["orders:read"], caller: IPAddress("10.0.0.1")).code == .rateLimited)
    }
}
