import HummingbirdTesting
import Testing

@Suite("Inventory look-up by provider identifier")
struct InventoryLookupTests {
    @Test("bounded, validated, read scope; an empty answer for unknown identifiers")
    func badInput() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let empty = try await client.call(.post, "/v1/inventory/lookup", token: fixture.admin, json: #"{"external_ids":["AKIAQ3MZ7VN2KD4PLX5W"]}"#)
            #expect(empty.status == .ok)
            #expect((empty.json["matches"] as? [Any])?.isEmpty == true)
            let many = "[" + (0...1000).map { "\"AKIA\($0)\"" }.joined(separator: ",") + "]"
            let tooMany = try await client.call(.post, "/v1/inventory/lookup", token: fixture.admin, json: #"{"external_ids":\#(many)}"#)
            #expect(tooMany.status == .badRequest && tooMany.errorMessage.contains("at most 1000"))
            let blank = try await client.call(.post, "/v1/inventory/lookup", token: fixture.admin, json: #"{"external_ids":[""]}"#)
            #expect(blank.status == .badRequest)
            let provider = try await client.call(.post, "/v1/inventory/lookup", token: fixture.admin, json: #"{"external_ids":["x"],"provider":"oracle"}"#)
            #expect(provider.status == .badRequest && provider.errorMessage.contains("unknown provider"))
            let extra = try await client.call(.post, "/v1/inventory/lookup", token: fixture.admin, json: #"{"external_ids":["x"],"secret":"y"}"#)
            #expect(extra.status == .badRequest)
            #expect(try await client.call(.post, "/v1/inventory/lookup", token: nil, json: #"{"external_ids":["x"]}"#).status == .unauthorized)
        }
    }
}
