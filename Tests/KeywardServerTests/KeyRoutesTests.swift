import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardStore
import KeywardServer
import KeywardSettings
import KeywardTestSupport
import Testing

@Suite("Key routes")
struct KeyRoutesTests {
    @Test("issue returns the plaintext once; show and list never do")
    func issueShowList() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let created = try await client.call(.post, "/v1/keys", token: fixture.admin, json: """
                {"name":"billing","owner":"team-pay","scopes":["billing:read"],"environment":"test","ttl_seconds":3600,"meta":{"ticket":"SEC-1"}}
                """)
            #expect(created.status == .created)
            let issued = try created.decode(IssuedKeyObject.self)
            #expect(issued.key.hasPrefix("kw_test_"))
            #expect(issued.object.status == .active)
            #expect(issued.object.expiresAt == fixture.clock.now().adding(seconds: 3600))
            #expect(issued.object.meta == ["ticket": "SEC-1"])
            for key in ["id", "name", "owner", "prefix", "start", "environment", "scopes", "status", "created_at", "expires_at", "last_used_at", "revoked_at", "meta"] {
                #expect(created.json.keys.contains(key), "fixed field \(key)")
            }
            let shown = try await client.call(.get, "/v1/keys/\(issued.object.id)", token: fixture.admin)
            #expect(shown.status == .ok)
            #expect(!shown.text.contains(issued.key))
            #expect(!shown.text.contains(String(issued.key.suffix(30))))
            let listed = try await client.call(.get, "/v1/keys?owner=team-pay", token: fixture.admin)
            let list = try listed.decode(KeyListObject.self)
            #expect(list.keys.map(\.id) == [issued.object.id])
            #expect(!listed.text.contains(String(issued.key.suffix(30))))
            let filtered = try await client.call(.get, "/v1/keys?environment=live&status=active", token: fixture.admin).decode(KeyListObject.self)
            #expect(filtered.keys.allSatisfy { $0.environment == "live" && $0.status == .active })
        }
    }

    @Test("cursor pagination visits every key once")
    func pagination() async throws {
        try await ServerFixture.withRouter { fixture, client in
            for index in 0..<7 { _ = try await client.issue(fixture.admin, #"{"name":"k\#(index)","owner":"pages"}"#) }
            var ids: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/keys?owner=pages&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.call(.get, path, token: fixture.admin).decode(KeyListObject.self)
                #expect(page.keys.count <= 3)
                ids += page.keys.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(ids.count == 7 && Set(ids).count == 7)
        }
    }

    @Test("verify answers every code over HTTP")
    func verifyCodes() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let token = fixture.admin
            let key = try await client.issue(token, #"{"name":"a","owner":"o","scopes":["billing:read"],"ttl_seconds":60}"#)
            var answer = try await client.verify(token, key.key)
            #expect(answer["valid"] as? Bool == true)
            #expect(answer["code"] as? String == "VALID")
            #expect(answer["key_id"] as? String == key.id)
            #expect(answer["owner"] as? String == "o")
            #expect(answer["scopes"] as? [String] == ["billing:read"])
            #expect(answer["environment"] as? String == "live")
            #expect(answer["expires_at"] as? String == fixture.clock.now().adding(seconds: 60).iso8601)
            #expect(try await client.verify(token, key.key, scopes: ["billing:write"])["code"] as? String == "INSUFFICIENT_SCOPE")
            let tampered = String(key.key.dropLast()) + (key.key.hasSuffix("A") ? "B" : "A")
            answer = try await client.verify(token, tampered)
            #expect(answer["code"] as? String == "MALFORMED")
            #expect(answer["valid"] as? Bool == false)
            #expect(answer["key_id"] == nil)
            #expect(try await client.verify(token, KeyFormat.default.generate(environment: "live").reveal())["code"] as? String == "NOT_FOUND")

            let limited = try await client.issue(token, #"{"name":"l","owner":"o","rate_limit":{"limit":1,"window_seconds":3600}}"#)
            #expect(try await client.verify(token, limited.key)["code"] as? String == "VALID")
            #expect(try await client.verify(token, limited.key)["code"] as? String == "RATE_LIMITED")

            let fenced = try await client.issue(token, #"{"name":"f","owner":"o","allowed_cidrs":["10.0.0.0/8","2001:db8::/32"]}"#)
            #expect(try await client.verify(token, fenced.key, ip: "10.1.2.3")["code"] as? String == "VALID")
            #expect(try await client.verify(token, fenced.key, ip: "2001:db8::7")["code"] as? String == "VALID")
            #expect(try await client.verify(token, fenced.key, ip: "192.168.0.1")["code"] as? String == "IP_NOT_ALLOWED")
            #expect(try await client.verify(token, fenced.key)["code"] as? String == "IP_NOT_ALLOWED", "no address known: refused")

            _ = try await client.call(.post, "/v1/keys/\(key.id)/disable", token: token)
            #expect(try await client.verify(token, key.key)["code"] as? String == "DISABLED")
            _ = try await client.call(.post, "/v1/keys/\(key.id)/enable", token: token)
            #expect(try await client.verify(token, key.key)["code"] as? String == "VALID")
            fixture.clock.advance(seconds: 61)
            #expect(try await client.verify(token, key.key)["code"] as? String == "EXPIRED")
            let revoked = try await client.call(.post, "/v1/keys/\(limited.id)/revoke", token: token, json: #"{"reason":"leaked in CI log"}"#)
            #expect(revoked.json["status"] as? String == "revoked")
            #expect(revoked.json["revoke_reason"] as? String == "leaked in CI log")
            #expect(try await client.verify(token, limited.key)["code"] as? String == "REVOKED")
        }
    }

    @Test("rotation: old key valid during the grace, expired after; grace 0; rotating twice")
    func rotation() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let token = fixture.admin
            let first = try await client.issue(token, #"{"name":"svc","owner":"o","scopes":["a","b"],"environment":"test","meta":{"k":"v"},"ttl_seconds":86400}"#)
            let rotated = try await client.call(.post, "/v1/keys/\(first.id)/rotate", token: token, json: #"{"grace_seconds":300}"#)
            #expect(rotated.status == .created)
            let successor = try rotated.decode(IssuedKeyObject.self)
            #expect(successor.object.owner == "o" && successor.object.scopes == ["a", "b"] && successor.object.environment == "test")
            #expect(successor.object.meta == ["k": "v"])
            #expect(successor.replaces == .init(id: first.id, status: .rotating, expiresAt: fixture.clock.now().adding(seconds: 300)))
            #expect(try await client.verify(token, first.key)["code"] as? String == "VALID")
            #expect(try await client.verify(token, successor.key)["code"] as? String == "VALID")
            #expect(try await client.call(.get, "/v1/keys/\(first.id)", token: token).json["status"] as? String == "rotating")

            // Rotating the old key again is refused; rotating the successor during the grace works.
            let again = try await client.call(.post, "/v1/keys/\(first.id)/rotate", token: token)
            #expect(again.status == .conflict)
            #expect(again.errorMessage.contains(successor.object.id))
            let third = try await client.call(.post, "/v1/keys/\(successor.object.id)/rotate", token: token, json: #"{"grace_seconds":600}"#).decode(IssuedKeyObject.self)
            fixture.clock.advance(seconds: 301)
            #expect(try await client.verify(token, first.key)["code"] as? String == "EXPIRED")
            #expect(try await client.verify(token, successor.key)["code"] as? String == "VALID")
            #expect(try await client.verify(token, third.key)["code"] as? String == "VALID")
            #expect(try await client.call(.get, "/v1/keys/\(first.id)", token: token).json["status"] as? String == "expired")

            // Grace 0 retires at once; with no body the default grace (one day) applies.
            let immediate = try await client.call(.post, "/v1/keys/\(third.object.id)/rotate", token: token, json: #"{"grace_seconds":0}"#)
            #expect(immediate.status == .created)
            #expect(try await client.verify(token, third.key)["code"] as? String == "EXPIRED")
            let plain = try await client.issue(token, #"{"name":"p","owner":"o"}"#)
            let defaulted = try await client.call(.post, "/v1/keys/\(plain.id)/rotate", token: token).decode(IssuedKeyObject.self)
            #expect(defaulted.replaces?.expiresAt == fixture.clock.now().adding(seconds: 86_400))
        }
    }

    @Test("bulk revocation by owner revokes every key of that owner only")
    func bulkRevoke() async throws {
        try await ServerFixture.withRouter { fixture, client in
            var alice: [String] = []
            for index in 0..<5 { alice.append(try await client.issue(fixture.admin, #"{"name":"a\#(index)","owner":"alice"}"#).key) }
            let bob = try await client.issue(fixture.admin, #"{"name":"b","owner":"bob"}"#)
            let answer = try await client.call(.post, "/v1/revocations", token: fixture.admin, json: #"{"owner":"alice","reason":"left the company"}"#)
            #expect(answer.status == .ok)
            #expect(answer.json["revoked"] as? Int == 5)
            for key in alice { #expect(try await client.verify(fixture.admin, key)["code"] as? String == "REVOKED") }
            #expect(try await client.verify(fixture.admin, bob.key)["code"] as? String == "VALID")
            let again = try await client.call(.post, "/v1/revocations", token: fixture.admin, json: #"{"owner":"alice"}"#)
            #expect(again.json["revoked"] as? Int == 0)
        }
    }

    @Test("usage counts and last use reach the store in a flush, not per verification")
    func usageFlush() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"u","owner":"o"}"#)
            for _ in 0..<7 { _ = try await client.verify(fixture.admin, key.key) }
            let keyID = try #require(KeyID(key.id))
            let stored = try #require(try await fixture.node.store.key(id: keyID))
            #expect(stored.useCount == 0, "nothing written per verification")
            let shown = try await client.call(.get, "/v1/keys/\(key.id)", token: fixture.admin)
            #expect(shown.json["use_count"] as? Int == 7, "unflushed usage is folded into the answer")
            await fixture.node.flushUsage()
            let flushed = try #require(try await fixture.node.store.key(id: keyID))
            #expect(flushed.useCount == 7)
            #expect(flushed.lastUsedAt == fixture.clock.now())
        }
    }

    @Test("lookup by hash finds keys and their status without plaintext")
    func lookup() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"l","owner":"o"}"#)
            let unknown = KeyHash(of: "kw_live_unknown").hex
            let answer = try await client.call(.post, "/v1/keys/lookup", token: fixture.admin, json: #"{"hashes":["\#(KeyHash(of: key.key).hex)","\#(unknown)"]}"#)
            let result = try answer.decode(LookupResult.self)
            #expect(result.matches.map(\.keyID) == [key.id])
            #expect(result.matches.first?.status == .active)
            #expect(try await client.call(.post, "/v1/keys/lookup", token: fixture.admin, json: #"{"hashes":["xyz"]}"#).status == .badRequest)
        }
    }

    @Test("lookup of many hashes: every known key in request order, from one store query per chunk of hashes")
    func lookupMany() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-lookup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = KeywardConfiguration()
        configuration.databasePath = directory.appendingPathComponent("keyward.db").path
        // The store's connections log every statement they run (SQLKit, debug level).
        let log = CapturedLog()
        let store = try await SQLStore.openSQLite(path: configuration.databasePath, logger: log.logger)
        do {
            let node = try await KeywardNode(store: store, configuration: configuration, clock: ManualClock(Timestamp(secondsSinceEpoch: 1_800_000_000)))
            let admin = try await node.keys.bootstrapAdmin()!.reveal()
            try await Application(router: KeywardApplication.router(node)).test(.router) { client in
                var keys: [(id: String, key: String)] = []
                for index in 0..<3 { keys.append(try await client.issue(admin, #"{"name":"m\#(index)","owner":"o"}"#)) }
                // 800 hashes come close to the default 64 KiB body limit.
                var hashes = (0..<800).map { KeyHash(of: "kw_live_unknown_\($0)").hex }
                // One known key in each of the store's chunks, the last at the very end.
                hashes[499] = KeyHash(of: keys[1].key).hex
                hashes[3] = KeyHash(of: keys[0].key).hex
                hashes[799] = KeyHash(of: keys[2].key).hex
                let json = String(decoding: try JSONEncoder().encode(LookupBody(hashes: hashes)), as: UTF8.self)
                func statements(_ text: String) -> Int { log.text.components(separatedBy: text).count - 1 }
                let (batched, single) = (statements("FROM keys WHERE hash IN"), statements("FROM keys WHERE hash ="))
                let result = try await client.call(.post, "/v1/keys/lookup", token: admin, json: json).decode(LookupResult.self)
                #expect(result.matches.map(\.keyID) == [keys[0].id, keys[1].id, keys[2].id])
                #expect(result.matches.map(\.hash) == [hashes[3], hashes[499], hashes[799]])
                #expect(statements("FROM keys WHERE hash IN") - batched == 2, "800 hashes are two queries of at most \(SQLStore.hashesPerQuery)")
                #expect(statements("FROM keys WHERE hash =") == single, "no query per hash")
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("audit log over HTTP lists events newest first and verifies the chain")
    func auditRoutes() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let key = try await client.issue(fixture.admin, #"{"name":"a","owner":"o"}"#)
            _ = try await client.call(.post, "/v1/keys/\(key.id)/revoke", token: fixture.admin, json: #"{"reason":"found in repo","source":{"file":"config.yml","line":3}}"#)
            let list = try await client.call(.get, "/v1/audit?limit=2", token: fixture.admin).decode(AuditEventList.self)
            #expect(list.events.map(\.action) == ["key.revoked", "key.created"])
            #expect(list.events.first?.details["found_at"] == ["file": "config.yml", "line": 3])
            #expect(list.events.first?.actor.hasPrefix("key_") == true)
            #expect(!String(describing: list.events).contains(key.key))
            let verified = try await client.call(.get, "/v1/audit/verify", token: fixture.admin).decode(AuditVerifyObject.self)
            #expect(verified.intact && verified.events == 3)
        }
    }
}
