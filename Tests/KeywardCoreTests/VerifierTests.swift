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

    @Test("usage is counted in memory and drained once")
    func usageLedger() throws {
        let (verifier, keys) = try setUp([IssueRequest(name: "a", owner: "o"), IssueRequest(name: "b", owner: "o")])
        for _ in 0..<5 { _ = verifier.verify(keys[0].plaintext.reveal()) }
        clock.advance(seconds: 3)
        _ = verifier.verify(keys[0].plaintext.reveal())
        _ = verifier.verify(keys[1].plaintext.reveal(), requiredScopes: ["nope"])  // refused: not counted
        let deltas = verifier.ledger.drain()
        #expect(deltas.count == 1)
        #expect(deltas.first?.keyID == keys[0].record.id)
        #expect(deltas.first?.uses == 6)
        #expect(deltas.first?.lastUsedAt == clock.now())
        #expect(verifier.ledger.drain().isEmpty)
        _ = verifier.verify(keys[0].plaintext.reveal())
        verifier.ledger.restore(deltas)
        let merged = verifier.ledger.drain()
        #expect(merged.count == 1)
        #expect(merged.first?.uses == 7, "a restored batch merges with new uses")
    }

    @Test("concurrent verifications lose no counts")
    func concurrentCounting() async throws {
        let (verifier, keys) = try setUp([IssueRequest(name: "a", owner: "o")])
        let key = keys[0].plaintext.reveal()
        var total: Int64 = 0
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<5000 { _ = verifier.verify(key) } }
            }
            group.addTask {
                for _ in 0..<50 { _ = verifier.ledger.drain().map(\.uses).reduce(0, +); await Task.yield() }
            }
        }
        // The drainer above discards what it took; count what is left plus a fresh run.
        _ = verifier.ledger.drain()
        for _ in 0..<1000 { _ = verifier.verify(key) }
        total = verifier.ledger.drain().map(\.uses).reduce(0, +)
        #expect(total == 1000)
    }
}
