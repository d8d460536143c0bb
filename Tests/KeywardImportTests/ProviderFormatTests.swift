import Testing
import KeywardCore
@testable import KeywardImport

@Suite struct ProviderFormatTests {
    let now = Fixtures.now

    func run(_ kind: ImportKind, _ text: String, existing: [InventoryRecord] = []) throws -> ImportResult {
        try Importer.run(kind: kind, file: try Fixtures.write(text, name: "export"), existing: existing, now: now)
    }

    @Test func gcpKeys() throws {
        let result = try run(.gcpKeys, Fixtures.gcpKeys)
        #expect(result.created == 2 && result.skipped == 1)
        #expect(result.rejections.map(\.field) == ["name"])
        #expect(result.rejections.first?.line == 29)
        let live = try #require(result.records.first { $0.status == .active })
        #expect(live.externalID == "1f2e3d4c5b6a79880796a5b4c3d2e1f0a9b8c7d6")
        #expect(live.identity == "exporter@shop-prod.iam.gserviceaccount.com" && live.account == "shop-prod")
        #expect(live.expiresAt == nil)  // 9999-12-31 means no expiry
        #expect(live.attributes["key_algorithm"] == "KEY_ALG_RSA_2048")
        let exposed = try #require(result.records.first { $0.status == .disabled })
        #expect(exposed.attributes["exposed"] == "true")
        #expect(exposed.expiresAt == Timestamp(iso8601: "2026-01-01T00:00:00Z"))
    }

    @Test func secretsManagerReadsTagsAndBothTimeForms() throws {
        let result = try run(.awsSecretsManager, Fixtures.secrets)
        #expect(result.created == 2 && result.rejected == 0)
        let stripe = try #require(result.records.first { $0.name == "prod/payments/stripe" })
        #expect(stripe.owner == "payments-team" && stripe.environments == ["production"])
        #expect(stripe.purpose == "Stripe restricted key for the payment service")
        #expect(stripe.attributes["rotation_enabled"] == "false")
        #expect(stripe.createdAt == Timestamp(iso8601: "2025-06-01T10:00:00.123Z"))
        let db = try #require(result.records.first { $0.name == "staging/db" })
        #expect(db.lastRotatedAt == Timestamp(millisecondsSinceEpoch: 1_764_000_000_500))
        #expect(db.attributes["rotation_days"] == "30")
        #expect(db.account == "123456789012")
    }

    @Test func githubPATs() throws {
        let result = try run(.githubPATs, Fixtures.githubPATs)
        #expect(result.created == 2)
        let octocat = try #require(result.records.first { $0.externalID == "25381" })
        #expect(octocat.owner == "octocat")
        #expect(octocat.scopes == ["organization:members:read", "repositories:all", "repository:contents:write", "repository:metadata:read"])
        #expect(octocat.expiresAt == nil && octocat.lastUsedAt == Timestamp(iso8601: "2026-11-01T00:00:00Z"))
        #expect(result.records.first { $0.externalID == "25382" }?.status == .expired)
    }

    @Test func genericCSV() throws {
        let result = try run(.csv, Fixtures.genericCSV)
        #expect(result.created == 2)
        #expect(result.rejections.map(\.line) == [4, 5])
        #expect(result.rejections.map(\.field) == ["provider", "created_at"])
        let azure = try #require(result.records.first { $0.provider == .azure })
        #expect(azure.purpose == "Invoice export, nightly")
        #expect(azure.environments == ["production", "staging"])
        #expect(azure.tags == ["team": "finance", "tier": "1"])
        #expect(azure.reviewedAt == Timestamp(iso8601: "2026-09-01"))
        #expect(azure.kind == .secret)
    }

    @Test func genericJSONAndDuplicates() throws {
        let text = """
        [
          {"provider": "other", "external_id": "k1", "environments": ["production"], "tags": {"team": "ops"}},
          {"provider": "other", "external_id": "k1"},
          "not an object"
        ]
        """
        let result = try run(.json, text)
        #expect(result.created == 1)
        #expect(result.rejections.map(\.line) == [3, 4])
        #expect(result.rejections[0].reason.contains("line 2"))
    }

    @Test func genericImportsOnlyMarkTheirOwnRecordsDisappeared() throws {
        let keys = try Importer.run(kind: .awsAccessKeys, bytes: Array(Fixtures.accessKeys.utf8), fileName: "k.json", existing: [], now: now)
        let first = try run(.csv, "provider,external_id\naws,manual-1\naws,manual-2\n", existing: keys.records)
        let second = try run(.csv, "provider,external_id\naws,manual-1\n", existing: keys.records + first.records)
        #expect(second.disappeared == 1)
        #expect(second.records.map(\.externalID) == ["manual-2"])
    }

    @Test func emptyImportMarksNothingDisappeared() throws {
        let first = try run(.csv, "provider,external_id\naws,manual-1\n")
        let second = try run(.csv, "provider,external_id\n", existing: first.records)
        #expect(second.disappeared == 0)
    }
}
