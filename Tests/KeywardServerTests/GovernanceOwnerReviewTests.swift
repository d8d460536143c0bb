import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import Testing

@Suite("Governance routes: owners and access reviews")
struct GovernanceOwnerReviewTests {
    @Test("owners: register, conflict, list, update, depart; offboarding revokes keys the verify path then refuses")
    func owners() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let created = try await client.call(.post, "/v1/owners", token: fixture.admin,
                                                json: #"{"handle":"alice@example.com","kind":"person","contact":"alice@example.com"}"#)
            #expect(created.status == .created)
            #expect(try await client.call(.post, "/v1/owners", token: fixture.admin, json: #"{"handle":"Alice@Example.com"}"#).status == .conflict)
            #expect(try await client.call(.post, "/v1/owners", token: fixture.admin, json: #"{"handle":"x","team":true}"#).status == .badRequest)
            let encoded = "alice%40example.com"
            let patched = try await client.call(.patch, "/v1/owners/\(encoded)", token: fixture.admin, json: #"{"display_name":"Alice"}"#)
            #expect(try patched.decode(OwnerEntry.self).displayName == "Alice")
            #expect(try await client.call(.get, "/v1/owners/nobody", token: fixture.admin).status == .notFound)

            let key = try await client.issue(fixture.admin, #"{"name":"alice-laptop","owner":"alice@example.com"}"#)
            #expect(try await client.verify(fixture.admin, key.key)["code"] as? String == "VALID")
            let offboarded = try await client.call(.post, "/v1/owners/\(encoded)/offboard", token: fixture.admin, json: #"{"reason":"left"}"#)
            #expect(offboarded.status == .ok, "\(offboarded.text)")
            let result = try offboarded.decode(OffboardResultObject.self)
            #expect(result.revokedKeys == [key.id])
            #expect(result.owner.status == .departed)
            #expect(try await client.verify(fixture.admin, key.key)["code"] as? String == "REVOKED")
            let departed = try await client.call(.get, "/v1/owners?status=departed", token: fixture.admin).decode(OwnerListObject.self)
            #expect(departed.owners.map(\.handle) == ["alice@example.com"])
            #expect(try await client.call(.post, "/v1/owners/bob/depart", token: fixture.admin).status == .notFound)
            let audit = try await client.call(.get, "/v1/audit?subject_id=alice@example.com", token: fixture.admin).text
            #expect(audit.contains("owner.offboarded") && audit.contains("keys.revoked_by_owner"))
        }
    }

    @Test("reviews: start with a selector, owners answer their own keys, revoke is carried out, evidence exported, close")
    func reviews() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let kept = try await client.issue(fixture.admin, #"{"name":"invoices","owner":"team-pay","environment":"test"}"#)
            let dropped = try await client.issue(fixture.admin, #"{"name":"old-export","owner":"team-pay","environment":"test"}"#)
            _ = try await client.issue(fixture.admin, #"{"name":"docs","owner":"team-docs","environment":"test"}"#)
            let payToken = try await client.credential(fixture.admin, owner: "team-pay", scopes: ["keyward:write"])
            let docsToken = try await client.credential(fixture.admin, owner: "team-docs", scopes: ["keyward:write"])

            let started = try await client.call(.post, "/v1/reviews", token: fixture.admin,
                                                json: #"{"name":"Q1","selector":{"owner":["team-pay"],"environment":["test"]},"due_days":14}"#)
            #expect(started.status == .created, "\(started.text)")
            let campaign = try started.decode(ReviewDetailObject.self)
            #expect(campaign.items.map(\.subject.id).sorted() == [kept.id, dropped.id].sorted())
            #expect(campaign.review.scope == "environment=test owner=team-pay")
            let id = campaign.review.id

            let strangers = try await client.call(.post, "/v1/reviews/\(id)/attest", token: docsToken,
                                                  json: #"{"subject":"\#(kept.id)","decision":"keep","justification":"mine now"}"#)
            #expect(strangers.status == .forbidden)
            let noReason = try await client.call(.post, "/v1/reviews/\(id)/attest", token: payToken, json: #"{"subject":"\#(kept.id)","decision":"keep"}"#)
            #expect(noReason.status == .badRequest)
            let keep = try await client.call(.post, "/v1/reviews/\(id)/attest", token: payToken,
                                             json: #"{"subject":"\#(kept.id)","decision":"keep","justification":"invoices run nightly"}"#)
            #expect(keep.status == .ok, "\(keep.text)")
            let revoke = try await client.call(.post, "/v1/reviews/\(id)/attest", token: payToken, json: #"{"subject":"\#(dropped.id)","decision":"revoke"}"#)
            #expect(try revoke.decode(AttestResultObject.self).revokedKey == dropped.id)
            #expect(try await client.verify(fixture.admin, dropped.key)["code"] as? String == "REVOKED")
            #expect(try await client.call(.get, "/v1/keys/\(kept.id)", token: fixture.admin).decode(KeyObject.self).meta["reviewed_at"] != nil)

            let evidence = try await client.call(.get, "/v1/reviews/\(id)/evidence", token: fixture.admin)
            let document = try JSONDecoder().decode(JSONValue.self, from: Data(evidence.body.readableBytesView))
            guard case .object(var members) = document, case .string(let digest)? = members.removeValue(forKey: "sha256") else {
                Issue.record("evidence has no sha256")
                return
            }
            #expect(StableIdentifier.sha256Hex(Array(JSONValue.object(members).canonicalJSON.utf8)) == digest)
            #expect(members["summary"]?["kept"] == .number(1) && members["summary"]?["revoked"] == .number(1))

            let closed = try await client.call(.post, "/v1/reviews/\(id)/close", token: fixture.admin).decode(ReviewSummaryObject.self)
            #expect(closed.status == .closed && closed.kept == 1 && closed.revoked == 1)
            #expect(try await client.call(.post, "/v1/reviews/\(id)/close", token: fixture.admin).status == .conflict)
            let listed = try await client.call(.get, "/v1/reviews?status=closed", token: fixture.admin).decode(ReviewListObject.self)
            #expect(listed.reviews.map(\.id) == [id])
            #expect(try await client.call(.get, "/v1/reviews/rev_nothing", token: fixture.admin).status == .notFound)
            let empty = try await client.call(.post, "/v1/reviews", token: fixture.admin, json: #"{"selector":{"provider":["gcp"]}}"#)
            #expect(empty.status == .badRequest)
            let badProvider = try await client.call(.post, "/v1/reviews", token: fixture.admin, json: #"{"selector":{"provider":["amazon"]}}"#)
            #expect(badProvider.status == .badRequest && badProvider.errorMessage.contains("selector.provider"))
        }
    }
}
