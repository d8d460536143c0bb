import Foundation
import Testing
import KeywardCore
@testable import KeywardImport

@Suite struct CredentialReportTests {
    let now = Fixtures.now

    func importReport(_ text: String, existing: [InventoryRecord] = []) throws -> ImportResult {
        let path = try Fixtures.write(text, name: "credential-report.csv")
        return try Importer.run(kind: .awsCredentialReport, file: path, existing: existing, now: now)
    }

    @Test func eachActiveOrInactiveKeyBecomesARecord() throws {
        let result = try importReport(Fixtures.credentialReport)
        #expect(result.created == 4)
        #expect(result.rejected == 0)
        let byName = Dictionary(uniqueKeysWithValues: result.records.map { ($0.name ?? "", $0) })
        let ci = try #require(byName["ci-pipeline access key 1"])
        #expect(ci.provider == .aws && ci.kind == .accessKey && ci.status == .active)
        #expect(ci.identity == "ci-pipeline" && ci.account == "123456789012")
        #expect(ci.createdAt == Timestamp(iso8601: "2026-02-01T09:15:42Z"))
        #expect(ci.lastUsedAt == Timestamp(iso8601: "2026-11-28T23:00:00Z"))
        #expect(ci.lastUsedService == "s3" && ci.lastUsedRegion == "eu-west-1")
        #expect(ci.externalID == nil)
        #expect(ci.attributes["password_enabled"] == "true")
        let old = try #require(byName["ci-pipeline access key 2"])
        #expect(old.status == .disabled)
        let deploy = try #require(byName["deploy-bot access key 1"])
        #expect(deploy.lastUsedAt == nil && deploy.lastUsedService == nil)
        #expect(byName["<root_account> access key 1"] != nil)
        #expect(!result.records.contains { $0.identity == "alice" })
    }

    @Test func rootUseAndConsolePasswordsOnMachineUsersAreFindings() throws {
        let result = try importReport(Fixtures.credentialReport)
        let rules = Dictionary(grouping: result.findings, by: \.rule)
        #expect(rules["aws-root-access-key"]?.first?.severity == .critical)
        #expect(rules["aws-root-access-key"]?.first?.subject.id == "arn:aws:iam::123456789012:root")
        #expect(rules["aws-root-account-used"]?.first?.message.contains("2026-11-25T09:30:00Z") == true)
        let console = try #require(rules["aws-machine-user-console-password"])
        #expect(console.map(\.subject.identity) == ["ci-pipeline"])  // alice has no key, deploy-bot no password
        #expect(console[0].frameworks.contains(FrameworkReference("OWASP-NHI-2025:NHI10")!))
        #expect(result.isInFindingScope(console[0]))
    }

    @Test func reimportIsIdempotentAndRemovedKeysDisappear() throws {
        let first = try importReport(Fixtures.credentialReport)
        let second = try importReport(Fixtures.credentialReport, existing: first.records)
        #expect((second.created, second.updated, second.unchanged, second.disappeared) == (0, 0, 4, 0))
        #expect(second.records.isEmpty)
        let withoutDeploy = Fixtures.credentialReport.split(separator: "\n").filter { !$0.hasPrefix("deploy-bot") }.joined(separator: "\n")
        let third = try importReport(withoutDeploy, existing: first.records)
        #expect((third.created, third.updated, third.unchanged, third.disappeared) == (0, 0, 3, 1))
        #expect(third.records.map(\.identity) == ["deploy-bot"])
        #expect(third.records[0].status == .disappeared && third.records[0].disappearedAt == now)
    }

    @Test func badRowsAreRejectedWithLineAndFieldWhileTheRestImports() throws {
        var lines = Fixtures.credentialReport.split(separator: "\n").map(String.init)
        lines[2] = lines[2].replacingFirst("2026-02-01T09:15:42+00:00", with: "01/02/2026")
        lines[3] = lines[3] + ",extra"
        let result = try importReport(lines.joined(separator: "\r\n") + "\r\n")
        #expect(result.rejections == [
            ImportRejection(file: result.file, line: 3, field: "access_key_1_last_rotated",
                            reason: "\"01/02/2026\" is not an ISO 8601 date-time (e.g. 2026-01-31T12:00:00+00:00)"),
            ImportRejection(file: result.file, line: 4, field: nil, reason: "has 23 fields, the header has 22"),
        ])
        #expect(result.created == 1)  // root only; alice has no key
    }

    @Test func rejectedRowsDoNotMarkTheirKeysDisappeared() throws {
        let first = try importReport(Fixtures.credentialReport)
        let broken = Fixtures.credentialReport.replacingFirst("2023-01-10T08:05:00+00:00", with: "yesterday")
        let second = try importReport(broken, existing: first.records)
        #expect(second.rejected == 1 && second.disappeared == 0)
    }

    @Test func missingRequiredColumnFailsTheWholeFile() throws {
        let text = Fixtures.credentialReport.replacingFirst("access_key_2_active", with: "access_key_two")
        #expect(throws: ImportError.self) { try importReport(text) }
        do {
            _ = try importReport(text)
        } catch let error as ImportError {
            #expect(error.line == 1 && error.field == "access_key_2_active")
        }
    }

    @Test func extraHeaderColumnsAreIgnored() throws {
        let text = Fixtures.credentialReport.split(separator: "\n").enumerated().map { index, line in
            line + (index == 0 ? ",additional_credentials_info" : ",")
        }.joined(separator: "\n")
        let result = try importReport(text)
        #expect(result.created == 4 && result.rejected == 0)
    }

    @Test func emptyFileIsAnError() throws {
        #expect(throws: ImportError.self) { try importReport("") }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
