import Foundation
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardStore
import KeywardTestSupport
import Testing

@Suite("Imports into the store")
struct ImportServiceTests {
    @Test("a credential report imports with its rejection, every field survives the database, and re-importing changes nothing", arguments: TestDatabase.available)
    func credentialReportRoundTrip(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let path = try fixture.file("credential-report.csv", Exports.credentialReport())
            let first = try await fixture.service.importFile(kind: .awsCredentialReport, path: path, fileName: "credential-report.csv", by: fixture.admin)
            #expect(first.summary.created == 4)  // billing-export, reporting ×2, builder
            #expect(first.summary.rejected == 1)
            let rejection = try #require(first.summary.rejections.first)
            #expect(rejection.file == "credential-report.csv")
            #expect(rejection.line == 5)
            #expect(rejection.field == "access_key_1_last_rotated")
            #expect(first.runID.hasPrefix("imp_"))

            // What the importer produced is exactly what the database returns.
            let stored = try await fixture.store.governanceRead { sql in try await sql.records() }
            let sort: (InventoryRecord, InventoryRecord) -> Bool = { $0.naturalKey < $1.naturalKey }
            let expected = try Importer.run(kind: .awsCredentialReport, file: path, existing: [], now: GovernanceFixture.start).records
            #expect(stored.sorted(by: sort).map(\.naturalKey) == expected.sorted(by: sort).map(\.naturalKey))
            let billing = try #require(stored.first { $0.identity == "billing-export" })
            #expect(billing.lastUsedService == "s3")
            #expect(billing.lastUsedRegion == "us-east-1")
            #expect(billing.account == "210987654321")
            #expect(billing.sources == ["aws-credential-report"])
            let original = try #require(expected.first { $0.naturalKey == billing.naturalKey })
            #expect(billing == original)

            fixture.clock.advance(seconds: 3600)
            let second = try await fixture.service.importFile(kind: .awsCredentialReport, path: path, fileName: "credential-report.csv", by: fixture.admin)
            #expect(second.summary.created == 0)
            #expect(second.summary.updated == 0)
            #expect(second.summary.unchanged == 4)
            #expect(try await fixture.store.governanceRead { try await $0.recordCount() } == 4)
            let touched = try await fixture.store.governanceRead { sql in try await sql.records() }
            #expect(touched.allSatisfy { $0.lastSeenAt == GovernanceFixture.start.adding(seconds: 3600) })
        }
    }

    @Test("a record with every field set, odd characters included, comes back from the database unchanged", arguments: TestDatabase.available)
    func everyField(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let odd = "quote \" backslash \\ newline \n tab \t bell \u{07} é 🔑 % _"
            let record = InventoryRecord(
                naturalKey: "other:secret:\(odd)", provider: .other, kind: .secret, externalID: "ext-\(odd)", identity: "svc \(odd)",
                account: "acct", name: "name", owner: "Team-\(odd)", purpose: "purpose", system: "system", environments: ["prod", odd],
                scopes: ["a:b", odd], createdAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_123), lastRotatedAt: GovernanceFixture.start,
                lastUsedAt: GovernanceFixture.start, lastUsedService: "s3", lastUsedRegion: "eu-west-1", expiresAt: GovernanceFixture.start,
                reviewedAt: GovernanceFixture.start, status: .rotating, sources: ["csv", "json"], tags: ["t": odd, odd: "v"],
                attributes: ["key_algorithm": "KEY_ALG_RSA_1024", "note": odd], firstSeenAt: GovernanceFixture.start,
                lastSeenAt: GovernanceFixture.start.adding(seconds: 1), disappearedAt: GovernanceFixture.start.adding(seconds: 2))
            let bare = InventoryRecord(naturalKey: "other:api_key:bare", provider: .other, kind: .apiKey, firstSeenAt: GovernanceFixture.start)
            try await fixture.store.governanceWrite { sql in try await sql.upsertRecords([record, bare], at: GovernanceFixture.start) }
            let stored = try await fixture.store.governanceRead { sql in try await sql.records() }
            #expect(stored == [record, bare])
            let byEnvironment = try await fixture.service.inventory(InventoryFilter(environment: odd))
            #expect(byEnvironment.entries.count == 1)
            let byOwner = try await fixture.service.inventory(InventoryFilter(owner: "team-\(odd)".uppercased()))
            #expect(byOwner.entries.count == 1)
        }
    }

    @Test("each import writes one audit event with kind, file name and counts, never the content", arguments: TestDatabase.available)
    func auditEvent(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let path = try fixture.file("credential-report.csv", Exports.credentialReport())
            let outcome = try await fixture.service.importFile(kind: .awsCredentialReport, path: path, fileName: "exports/credential-report.csv", by: fixture.admin)
            let events = try await fixture.store.auditEvents(subjectID: outcome.runID)
            let event = try #require(events.first)
            #expect(events.count == 1)
            #expect(event.action == "inventory.imported")
            #expect(event.details["kind"] == .string("aws-credential-report"))
            #expect(event.details["file"] == .string("credential-report.csv"))
            #expect(event.details["created"] == .number(4))
            #expect(event.details["rejected"] == .number(1))
            let text = JSONValue.object(event.details).canonicalJSON
            #expect(!text.contains("arn:aws") && !text.contains("billing-export"))
            let runs = try await fixture.service.importRuns()
            #expect(runs.map(\.id) == [outcome.runID])
            #expect(runs[0].rejectionsJSON.contains("access_key_1_last_rotated"))
        }
    }

    @Test("list-access-keys joins the report's records by user and creation time, so they carry the AKIA id", arguments: TestDatabase.available)
    func accessKeyJoin(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let report = try fixture.file("report.csv", Exports.credentialReport(withBadRow: false))
            let keys = try fixture.file("keys.json", Exports.accessKeys)
            _ = try await fixture.service.importFile(kind: .awsCredentialReport, path: report, fileName: "report.csv", by: fixture.admin)
            let joined = try await fixture.service.importFile(kind: .awsAccessKeys, path: keys, fileName: "keys.json", by: fixture.admin)
            #expect(joined.summary.created == 0)
            #expect(joined.summary.updated == 2)
            let records = try await fixture.store.governanceRead { sql in try await sql.records(providers: [.aws]) }
            #expect(records.count == 4)
            let billing = try #require(records.first { $0.externalID == "AKIAZBILLINGEXPORT01" })
            #expect(billing.identity == "billing-export")
            #expect(billing.lastUsedService == "s3")
            #expect(billing.sources == ["aws-access-keys", "aws-credential-report"])
        }
    }

    @Test("a user no longer in the report is marked disappeared, and the record is kept", arguments: TestDatabase.available)
    func disappeared(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let full = try fixture.file("full.csv", Exports.credentialReport(withBadRow: false))
            _ = try await fixture.service.importFile(kind: .awsCredentialReport, path: full, fileName: "full.csv", by: fixture.admin)
            let shorter = Exports.credentialReport(withBadRow: false).split(separator: "\r\n").filter { !$0.hasPrefix("builder,") }.joined(separator: "\r\n")
            let path = try fixture.file("shorter.csv", shorter + "\r\n")
            let second = try await fixture.service.importFile(kind: .awsCredentialReport, path: path, fileName: "shorter.csv", by: fixture.admin)
            #expect(second.summary.disappeared == 1)
            let page = try await fixture.service.inventory(InventoryFilter(status: .disappeared))
            guard case .record(let record)? = page.entries.first else { Issue.record("no disappeared record"); return }
            #expect(record.identity == "builder")
            #expect(record.disappearedAt == GovernanceFixture.start)
        }
    }

    @Test("a file that cannot be read at all applies nothing and writes no event", arguments: TestDatabase.available)
    func brokenFile(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let header = Exports.reportHeader.replacingOccurrences(of: ",access_key_1_active", with: "")
            let path = try fixture.file("bad.csv", header + "\nsomeone,arn:aws:iam::1:user/x\n")
            await #expect(throws: ImportError.self) {
                try await fixture.service.importFile(kind: .awsCredentialReport, path: path, fileName: "bad.csv", by: fixture.admin)
            }
            #expect(try await fixture.store.governanceRead { try await $0.recordCount() } == 0)
            #expect(try await fixture.auditActions().isEmpty)
        }
    }

    @Test("findings the import raises itself are stored, and resolve when a later import no longer reports them", arguments: TestDatabase.available)
    func importFindings(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let path = try fixture.file("report.csv", Exports.credentialReport(withBadRow: false))
            let outcome = try await fixture.service.importFile(kind: .awsCredentialReport, path: path, fileName: "report.csv", by: fixture.admin)
            #expect(outcome.summary.findingCount == 1)
            let stored = try await fixture.service.findings(FindingFilter(states: [.open]))
            let console = try #require(stored.findings.first)
            #expect(console.rule == "aws-machine-user-console-password")
            #expect(console.subject.identity == "builder")

            let fixed = Exports.credentialReport(withBadRow: false).replacingOccurrences(of: "builder,arn:aws:iam::210987654321:user/builder,2026-06-01T08:00:00+00:00,true",
                                                                                      with: "builder,arn:aws:iam::210987654321:user/builder,2026-06-01T08:00:00+00:00,false")
            _ = try await fixture.service.importFile(kind: .awsCredentialReport, path: try fixture.file("fixed.csv", fixed), fileName: "fixed.csv", by: fixture.admin)
            let after = try await fixture.service.finding(id: console.id)
            #expect(after.finding.state == .resolved)
            #expect(after.history.map(\.transition.to) == [.open, .resolved])
        }
    }

    @Test("a GCP key Google reports exposed is stored with a critical finding that resolves once the key is deleted", arguments: TestDatabase.available)
    func exposedGCPKey(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let account = "projects/shop/serviceAccounts/exporter@shop.iam.gserviceaccount.com/keys/"
            let exposed = """
            {"name": "\(account)aaaa1111", "keyType": "USER_MANAGED", "validAfterTime": "2025-01-01T00:00:00Z",
             "extendedStatus": [{"key": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED", "value": "public GitHub repository"}]}
            """
            let other = #"{"name": "\#(account)bbbb2222", "keyType": "USER_MANAGED", "validAfterTime": "2025-02-01T00:00:00Z"}"#
            let first = try await fixture.service.importFile(kind: .gcpKeys, path: try fixture.file("keys.json", "[\(exposed), \(other)]"),
                                                            fileName: "keys.json", by: fixture.admin)
            #expect(first.summary.rejected == 0 && first.summary.created == 2 && first.summary.findingCount == 1)
            let found = try await fixture.service.findings(FindingFilter(states: [.open], minimumSeverity: .critical)).findings
            let finding = try #require(found.first)
            #expect(found.count == 1 && finding.rule == "gcp-key-exposed" && finding.subject.externalID == "aaaa1111")

            fixture.clock.advance(seconds: 60)
            _ = try await fixture.service.importFile(kind: .gcpKeys, path: try fixture.file("after.json", "[\(other)]"), fileName: "after.json",
                                                     by: fixture.admin)
            #expect(try await fixture.service.finding(id: finding.id).finding.state == .resolved)
        }
    }
}
