import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardCore
import KeywardServer
import Testing

@Suite("Owner aliases over the API")
struct OwnerAliasRouteTests {
    @Test("aliases are declared with the owner, replaced by PATCH, and one alias names one owner")
    func aliases() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let created = try await client.call(.post, "/v1/owners", token: fixture.admin,
                                                json: #"{"handle":"bob.smith","kind":"person","aliases":["bob","bob@example.com"]}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["aliases"] as? [String] == ["bob", "bob@example.com"])
            let clash = try await client.call(.post, "/v1/owners", token: fixture.admin, json: #"{"handle":"robert","aliases":["BOB"]}"#)
            #expect(clash.status == .conflict && clash.text.contains("bob.smith"))
            let patched = try await client.call(.patch, "/v1/owners/bob.smith", token: fixture.admin, json: #"{"aliases":["bob-gh"]}"#)
            #expect(patched.status == .ok && patched.json["aliases"] as? [String] == ["bob-gh"])
            let shown = try await client.call(.get, "/v1/owners/BOB.SMITH", token: fixture.admin)
            #expect(shown.json["aliases"] as? [String] == ["bob-gh"])
        }
    }
}
