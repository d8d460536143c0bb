import KeywardCore
import Testing

@Suite("Key life-cycle rules")
struct LifecycleTests {
    let lifecycle = try! KeyLifecycle()
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    func issue(_ request: IssueRequest = IssueRequest(name: "billing", owner: "team-pay", scopes: ["b:read"], ttlSeconds: 3600)) throws -> KeyLifecycle.Issued {
        try lifecycle.issue(request, now: now)
    }

    @Test("issue normalises scopes and sets expiry from ttl or expires_at")
    func issueBasics() throws {
        let issued = try issue(IssueRequest(name: "n", owner: "o", scopes: ["b", "a", "b"], ttlSeconds: 60))
        #expect(issued.record.scopes == ["a", "b"])
        #expect(issued.record.expiresAt == now.adding(seconds: 60))
        #expect(issued.record.hash == issued.plaintext.hash)
        #expect(issued.record.environment == "live")
        #expect(issued.record.start.count == 4)
        #expect(issued.plaintext.reveal().hasPrefix("kw_live_" + issued.record.start))
        let explicit = try issue(IssueRequest(name: "n", owner: "o", expiresAt: now.adding(seconds: 10)))
        #expect(explicit.record.expiresAt == now.adding(seconds: 10))
        #expect(try issue(IssueRequest(name: "n", owner: "o")).record.expiresAt == nil)
    }

    @Test("issue rejects bad input with a message naming the field", arguments: [
        (IssueRequest(name: "", owner: "o"), "name"),
        (IssueRequest(name: "n", owner: String(repeating: "o", count: 129)), "owner"),
        (IssueRequest(name: "n\u{0}", owner: "o"), "name"),
        (IssueRequest(name: " n", owner: "o"), "name"),
        (IssueRequest(name: "n", owner: "o", ttlSeconds: -5), "ttl_seconds"),
        (IssueRequest(name: "n", owner: "o", ttlSeconds: 0), "ttl_seconds"),
        (IssueRequest(name: "n", owner: "o", ttlSeconds: Int64.max), "ttl_seconds"),
        (IssueRequest(name: "n", owner: "o", expiresAt: Timestamp(secondsSinceEpoch: 1), ttlSeconds: 5), "either"),
        (IssueRequest(name: "n", owner: "o", expiresAt: Timestamp(secondsSinceEpoch: 1)), "expires_at"),
        (IssueRequest(name: "n", owner: "o", environment: "prod"), "environment"),
        (IssueRequest(name: "n", owner: "o", scopes: ["bad scope"]), "scope"),
        (IssueRequest(name: "n", owner: "o", scopes: (0..<65).map { "s\($0)" }), "scopes"),
        (IssueRequest(name: "n", owner: "o", meta: ["x": .string(String(repeating: "x", count: 20_000))]), "meta"),
    ])
    func issueRejects(request: IssueRequest, field: String) {
        do {
            _ = try lifecycle.issue(request, now: now)
            Issue.record("expected an error mentioning \(field)")
        } catch let error as KeywardError {
            guard case .invalidArgument(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains(field), "\(message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("rotation keeps the configuration and lifetime, and bounds the grace by the old expiry")
    func rotation() throws {
        let old = try issue().record
        let later = now.adding(seconds: 600)
        let rotation = try lifecycle.rotate(old, graceSeconds: 300, now: later)
        let successor = rotation.successor.record
        #expect(successor.owner == old.owner && successor.scopes == old.scopes && successor.name == old.name)
        #expect(successor.environment == old.environment && successor.meta == old.meta)
        #expect(successor.rotatedFrom == old.id)
        #expect(successor.expiresAt == later.adding(seconds: 3600), "same one-hour lifetime")
        #expect(rotation.retired.state == .rotating)
        #expect(rotation.retired.rotatedTo == successor.id)
        #expect(rotation.retired.expiresAt == later.adding(seconds: 300))
        #expect(rotation.retired.status(at: later.adding(seconds: 299)) == .rotating)
        #expect(rotation.retired.status(at: later.adding(seconds: 300)) == .expired)
        // A grace longer than the key has left ends at the key's own expiry.
        let long = try lifecycle.rotate(old, graceSeconds: 86_400, now: later)
        #expect(long.retired.expiresAt == old.expiresAt)
    }

    @Test("grace 0 retires the old key at once; a rotated key cannot be rotated again")
    func graceZeroAndTwice() throws {
        let old = try issue().record
        let rotation = try lifecycle.rotate(old, graceSeconds: 0, now: now)
        #expect(rotation.retired.status(at: now) == .expired)
        let twice = try lifecycle.rotate(old, graceSeconds: 60, now: now)
        #expect(throws: KeywardError.self) { try lifecycle.rotate(twice.retired, graceSeconds: 60, now: now) }
        // The successor can be rotated during the first grace.
        let again = try lifecycle.rotate(twice.successor.record, graceSeconds: 60, now: now.adding(seconds: 10))
        #expect(again.retired.status(at: now.adding(seconds: 11)) == .rotating)
        #expect(throws: KeywardError.self) { try lifecycle.rotate(old, graceSeconds: -1, now: now) }
    }

    @Test("revoked, disabled and expired keys do not rotate")
    func rotationPreconditions() throws {
        let record = try issue().record
        let revoked = try #require(try lifecycle.revoke(record, reason: "leak", now: now))
        #expect(throws: KeywardError.self) { try lifecycle.rotate(revoked, graceSeconds: 1, now: now) }
        let disabled = try #require(try lifecycle.setDisabled(record, true, now: now))
        #expect(throws: KeywardError.self) { try lifecycle.rotate(disabled, graceSeconds: 1, now: now) }
        #expect(throws: KeywardError.self) { try lifecycle.rotate(record, graceSeconds: 1, now: now.adding(seconds: 7200)) }
    }

    @Test("revocation is idempotent and final; disable is reversible")
    func revokeAndDisable() throws {
        let record = try issue().record
        let revoked = try #require(try lifecycle.revoke(record, reason: "offboarding", now: now))
        #expect(revoked.status(at: now) == .revoked)
        #expect(revoked.revokeReason == "offboarding")
        #expect(try lifecycle.revoke(revoked, reason: "again", now: now) == nil)
        #expect(throws: KeywardError.self) { try lifecycle.setDisabled(revoked, true, now: now) }
        let disabled = try #require(try lifecycle.setDisabled(record, true, now: now))
        #expect(disabled.status(at: now) == .disabled)
        #expect(try lifecycle.setDisabled(disabled, true, now: now) == nil)
        let enabled = try #require(try lifecycle.setDisabled(disabled, false, now: now))
        #expect(enabled.status(at: now) == .active)
    }

    @Test("status precedence: revoked over disabled over expired")
    func statusPrecedence() throws {
        var record = try issue().record
        let late = now.adding(seconds: 7200)
        #expect(record.status(at: late) == .expired)
        record.disabled = true
        #expect(record.status(at: late) == .disabled)
        record.state = .revoked
        #expect(record.status(at: late) == .revoked)
    }
}
