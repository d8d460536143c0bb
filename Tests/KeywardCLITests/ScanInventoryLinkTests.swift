import Foundation
import Testing

/// `keyward scan` links AWS access key ids it finds to imported inventory records: the
/// credential report and `aws iam list-access-keys` together give records that carry the id.
@Suite("keyward scan links external identifiers to the inventory", .serialized, .timeLimit(.minutes(5)))
struct ScanInventoryLinkTests {
    static let accessKeys = """
    {"AccessKeyMetadata": [
        {"UserName": "etl", "AccessKeyId": "AKIAZ4XQ2M7PLN3KD5TR", "Status": "Active", "CreateDate": "2024-02-01T00:00:00+00:00"},
        {"UserName": "backup", "AccessKeyId": "AKIAHCXANKA6YT2UU5CG", "Status": "Inactive", "CreateDate": "2024-03-01T00:00:00+00:00"}
    ]}
    """

    /// Leaks of the two imported ids and of one that nobody imported.
    static let leakedConfig = """
    [etl]
    aws_access_key_id = AKIAZ4XQ2M7PLN3KD5TR
    [backup]
    aws_access_key_id = AKIAHCXANKA6YT2UU5CG
    [unknown]
    aws_access_key_id = AKIAQ3MZ7VN2KD4PLX5W

    """

    func prepare() throws -> (admin: String, db: String, leak: String) {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let created = try keyward(["init", "--db", db, "--json"])
        let admin = try #require(created.object["admin_key"] as? String)
        let report = directory.appendingPathComponent("report.csv").path
        try GovernanceCLITests.credentialReport.write(toFile: report, atomically: true, encoding: .utf8)
        _ = try keyward(["import", "aws-credential-report", report, "--db", db, "--json"])
        let keys = directory.appendingPathComponent("keys.json").path
        try Self.accessKeys.write(toFile: keys, atomically: true, encoding: .utf8)
        #expect(try keyward(["import", "aws-access-keys", keys, "--db", db, "--json"]).status == 0)
        let leak = directory.appendingPathComponent("credentials").path
        try Self.leakedConfig.write(toFile: leak, atomically: true, encoding: .utf8)
        return (admin, db, leak)
    }

    /// The scan's JSON findings of the AWS key id rule, by id.
    func awsFindings(_ result: CommandResult) throws -> [String: [String: Any]] {
        let findings = try #require(result.json as? [[String: Any]], "\(result.stdout) \(result.stderr)")
        var byID: [String: [String: Any]] = [:]
        for finding in findings where finding["rule_id"] as? String == "aws-access-token" {
            let redacted = finding["secret_redacted"] as? String ?? ""
            for id in ["AKIAZ4", "AKIAHC", "AKIAQ3"] where redacted.hasPrefix(id) { byID[id] = finding }
        }
        return byID
    }

    func checkLinks(_ byID: [String: [String: Any]]) {
        #expect(byID.count == 3)
        let live = byID["AKIAZ4"] ?? [:]
        #expect((live["inventory_key_id"] as? String)?.hasPrefix("inv_") == true, "\(live)")
        #expect(live["status"] as? String == "live")
        let inactive = byID["AKIAHC"] ?? [:]
        #expect((inactive["inventory_key_id"] as? String)?.hasPrefix("inv_") == true)
        #expect(inactive["status"] as? String == "revoked", "an inactive AWS key cannot be used now")
        let unknown = byID["AKIAQ3"] ?? [:]
        #expect(unknown["inventory_key_id"] as? String == nil)
        #expect(unknown["status"] as? String != "live")
    }

    @Test("with --db: an imported access key id is reported with its record and state")
    func offline() throws {
        let (_, db, leak) = try prepare()
        let result = try keyward(["scan", leak, "--db", db, "--format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        checkLinks(try awsFindings(result))
    }

    @Test("through a server: the same links come from POST /v1/inventory/lookup")
    func throughServer() throws {
        let (admin, db, leak) = try prepare()
        let server = try ServerProcess(database: db)
        defer { server.stop() }
        let result = try keyward(["scan", leak, "--format", "json"], environment: ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin])
        #expect(result.status == 1, "\(result.stderr)")
        checkLinks(try awsFindings(result))
    }
}
