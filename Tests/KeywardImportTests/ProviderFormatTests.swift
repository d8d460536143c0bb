import Testing
import KeywardCore
import KeywardBenchmarks
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

@Suite struct AnnotationTests {
    let now = Fixtures.now

    @Test func genericCSVAnnotatesKnownKeysByExternalIDWithoutOwningThem() throws {
        let keys = try Importer.run(kind: .awsAccessKeys, bytes: Array(Fixtures.accessKeys.utf8), fileName: "k.json", existing: [], now: now)
        let annotate = "provider,external_id,kind,owner,purpose\naws,AKIAIOSFODNN7EXAMPLE,access_key,platform,CI deploys\n"
        let annotated = try Importer.run(kind: .csv, bytes: Array(annotate.utf8), fileName: "owners.csv", existing: keys.records, now: now)
        #expect((annotated.created, annotated.updated) == (0, 1))
        let record = try #require(annotated.records.first)
        #expect(record.owner == "platform" && record.purpose == "CI deploys" && record.identity == "ci-pipeline")
        #expect(record.sources == ["aws-access-keys", "csv"])
        let inventory = keys.records.map { $0.externalID == record.externalID ? record : $0 }
        let otherSheet = try Importer.run(kind: .csv, bytes: Array("provider,external_id\nother,x\n".utf8), fileName: "o.csv", existing: inventory, now: now)
        #expect(otherSheet.disappeared == 0)
        // The AWS import, which does speak for it, keeps the owner a person set.
        let again = try Importer.run(kind: .awsAccessKeys, bytes: Array(Fixtures.accessKeys.utf8), fileName: "k.json", existing: inventory, now: now)
        #expect(again.unchanged == 3)
    }

    @Test func generatedReportStreamsThroughSmallChunks() throws {
        let path = try Fixtures.write("", name: "generated.csv")
        let size = try CredentialReportGenerator(rows: 5_000, now: now).write(to: path)
        #expect(size > 5_000 * 200)
        var source = try FileByteSource(path: path, chunkSize: 4093)
        let result = try Importer.run(kind: .awsCredentialReport, source: &source, fileName: path, existing: [], now: now)
        #expect(result.rejected == 0 && result.created >= 4_999 && result.created < 2 * 5_000)
        #expect(Set(result.records.map(\.naturalKey)).count == result.records.count)
        #expect(result.findings.allSatisfy { $0.rule == "aws-machine-user-console-password" || $0.rule.hasPrefix("aws-root") })
    }
}
