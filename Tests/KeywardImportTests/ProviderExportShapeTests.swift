import Testing
import KeywardCore
@testable import KeywardImport

/// Provider exports as the providers write them today and tomorrow: Google's `extendedStatus`
/// list, members keyward does not read (in any JSON shape), and keyward's own generic format,
/// which stays strict.
@Suite struct ProviderExportShapeTests {
    let now = Fixtures.now

    func run(_ kind: ImportKind, _ text: String, existing: [InventoryRecord] = []) throws -> ImportResult {
        try Importer.run(kind: kind, file: try Fixtures.write(text, name: "export"), existing: existing, now: now)
    }

    static let exposedName = "projects/shop-prod/serviceAccounts/exporter@shop-prod.iam.gserviceaccount.com/keys/5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"

    /// `serviceAccounts.keys.list` as the REST API returns it: `extendedStatus` is a list of
    /// `{key, value}` objects, and a key Google found exposed may still be enabled. The second key
    /// carries members keyward does not read, and a descriptive one in a shape it does not expect.
    static let gcpKeys = """
    [
      {
        "name": "\(exposedName)",
        "validAfterTime": "2025-05-01T00:00:00Z",
        "validBeforeTime": "9999-12-31T23:59:59Z",
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": "USER_MANAGED",
        "extendedStatus": [
          {"key": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED", "value": "https://github.com/example/public-repo/blob/main/key.json"}
        ]
      },
      {
        "name": "projects/shop-prod/serviceAccounts/exporter@shop-prod.iam.gserviceaccount.com/keys/6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f",
        "validAfterTime": "2025-05-02T00:00:00Z",
        "validBeforeTime": "9999-12-31T23:59:59Z",
        "keyType": "USER_MANAGED",
        "extendedStatus": [{"key": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_UNSPECIFIED"}],
        "serviceAccountKeyUsage": {"lastAuthenticated": {"time": "2026-11-01T00:00:00Z"}},
        "keyOrigin": {"unexpected": ["shape"]},
        "contact": null
      }
    ]
    """

    @Test func gcpExtendedStatusListIsReadAndAnExposedKeyIsACriticalFinding() throws {
        let result = try run(.gcpKeys, Self.gcpKeys)
        #expect(result.rejections.isEmpty, "\(result.rejections)")
        #expect(result.created == 2)
        let exposed = try #require(result.records.first { $0.attributes["resource_name"] == Self.exposedName })
        #expect(exposed.status == .active)
        #expect(exposed.attributes["exposed"] == "true")
        #expect(exposed.attributes["extended_status"] == "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED")
        let quiet = try #require(result.records.first { $0.attributes["resource_name"] != Self.exposedName })
        #expect(quiet.attributes["exposed"] == nil)

        #expect(result.findings.count == 1)
        let finding = try #require(result.findings.first)
        #expect(finding.rule == "gcp-key-exposed" && finding.severity == .critical && finding.state == .open)
        #expect(finding.subject.kind == .externalKey && finding.subject.id == exposed.id)
        #expect(finding.subject.provider == .gcp && finding.subject.externalID == "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e")
        #expect(finding.subject.identity == "exporter@shop-prod.iam.gserviceaccount.com")
        #expect(finding.message.contains("https://github.com/example/public-repo/blob/main/key.json"))
        #expect(finding.frameworks.contains(.nhi(2)) && finding.frameworks.contains(.csf("DE.CM-09")))
        #expect(result.isInFindingScope(finding))
    }

    @Test func gcpExtendedStatusAsOneStringStillWorks() throws {
        let text = """
        [{"name": "\(Self.exposedName)", "keyType": "USER_MANAGED", "validAfterTime": "2025-05-01T00:00:00Z",
          "extendedStatus": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_COMPROMISE_DETECTED"}]
        """
        let result = try run(.gcpKeys, text)
        #expect(result.rejections.isEmpty && result.created == 1)
        #expect(result.records.first?.attributes["exposed"] == "true")
        #expect(result.findings.map(\.rule) == ["gcp-key-exposed"])
    }

    @Test func anExposedKeyThatIsGoneResolvesOnlyForItsOwnServiceAccount() throws {
        let first = try run(.gcpKeys, Self.gcpKeys)
        let finding = try #require(first.findings.first)
        // The next export of the same service account no longer lists the exposed key (it was deleted).
        let next = try run(.gcpKeys, """
        [{"name": "projects/shop-prod/serviceAccounts/exporter@shop-prod.iam.gserviceaccount.com/keys/6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f",
          "keyType": "USER_MANAGED", "validAfterTime": "2025-05-02T00:00:00Z"}]
        """, existing: first.records)
        #expect(next.findings.isEmpty && next.isInFindingScope(finding))
        // An export of another service account says nothing about this one's keys.
        let other = try run(.gcpKeys, """
        [{"name": "projects/shop-prod/serviceAccounts/importer@shop-prod.iam.gserviceaccount.com/keys/7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a",
          "keyType": "USER_MANAGED", "validAfterTime": "2025-05-02T00:00:00Z"}]
        """, existing: first.records)
        #expect(!other.isInFindingScope(finding))
    }

    @Test func membersKeywardDoesNotReadNeverRejectAProviderRow() throws {
        let accessKeys = """
        {"AccessKeyMetadata": [{"UserName": "ci", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active",
          "CreateDate": "2026-02-01T09:15:42+00:00", "LastUsed": {"Region": ["eu"]}, "Tags": 7}],
         "IsTruncated": false, "Marker": null}
        """
        #expect(try run(.awsAccessKeys, accessKeys).rejections.isEmpty)
        let pats = """
        [{"id": 1, "owner": {"login": "octocat", "site_admin": false, "plan": {"name": "pro"}}, "access_granted_at": "2025-03-14T19:36:10Z",
          "token_expired": false, "repository_selection": "subset", "future_field": [[1], {"a": null}],
          "token_id": {"unexpected": true}, "token_name": ["not", "a", "string"]}]
        """
        let github = try run(.githubPATs, pats)
        #expect(github.rejections.isEmpty, "\(github.rejections)")
        #expect(github.records.first?.name == "octocat token 1")
    }

    @Test func keywardsGenericFormatStaysStrict() throws {
        let json = try run(.json, """
        [{"provider": "other", "external_id": "k1", "ownr": "ops"}, {"provider": "other", "external_id": "k2"}]
        """)
        #expect(json.created == 1)
        #expect(json.rejections.map(\.field) == ["ownr"])
        #expect(json.rejections.first?.reason.contains("owner") == true)
        #expect(throws: ImportError.self) { try run(.csv, "provider,external_id,ownr\nother,k1,ops\n") }
        do {
            _ = try run(.csv, "provider,external_id,ownr\nother,k1,ops\n")
        } catch let error as ImportError {
            #expect(error.field == "ownr" && error.line == 1)
            #expect(error.message.contains("owner"))
        }
    }
}
