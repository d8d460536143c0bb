import Foundation
import KeywardTestSupport
import Testing

/// `keyward config …`, `keyward version` and `keyward init` through the one configuration and
/// the one composition root, as a user runs them.
@Suite("CLI: configuration, version, init")
struct ConfigCLITests {
    /// A valid value of every setting, as a flag would give it.
    static func sampleValue(_ name: String, directory: URL) throws -> String {
        switch name {
        case "db": return directory.appendingPathComponent("k.db").path
        case "database_url": return "postgres://app:hunter2@db.example:5432/keyward"
        case "host": return "0.0.0.0"
        case "log_level": return "warning"
        case "prefix": return "acme"
        case "environments": return "prod,dev"
        case "webhooks": return "off"
        case "webhook_allowed_networks": return "10.0.0.0/8,fd00::/8"
        case "leak_action": return "report"
        case "leak_report_secret": return String(repeating: "z", count: 40)
        case "leak_report_secret_file":
            let path = directory.appendingPathComponent("secrets").path
            try (String(repeating: "y", count: 40) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        case "policy", "github_keys_file", "master_key_file", "tls_cert_file", "tls_key_file": return "/nonexistent/\(name)"
        case "anomalies.spike_factor": return "3.5"
        case "trusted_proxies": return "10.0.0.0/8,192.0.2.1"
        case "connectors": return #"[{"name":"aws","kind":"aws-iam","credentials":"env"}]"#
        default: return ""  // an integer: its lower bound, read from the reference
        }
    }

    @Test("config show names the origin of every value: flag, env, file:line, default; secrets redacted")
    func showOrigins() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("keyward.yaml")
        try "host: 0.0.0.0\nport: 7000\nanomalies:\n  retention_days: 9\n".write(to: file, atomically: true, encoding: .utf8)
        let secret = String(repeating: "q", count: 40)
        let result = try keyward(["config", "show", "--json", "--config", file.path, "--port", "9000"],
                                 environment: ["KEYWARD_PREFIX": "acme", "KEYWARD_LEAK_REPORT_SECRET": secret,
                                               "KEYWARD_DATABASE_URL": "postgres://app:hunter2@db.example/keyward"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(secret) && !result.stdout.contains("hunter2"))
        let rows = try #require(result.json as? [[String: Any]])
        func row(_ name: String) -> [String: Any] { rows.first { $0["name"] as? String == name } ?? [:] }
        #expect(row("port")["value"] as? Int == 9000)
        #expect(row("port")["origin"] as? String == "flag" && row("port")["source"] as? String == "--port")
        #expect(row("prefix")["origin"] as? String == "env" && row("prefix")["source"] as? String == "KEYWARD_PREFIX")
        #expect(row("host")["origin"] as? String == "file" && row("host")["line"] as? Int == 1)
        #expect(row("anomalies.retention_days")["value"] as? Int == 9 && row("anomalies.retention_days")["line"] as? Int == 4)
        #expect(row("evaluation_interval")["origin"] as? String == "default")
        #expect(row("leak_report_secret")["value"] as? String == "<redacted>")
        let text = try keyward(["config", "show", "--config", file.path])
        #expect(text.stdout.contains("(file \(file.path):2)"), "\(text.stdout)")
    }

    @Test("every setting of the table is a flag of serve, read as that setting")
    func everySettingIsAFlag() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try keyward(["config", "reference"]).stdout
        // The table's rows, as the generated reference lists them: | `name` | `--flag` | …
        let rows = reference.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        }
        #expect(rows.count >= 30)
        var arguments = ["config", "show", "--json"]
        for row in rows {
            let name = row[0]
            var value = try Self.sampleValue(name, directory: directory)
            if value.isEmpty, row[3].hasPrefix("integer from "), let lowest = row[3].split(separator: " ").compactMap({ Int($0) }).first {
                value = String(lowest)
            }
            #expect(!value.isEmpty, "no sample value for \(name)")
            arguments += [row[1], value]
        }
        // Files a value names are checked when a deployment opens, not by `config show`.
        let result = try keyward(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let shown = try #require(result.json as? [[String: Any]])
        let notFromFlags = shown.filter { $0["origin"] as? String != "flag" }.compactMap { $0["name"] as? String }
        #expect(notFromFlags.isEmpty, "settings not reached by their flag: \(notFromFlags)")
    }

    @Test("config check reports every problem of a file with its line, and passes a good one")
    func check() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.yaml")
        try "port: 80a\nevaluation_intervall: 60\npolicy: \(directory.path)/missing-policy.yaml\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try keyward(["config", "check", bad.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("file \(bad.path):1: port must be an integer from 0 to 65535, got \"80a\""), "\(refused.stderr)")
        #expect(refused.stderr.contains("file \(bad.path):2: unknown setting 'evaluation_intervall'; did you mean evaluation_interval?"))
        let missingPolicy = directory.appendingPathComponent("p.yaml")
        try "policy: \(directory.path)/missing-policy.yaml\n".write(to: missingPolicy, atomically: true, encoding: .utf8)
        let policy = try keyward(["config", "check", missingPolicy.path])
        #expect(policy.status == 2 && policy.stderr.contains("file \(missingPolicy.path):1: policy"), "\(policy.stderr)")
        let good = directory.appendingPathComponent("good.yaml")
        try "port: 9000\nwebhooks: off\nenvironments: [prod, staging]\n".write(to: good, atomically: true, encoding: .utf8)
        let passed = try keyward(["config", "check", good.path])
        #expect(passed.status == 0 && passed.stdout.contains("ok (3 settings set)"), "\(passed.stdout)\(passed.stderr)")
    }

    @Test("serve refuses a bad setting from any source, naming it, before it opens anything")
    func serveRefuses() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("k.db").path
        let variable = try keyward(["serve", "--db", database, "--port", "0"], environment: ["KEYWARD_LEAK_MAX_IN_FLIGHT": "lots"])
        #expect(variable.status == 2)
        #expect(variable.stderr.contains("env KEYWARD_LEAK_MAX_IN_FLIGHT: leak_max_in_flight must be an integer from 1 to 1024"), "\(variable.stderr)")
        let typo = try keyward(["serve", "--db", database, "--port", "0"], environment: ["KEYWARD_WEBHOOK_TIMEOUT": "5"])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean KEYWARD_WEBHOOK_TIMEOUT_MS?"), "\(typo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("--version and version --json")
    func version() throws {
        let short = try keyward(["--version"])
        #expect(short.status == 0 && short.stdout.split(separator: ".").count == 3, "\(short.stdout)")
        let long = try keyward(["version", "--json"])
        let object = long.object
        #expect(object["version"] as? String == short.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect((object["schema_version"] as? Int ?? 0) > 0)
        #expect((object["swift_version"] as? String)?.isEmpty == false)
        #expect(object.keys.contains("commit"))
    }

    @Test("init --database-url creates a PostgreSQL deployment and prints its admin key once",
          .enabled(if: PostgresForTests.adminURL != nil, "PostgreSQL tests skipped: set KEYWARD_TEST_DATABASE_URL to run them"))
    func initPostgres() async throws {
        try await PostgresForTests.withDatabase { url in
            let first = try keyward(["init", "--database-url", url, "--json"])
            #expect(first.status == 0, "\(first.stderr)")
            let admin = try #require(first.object["admin_key"] as? String)
            #expect(admin.hasPrefix("kw_live_"))
            let again = try keyward(["init", "--database-url", url, "--json"])
            #expect(again.status == 2 && again.stderr.contains("already initialised"), "\(again.stderr)")
            // The key it printed is the deployment's admin: a server on the same database accepts it.
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let server = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            defer { server.stop() }
            #expect(server.bootstrapKey == nil)
            let keys = try keyward(["keys", "list", "--json"], environment: ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin])
            #expect(keys.status == 0, "\(keys.stderr)")
        }
    }

    @Test("init --prefix issues the admin key in the deployment's format")
    func initPrefix() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try keyward(["init", "--db", directory.appendingPathComponent("k.db").path, "--prefix", "acme", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.object["admin_key"] as? String)?.hasPrefix("acme_live_") == true)
    }
}

@Suite("CLI: every command opens the deployment through the composition root")
struct CompositionRootCLITests {
    @Test("offline commands take the deployment's policy and key settings from its variables and file, as serve does")
    func offlineCommandsReadTheConfiguration() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("k.db").path
        #expect(try keyward(["init", "--db", database, "--json"]).status == 0)
        let policy = directory.appendingPathComponent("policy.yaml")
        let text = try keyward(["policy", "default"]).stdout.replacingOccurrences(of: "name: keyward-default", with: "name: team-policy")
        try text.write(to: policy, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("keyward.yaml")
        try "policy: \(policy.path)\n".write(to: config, atomically: true, encoding: .utf8)
        // Before the composition root, `--db` ran the built-in policy whatever the deployment said.
        let check = try keyward(["policy", "check", "--db", database, "--json"], environment: ["KEYWARD_CONFIG": config.path])
        #expect(check.status == 0 || check.status == 1, "\(check.stderr)")
        #expect(check.object["policy"] as? String == "team-policy", "\(check.stdout)")
        // A setting the deployment cannot use stops every command that opens it, naming it.
        let source = directory.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let other = try #require(try keyward(["init", "--db", directory.appendingPathComponent("other.db").path, "--json"]).object["admin_key"] as? String)
        try "TOKEN=\(other)\n".write(to: source.appendingPathComponent("app.env"), atomically: true, encoding: .utf8)
        let scan = try keyward(["scan", source.path, "--db", database], environment: ["KEYWARD_PREFIX": "Not_A_Prefix"])
        #expect(scan.status == 2 && scan.stderr.contains("prefix"), "\(scan.stderr)")
        let findings = try keyward(["findings", "list", "--db", database], environment: ["KEYWARD_ENVIRONMENTS": "LIVE"])
        #expect(findings.status == 2 && findings.stderr.contains("env KEYWARD_ENVIRONMENTS: environments"), "\(findings.stderr)")
    }
}
