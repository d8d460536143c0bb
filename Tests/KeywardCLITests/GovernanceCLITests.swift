import Foundation
import KeywardCore
import Testing

/// The governance walkthrough of the README, command by command, against a real `keyward serve`
/// and a real database file.
@Suite("keyward governance commands", .serialized, .timeLimit(.minutes(5)))
struct GovernanceCLITests {
    static let reportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

    /// Two machine users whose keys were last rotated in 2024 (CIS AWS 2.12 fails), with a
    /// byte-order mark and CRLF line ends as Excel saves it, and one row with a bad date.
    static let credentialReport = "\u{FEFF}" + [
        reportHeader,
        "etl,arn:aws:iam::456789012345:user/etl,2024-02-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-02-01T00:00:00+00:00,2026-11-25T00:00:00+00:00,eu-west-1,glue,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        "backup,arn:aws:iam::456789012345:user/backup,2024-03-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-03-01T00:00:00+00:00,2026-11-26T00:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        "legacy,arn:aws:iam::456789012345:user/legacy,2024-03-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,March 2024,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    ].joined(separator: "\r\n") + "\r\n"

    static let ownersCSV = """
    provider,external_id,kind,identity,owner,purpose,environments,scopes,created_at,last_used_at,expires_at,reviewed_at,status,tags
    other,pagerduty-events,api_key,alerting,bob,incident paging,production,events.write,2026-01-01T00:00:00Z,2026-11-20T00:00:00Z,2027-01-01T00:00:00Z,,active,

    """

    static let strictPolicy = """
    version: 1
    name: ci-gate
    rules:
      - id: aws-rotation
        check: rotation_interval
        threshold: 90d
        severity: high
        select: {provider: aws}
    """

    @Test("import, inventory, owners, findings, policy check, reviews and report through a server")
    func walkthrough() throws {
        let directory = try temporaryDirectory()
        func write(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let defaultPolicy = try keyward(["policy", "default"])
        #expect(defaultPolicy.status == 0 && defaultPolicy.stdout.contains("aws-access-key-rotation"))
        let policyPath = try write("policy.yaml", defaultPolicy.stdout)
        let server = try ServerProcess(database: directory.appendingPathComponent("keyward.db").path, extraArguments: ["--policy", policyPath],
                                       environment: ["KEYWARD_EVALUATION_DEBOUNCE_MS": "50"])
        let admin = try #require(server.bootstrapKey)
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin]

        // 1. Imports: counts, the rejected row with file, line and field; exit 1 because a row was rejected.
        let report = try write("credential-report.csv", Self.credentialReport)
        let imported = try keyward(["import", "aws-credential-report", report], environment: env)
        #expect(imported.status == 1, "\(imported.stderr)")
        #expect(imported.stdout.contains("created 2, updated 0, unchanged 0, disappeared 0, skipped 0, rejected 1"))
        #expect(imported.stdout.contains("\(report):4: access_key_1_last_rotated: "))
        let again = try keyward(["import", "aws-credential-report", report, "--json"], environment: env)
        #expect(again.object["unchanged"] as? Int == 2 && again.object["created"] as? Int == 0)
        #expect((again.object["rejections"] as? [[String: Any]])?.first?["line"] as? Int == 4)
        let owned = try keyward(["import", "csv", try write("owned.csv", Self.ownersCSV)], environment: env)
        #expect(owned.status == 0 && owned.stdout.contains("created 1"))
        let missing = try keyward(["import", "gcp-keys", directory.appendingPathComponent("nope.json").path], environment: env)
        #expect(missing.status == 2 && missing.stderr.contains("nope.json"))

        // 2. One inventory.
        let inventory = try keyward(["inventory", "list", "--provider", "aws", "--json"], environment: env)
        #expect((inventory.object["items"] as? [[String: Any]])?.count == 2)
        let table = try keyward(["inventory", "list"], environment: env)
        #expect(table.stdout.contains("PROVIDER") && table.stdout.contains("pagerduty-events") && table.stdout.contains("keyward"))
        #expect(try keyward(["inventory", "imports"], environment: env).stdout.contains("credential-report.csv"))
        let paged = try keyward(["inventory", "list", "--limit", "1", "--all", "--json"], environment: env)
        #expect((paged.object["items"] as? [Any])?.count == 4 && paged.object["next_cursor"] is NSNull)
        let onePage = try keyward(["inventory", "list", "--limit", "1", "--json"], environment: env)
        #expect((onePage.object["items"] as? [Any])?.count == 1 && onePage.object["next_cursor"] is String)

        // 3. Owners and offboarding.
        #expect(try keyward(["owners", "add", "team-data", "--contact", "data@example.com"], environment: env).status == 0)
        let bobKey = try keyward(["keys", "create", "--name", "bob-laptop", "--owner", "bob", "--json"], environment: env)
        let bobKeyID = try #require(bobKey.object["id"] as? String)
        let offboard = try keyward(["owners", "offboard", "bob", "--reason", "left", "--json"], environment: env)
        #expect(offboard.status == 0, "\(offboard.stderr)")
        #expect(offboard.object["revoked_keys"] as? [String] == [bobKeyID])
        #expect((offboard.object["findings"] as? [[String: Any]])?.first?["rule"] as? String == "owner-offboarded")
        #expect(try keyward(["owners", "list", "--status", "departed"], environment: env).stdout.contains("bob"))

        // 4. Findings, evaluated by the server itself after the changes settle.
        var rotation: [[String: Any]] = []
        for _ in 0..<200 {
            let listed = try keyward(["findings", "list", "--rule", "aws-access-key-rotation", "--json"], environment: env)
            rotation = listed.object["findings"] as? [[String: Any]] ?? []
            if rotation.count == 2 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(rotation.count == 2)
        let finding = try #require(rotation.first)
        for field in ["id", "rule", "severity", "subject", "message", "remediation", "frameworks", "state", "opened_at"] {
            #expect(finding.keys.contains(field), "fixed field \(field)")
        }
        let findingID = try #require(finding["id"] as? String)
        #expect(try keyward(["findings", "ack", findingID, "--note", "rotating Friday"], environment: env).stdout.contains("acknowledged"))
        #expect(try keyward(["findings", "show", findingID], environment: env).stdout.contains("rotating Friday"))
        #expect(try keyward(["findings", "evaluate"], environment: env).status == 0)
        #expect(try keyward(["findings", "list", "--framework", "CIS-AWS-7.0.0:2.12"], environment: env).stdout.contains(findingID))

        // 5. The CI gate: the CI policy's two rotation findings and bob's offboarding finding (high), whatever raised them.
        let strict = try write("ci.yaml", Self.strictPolicy)
        let failing = try keyward(["policy", "check", "--policy", strict, "--fail-on", "high"], environment: env)
        #expect(failing.status == 1 && failing.stdout.contains("failing at or above high: 3 (policy 2, offboarding 1)"), "\(failing.stdout)")
        #expect(try keyward(["policy", "check", "--policy", strict, "--fail-on", "critical"], environment: env).status == 0)
        let checkJSON = try keyward(["policy", "check", "--policy", strict, "--fail-on", "high", "--json"], environment: env)
        #expect(checkJSON.object["failing"] as? Int == 3 && (checkJSON.object["findings"] as? [Any])?.count == 3)
        let broken = try write("broken.yaml", Self.strictPolicy.replacingOccurrences(of: "severity: high", with: "severity: urgent"))
        let refused = try keyward(["policy", "check", "--policy", broken], environment: env)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(broken):7:") && refused.stderr.contains("rules[0].severity"))
        #expect(try keyward(["policy", "show"], environment: env).stdout.contains("aws-access-key-rotation"))

        // 6. An access review.
        let started = try keyward(["reviews", "start", "--name", "Q1 data", "--selector", "provider=aws", "--due-days", "7", "--json"], environment: env)
        #expect(started.status == 0, "\(started.stderr)")
        let review = try #require((started.object["review"] as? [String: Any])?["id"] as? String)
        let subject = try #require((((started.object["items"] as? [[String: Any]])?.first)?["subject"] as? [String: Any])?["id"] as? String)
        let noReason = try keyward(["reviews", "attest", review, subject, "keep"], environment: env)
        #expect(noReason.status != 0 && noReason.stderr.contains("justification"))
        #expect(try keyward(["reviews", "attest", review, subject, "keep", "--justification", "nightly ETL"], environment: env).status == 0)
        let evidencePath = directory.appendingPathComponent("evidence.json").path
        #expect(try keyward(["reviews", "export", review, "--output", evidencePath], environment: env).status == 0)
        let evidence = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: evidencePath))) as? [String: Any])
        #expect((evidence["sha256"] as? String)?.count == 64)
        #expect(try keyward(["reviews", "close", review], environment: env).stdout.contains("closed"))
        #expect(try keyward(["reviews", "list"], environment: env).stdout.contains("Q1 data"))

        // 7. The report.
        let htmlPath = directory.appendingPathComponent("posture.html").path
        #expect(try keyward(["report", "--format", "html", "--output", htmlPath], environment: env).status == 0)
        #expect(try String(contentsOfFile: htmlPath, encoding: .utf8).contains("<html"))
        let markdown = try keyward(["report"], environment: env)
        #expect(markdown.status == 0 && markdown.stdout.contains("aws-access-key-rotation"))
        let json = try keyward(["report", "--format", "json"], environment: env)
        #expect((json.object["inventory"] as? [String: Any])?["total"] as? Int == 5)  // admin and bob's keys, 2 AWS keys, pagerduty
        server.stop()
    }

    @Test("offline with --db: import, policy check and report without a server")
    func offline() throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("offline.db").path
        #expect(try keyward(["init", "--db", db, "--json"]).status == 0)
        let report = directory.appendingPathComponent("report.csv").path
        try Self.credentialReport.write(toFile: report, atomically: true, encoding: .utf8)
        let imported = try keyward(["import", "aws-credential-report", report, "--db", db, "--json"])
        #expect(imported.status == 1 && imported.object["created"] as? Int == 2 && imported.object["rejected"] as? Int == 1)
        let policy = directory.appendingPathComponent("ci.yaml").path
        try Self.strictPolicy.write(toFile: policy, atomically: true, encoding: .utf8)
        let gate = try keyward(["policy", "check", "--db", db, "--policy", policy, "--fail-on", "high", "--json"])
        #expect(gate.status == 1 && gate.object["failing"] as? Int == 2)
        let listed = try keyward(["inventory", "list", "--db", db, "--provider", "aws", "--json"])
        #expect((listed.object["items"] as? [Any])?.count == 2)
        let json = try keyward(["report", "--db", db, "--format", "json"])
        #expect(json.status == 0 && (json.object["inventory"] as? [String: Any])?["total"] as? Int == 3)
        #expect(try keyward(["findings", "evaluate", "--db", db]).status == 0)  // a report no longer evaluates (and writes)
        let findings = try keyward(["findings", "list", "--db", db, "--rule", "aws-access-key-rotation", "--json"])
        #expect((findings.object["findings"] as? [Any])?.count == 2)
        let typo = try keyward(["report", "--db", directory.appendingPathComponent("typo.db").path])
        #expect(typo.status == 2 && typo.stderr.contains("no keyward database"))
    }

    /// The root user with an active key rotated ten days ago: the import raises a critical
    /// `aws-root-access-key` finding of its own; no policy rule fails on it.
    static var rootReport: String { [
        reportHeader,
        "<root_account>,arn:aws:iam::456789012345:root,2019-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,true,"
            + ISO8601DateFormatter().string(from: Date().addingTimeInterval(-10 * 86_400)) + ",N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        "etl,arn:aws:iam::456789012345:user/etl,2024-02-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-02-01T00:00:00+00:00,2026-11-25T00:00:00+00:00,eu-west-1,glue,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    ].joined(separator: "\n") + "\n" }

    @Test("offline: findings evaluate is explicit, report writes nothing, findings list says when findings were evaluated")
    func offlineEvaluation() throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("offline.db").path
        #expect(try keyward(["init", "--db", db, "--json"]).status == 0)
        let report = directory.appendingPathComponent("report.csv").path
        try Self.credentialReport.write(toFile: report, atomically: true, encoding: .utf8)
        #expect(try keyward(["import", "aws-credential-report", report, "--db", db]).status == 1)

        let never = try keyward(["findings", "list", "--db", db, "--json"])
        #expect(never.status == 0 && never.object["evaluated_at"] is NSNull)
        #expect(try keyward(["findings", "list", "--db", db]).stdout.contains("the policy has never been evaluated here"))
        let eventsBefore = try keyward(["audit", "verify", "--db", db, "--json"]).object["events"] as? Int
        let posture = try keyward(["report", "--db", db, "--format", "json"])
        #expect(posture.status == 0 && (posture.object["inventory"] as? [String: Any])?["total"] as? Int == 3)
        #expect(posture.stderr.contains("the policy has never been evaluated here"))
        #expect(try keyward(["audit", "verify", "--db", db, "--json"]).object["events"] as? Int == eventsBefore)
        #expect((try keyward(["findings", "list", "--db", db, "--json"]).object["findings"] as? [Any])?.isEmpty == true)

        let evaluated = try keyward(["findings", "evaluate", "--db", db])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("evaluated 3 credential(s) against keyward-default"))
        let listed = try keyward(["findings", "list", "--db", db, "--rule", "aws-access-key-rotation", "--json"])
        #expect((listed.object["findings"] as? [Any])?.count == 2)
        let at = try #require(listed.object["evaluated_at"] as? String)
        #expect(Timestamp(iso8601: at) != nil)
        #expect(try keyward(["findings", "list", "--db", db]).stdout.contains("policy findings last evaluated at \(at)"))
        let json = try keyward(["findings", "evaluate", "--db", db, "--json"])
        #expect(json.status == 0 && json.object["policy"] as? String == "keyward-default" && json.object["items"] as? Int == 3)
        #expect(try keyward(["findings", "evaluate", "--policy", report]).status != 0)  // --policy needs --db: a server evaluates its own
    }

    @Test("a fresh install is quiet: init, then findings evaluate under the default policy, finds nothing")
    func freshInstallIsQuiet() throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("fresh.db").path
        #expect(try keyward(["init", "--db", db, "--json"]).status == 0)
        let evaluated = try keyward(["findings", "evaluate", "--db", db, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.object["items"] as? Int == 1 && evaluated.object["findings"] as? Int == 0 && evaluated.object["opened"] as? Int == 0)
        let listed = try keyward(["findings", "list", "--db", db, "--all-states", "--json"])
        #expect(listed.status == 0 && (listed.object["findings"] as? [Any])?.isEmpty == true, "\(listed.stdout)")
        let gate = try keyward(["policy", "check", "--db", db, "--fail-on", "low", "--json"])
        #expect(gate.status == 0 && gate.object["failing"] as? Int == 0)
        // The printed default policy explains each rule.
        let printed = try keyward(["policy", "default"])
        #expect(printed.status == 0 && printed.stdout.contains("# Why: an admin or wildcard scope in production"))
    }

    @Test("offline: the CI gate counts an import's critical finding, and names the sources it counted")
    func gateCountsEverySource() throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("gate.db").path
        #expect(try keyward(["init", "--db", db, "--json"]).status == 0)
        let report = directory.appendingPathComponent("root.csv").path
        try Self.rootReport.write(toFile: report, atomically: true, encoding: .utf8)
        #expect(try keyward(["import", "aws-credential-report", report, "--db", db]).status == 0)
        let policy = directory.appendingPathComponent("ci.yaml").path
        try Self.strictPolicy.write(toFile: policy, atomically: true, encoding: .utf8)

        let gate = try keyward(["policy", "check", "--db", db, "--policy", policy, "--fail-on", "critical", "--json"])
        #expect(gate.status == 1, "\(gate.stdout)")
        #expect(gate.object["failing"] as? Int == 1)
        #expect(gate.object["failing_by_source"] as? [String: Int] == ["policy": 0, "import": 1, "offboarding": 0, "review": 0, "leak": 0, "anomaly": 0, "remediation": 0])
        #expect(gate.object["sources"] as? [String] == ["policy", "import", "offboarding", "review", "leak", "anomaly", "remediation"])
        let text = try keyward(["policy", "check", "--db", db, "--policy", policy, "--fail-on", "high"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("failing at or above high: 2 (policy 1, import 1)"), "\(text.stdout)")
        #expect(text.stdout.contains("sources counted: policy, import, offboarding, review, leak, anomaly"))
        #expect(text.stdout.contains("aws-root-access-key"))
    }

    @Test("a server refuses to start with a broken policy file, naming file, line and field")
    func badPolicyAtStart() throws {
        let directory = try temporaryDirectory()
        let policy = directory.appendingPathComponent("policy.yaml").path
        try Self.strictPolicy.replacingOccurrences(of: "threshold: 90d", with: "threshold: ninety").write(toFile: policy, atomically: true, encoding: .utf8)
        let result = try keyward(["serve", "--db", directory.appendingPathComponent("k.db").path, "--port", "0", "--policy", policy])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(policy):6:") && result.stderr.contains("rules[0].threshold"))
    }
}
