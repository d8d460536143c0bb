import Testing
import KeywardCore
@testable import KeywardImport

/// The `openai-api-keys` and `anthropic-api-keys` formats read by hand-made exports (the
/// connectors' own documents are covered by KeywardConnectorsTests), and the GCP project listing.
@Suite struct AIServiceKeyFormatTests {
    let now = Timestamp(iso8601: "2026-11-29T12:00:00Z")!

    func run(_ kind: ImportKind, _ text: String, existing: [InventoryRecord] = []) throws -> ImportResult {
        try Importer.run(kind: kind, bytes: Array(text.utf8), fileName: "export.json", existing: existing, now: now)
    }

    @Test func openAIPagesAdminAndProjectKeys() throws {
        let text = """
        {"object": "list", "data": [{"object": "organization.admin_api_key", "id": "key_adm", "name": "Main", "created_at": 1711471533,
          "last_used_at": 1711471534, "redacted_value": "sk-admin...def", "owner": {"type": "user", "object": "organization.user", "id": "user_1",
          "name": "Jo", "role": "owner"}}], "has_more": false}
        [{"object": "organization.project.api_key", "id": "key_p1", "name": "web", "created_at": 1711471533, "last_used_at": null,
          "project_id": "proj_a", "owner": {"type": "user", "user": {"id": "user_2", "email": "ana@acme.example", "name": "Ana"}}},
         {"object": "organization.project.api_key", "id": "key_p2", "name": "lost", "created_at": 1711471533,
          "owner": {"type": "service_account", "service_account": {"id": "svc_1", "name": "bot"}}}]
        """
        let result = try run(.openaiAPIKeys, text)
        #expect(result.created == 2)
        #expect(result.rejections.map(\.field) == ["project_id"])
        let admin = try #require(result.records.first { $0.externalID == "key_adm" })
        #expect(admin.provider == .openai && admin.kind == .apiKey && admin.identity == "user_1" && admin.account == nil)
        #expect(admin.lastUsedAt == Timestamp(secondsSinceEpoch: 1_711_471_534))
        let web = try #require(result.records.first { $0.externalID == "key_p1" })
        #expect(web.owner == "ana@acme.example" && web.account == "proj_a" && web.lastUsedAt == nil)
        #expect(web.naturalKey == "openai:api_key:key_p1")
    }

    @Test func anthropicStatusesAndWorkspaces() throws {
        let text = """
        {"data": [
          {"type": "api_key", "id": "apikey_1", "name": "a", "workspace_id": "wrkspc_1", "created_at": "2024-10-30T23:58:27.427722Z",
           "created_by": {"id": "user_1", "type": "user"}, "partial_key_hint": "sk-ant-api03-R2D...igAA", "status": "active"},
          {"type": "api_key", "id": "apikey_2", "name": "b", "workspace_id": null, "created_at": "2024-10-30T23:58:27Z",
           "created_by": {"id": "user_2", "type": "user"}, "status": "archived"},
          {"type": "api_key", "id": "apikey_3", "name": "c", "created_at": "2024-10-30T23:58:27Z", "created_by": {"id": "user_2"}, "status": "deleted"}
        ], "has_more": false, "first_id": "apikey_1", "last_id": "apikey_3"}
        """
        let result = try run(.anthropicAPIKeys, text)
        #expect(result.created == 2)
        #expect(result.rejections.map(\.field) == ["status"])
        let first = try #require(result.records.first { $0.externalID == "apikey_1" })
        #expect(first.provider == .anthropic && first.account == "wrkspc_1" && first.attributes["created_by"] == "user_1" && first.status == .active)
        #expect(result.records.first { $0.externalID == "apikey_2" }?.status == .revoked)
        #expect(result.records.first { $0.externalID == "apikey_2" }?.attributes["workspace"] == "default")
    }

    @Test func gcpProjectListingSpeaksForTheWholeProject() throws {
        let key = #"{"name": "projects/p1/serviceAccounts/a@p1.iam.gserviceaccount.com/keys/k1", "validAfterTime": "2026-01-01T00:00:00Z", "keyType": "USER_MANAGED"}"#
        let gone = #"{"name": "projects/p1/serviceAccounts/b@p1.iam.gserviceaccount.com/keys/k2", "validAfterTime": "2026-01-01T00:00:00Z", "keyType": "USER_MANAGED"}"#
        let other = #"{"name": "projects/p2/serviceAccounts/c@p2.iam.gserviceaccount.com/keys/k3", "validAfterTime": "2026-01-01T00:00:00Z", "keyType": "USER_MANAGED"}"#
        let first = try run(.gcpKeys, "[\(key), \(gone), \(other)]")
        #expect(first.created == 3)
        // A per-account export of a@ says nothing about b@ …
        let perAccount = try run(.gcpKeys, #"{"keys": [\#(key)]}"#, existing: first.records)
        #expect(perAccount.disappeared == 0)
        // … the project listing does (b@ was deleted with its only key); project p2 is untouched.
        let listing = try run(.gcpKeys, #"{"project": "p1", "keys": [\#(key)]}"#, existing: first.records)
        #expect(listing.disappeared == 1)
        #expect(listing.records.first { $0.externalID == "k2" }?.status == .disappeared)
    }
}
