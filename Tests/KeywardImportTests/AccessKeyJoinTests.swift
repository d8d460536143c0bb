import Foundation
import Testing
import KeywardCore
@testable import KeywardImport

@Suite struct AccessKeyJoinTests {
    let now = Fixtures.now

    @Test func listAccessKeysAloneImportsWithKeyIDs() throws {
        let result = try Importer.run(kind: .awsAccessKeys, file: try Fixtures.write(Fixtures.accessKeys, name: "keys.json"), existing: [], now: now)
        #expect(result.created == 3 && result.rejected == 0)
        #expect(Set(result.records.compactMap(\.externalID)) == ["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "AKIAJDEPLOYBOT000001"])
        #expect(result.records.first { $0.externalID == "AKIAI44QH8DHBEXAMPLE" }?.status == .disabled)
    }

    @Test func reportThenKeysJoinsByUserAndCreationTime() throws {
        let report = try Importer.run(kind: .awsCredentialReport, bytes: Array(Fixtures.credentialReport.utf8), fileName: "r.csv", existing: [], now: now)
        let keys = try Importer.run(kind: .awsAccessKeys, bytes: Array(Fixtures.accessKeys.utf8), fileName: "k.json", existing: report.records, now: now)
        #expect((keys.created, keys.updated) == (0, 3))
        let ci = try #require(keys.records.first { $0.externalID == "AKIAIOSFODNN7EXAMPLE" })
        #expect(ci.lastUsedService == "s3")  // kept from the report
        #expect(ci.sources == ["aws-access-keys", "aws-credential-report"])
        #expect(ci.id == report.records.first { $0.name == "ci-pipeline access key 1" }?.id)
    }

    @Test func keysThenReportGivesTheSameRecords() throws {
        let keys = try Importer.run(kind: .awsAccessKeys, bytes: Array(Fixtures.accessKeys.utf8), fileName: "k.json", existing: [], now: now)
        let report = try Importer.run(kind: .awsCredentialReport, bytes: Array(Fixtures.credentialReport.utf8), fileName: "r.csv", existing: keys.records, now: now)
        #expect((report.created, report.updated) == (1, 3))  // root's key is new; the three others join
        let deploy = try #require(report.records.first { $0.identity == "deploy-bot" })
        #expect(deploy.externalID == "AKIAJDEPLOYBOT000001")
        #expect(deploy.attributes["key_slot"] == "1")
    }

    @Test func listAccessKeysOnlyScopesTheUsersItLists() throws {
        let report = try Importer.run(kind: .awsCredentialReport, bytes: Array(Fixtures.credentialReport.utf8), fileName: "r.csv", existing: [], now: now)
        let single = """
        {"AccessKeyMetadata": [{"UserName": "deploy-bot", "AccessKeyId": "AKIAJDEPLOYBOT000001", "Status": "Active", "CreateDate": "2023-01-10T08:05:00Z"}]}
        """
        let result = try Importer.run(kind: .awsAccessKeys, bytes: Array(single.utf8), fileName: "k.json", existing: report.records, now: now)
        #expect(result.disappeared == 0 && result.updated == 1)
    }

    @Test func badElementsAreRejectedWithTheirLine() throws {
        let text = """
        {"AccessKeyMetadata": [
          {"UserName": "a", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "Status": "Active", "CreateDate": "2026-01-01T00:00:00Z"},
          {"UserName": "b", "AccessKeyId": "not-a-key", "Status": "Active", "CreateDate": "2026-01-01T00:00:00Z"},
          {"UserName": "c", "AccessKeyId": "AKIACCCCCCCCCCCCCCCC", "Status": "Deleted", "CreateDate": "2026-01-01T00:00:00Z"},
          {"UserName": "d", "AccessKeyId": "AKIADDDDDDDDDDDDDDDD", "Status": "Active"}
        ]}
        """
        let result = try Importer.run(kind: .awsAccessKeys, bytes: Array(text.utf8), fileName: "k.json", existing: [], now: now)
        #expect(result.created == 1)
        #expect(result.rejections.map(\.line) == [3, 4, 5])
        #expect(result.rejections.map(\.field) == ["AccessKeyId", "Status", "CreateDate"])
    }

    @Test func notAnExportFailsWhole() throws {
        #expect(throws: ImportError.self) {
            try Importer.run(kind: .awsAccessKeys, bytes: Array("{\"Users\": []}".utf8), fileName: "k.json", existing: [], now: now)
        }
        #expect(throws: ImportError.self) {
            try Importer.run(kind: .awsAccessKeys, bytes: Array("{\"AccessKeyMetadata\": [".utf8), fileName: "k.json", existing: [], now: now)
        }
    }
}

@Suite struct ImportSummaryTests {
    @Test func summaryCarriesCountsAndRejectionsAsJSON() throws {
        let text = Fixtures.credentialReport.replacingFirst("2023-01-10T08:05:00+00:00", with: "yesterday")
        let result = try Importer.run(kind: .awsCredentialReport, bytes: Array(text.utf8), fileName: "r.csv", existing: [], now: Fixtures.now)
        let summary = result.summary
        #expect((summary.created, summary.rejected, summary.findingCount) == (3, 1, 3))
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        #expect(json.contains("\"kind\":\"aws-credential-report\"") && json.contains("\"field\":\"access_key_1_last_rotated\""))
        #expect(json.contains("\"findings\":3") && json.contains("\"rejected\":1"))
        #expect(try JSONDecoder().decode(ImportSummary.self, from: Data(json.utf8)) == summary)
        #expect(summary.rejections.first?.description == "r.csv:4: access_key_1_last_rotated: \"yesterday\" is not an ISO 8601 date-time (e.g. 2026-01-31T12:00:00+00:00)")
    }
}
