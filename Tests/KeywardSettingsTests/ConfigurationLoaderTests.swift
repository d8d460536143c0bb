import Foundation
import KeywardCore
import Testing
@testable import KeywardSettings

@Suite("Configuration: one table, three sources, one precedence")
struct ConfigurationLoaderTests {
    @Test("flag beats variable beats file beats default, and each value says where it came from")
    func precedence() throws {
        let file = try ConfigurationFile(path: "k.yaml", text: "port: 7000\nhost: 0.0.0.0\nprefix: acme\nwebhook_concurrency: 9\n")
        let resolved = try ConfigurationLoader(
            flags: ["port": "9000"],
            environment: ["KEYWARD_PORT": "8000", "KEYWARD_HOST": "10.0.0.1"],
            file: file
        ).load()
        #expect(resolved.configuration.port == 9000)
        #expect(resolved.origin(of: "port") == .flag("--port"))
        #expect(resolved.configuration.host == "10.0.0.1")
        #expect(resolved.origin(of: "host") == .environment("KEYWARD_HOST"))
        #expect(resolved.configuration.keyPrefix == "acme")
        #expect(resolved.origin(of: "prefix") == .file(path: "k.yaml", line: 3))
        #expect(resolved.configuration.webhooks.maxInFlight == 9)
        #expect(resolved.configuration.evaluationIntervalSeconds == 3600)
        #expect(resolved.origin(of: "evaluation_interval") == .default)
    }

    @Test("settings once only in the file are reachable as flags and variables too")
    func everySettingEveryWay() throws {
        for setting in KeywardConfiguration.settings {
            #expect(setting.flag.hasPrefix("--"), "\(setting.name)")
            #expect(setting.variable.hasPrefix("KEYWARD_"), "\(setting.name)")
        }
        let byFlag = try ConfigurationLoader(flags: ["max_body_bytes": "2048", "usage_flush_ms": "250", "max_import_bytes": "2097152"]).load()
        #expect(byFlag.configuration.maxBodyBytes == 2048)
        #expect(byFlag.configuration.usageFlushIntervalMilliseconds == 250)
        #expect(byFlag.configuration.maxImportBytes == 2_097_152)
        let byVariable = try ConfigurationLoader(environment: [
            "KEYWARD_MAX_BODY_BYTES": "4096", "KEYWARD_LOG_LEVEL": "debug", "KEYWARD_ANOMALIES_SPIKE_FACTOR": "4.5",
            "KEYWARD_DATABASE_URL": "postgres://u:pw@db:5432/k",
        ]).load()
        #expect(byVariable.configuration.maxBodyBytes == 4096)
        #expect(byVariable.configuration.logLevel == .debug)
        #expect(byVariable.configuration.anomalies.spikeFactor == 4.5)
        let file = try ConfigurationFile(path: "f.yaml", text: """
            database_url: postgres://u:pw@db:5432/k
            log_level: warning
            leak_action: report
            leak_max_in_flight: 3
            anomalies:
              retention_days: 10
            """)
        let byFile = try ConfigurationLoader(file: file).load()
        #expect(byFile.configuration.databaseURL == "postgres://u:pw@db:5432/k")
        #expect(byFile.configuration.logLevel == .warning)
        #expect(byFile.configuration.leaks.action == .report)
        #expect(byFile.configuration.leaks.maxInFlight == 3)
        #expect(byFile.configuration.anomalies.retentionDays == 10)
        #expect(byFile.origin(of: "anomalies.retention_days") == .file(path: "f.yaml", line: 6))
    }

    @Test("a bad value names the setting and its origin, file and line for the file")
    func badValues() throws {
        let file = try ConfigurationFile(path: "bad.yaml", text: "host: h\nport: 80a\n")
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: ["KEYWARD_LEAK_MAX_IN_FLIGHT": "many"], file: file).load()
        }
        let lines = error.problems.map(\.description)
        #expect(lines.contains("file bad.yaml:2: port must be an integer from 0 to 65535, got \"80a\""))
        // Was silently ignored before the table.
        #expect(lines.contains("env KEYWARD_LEAK_MAX_IN_FLIGHT: leak_max_in_flight must be an integer from 1 to 1024, got \"many\""))
    }

    @Test("unknown file keys and KEYWARD_ variables are errors with a suggestion")
    func unknownNames() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader(file: ConfigurationFile(path: "t.yaml", text: "port: 1\nevaluation_intervall: 60\nanomalies:\n  spike_facter: 2\nhost: ''\n")).load()
        }
        #expect(error.problems.map(\.description) == [
            "file t.yaml:2: unknown setting 'evaluation_intervall'; did you mean evaluation_interval?",
            "file t.yaml:4: unknown setting 'anomalies.spike_facter'; did you mean anomalies.spike_factor?",
            // Problems of values come in the same run as those of names.
            "file t.yaml:5: host must not be empty",
        ])
        let variables = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: ["KEYWARD_PROT": "1", "KEYWARD_TOKEN": "x", "KEYWARD_TEST_DATABASE_URL": "y"]).load()
        }
        #expect(variables.problems.map(\.description) == ["env KEYWARD_PROT: is not a keyward setting; did you mean KEYWARD_PORT?"])
    }

    @Test("a key given twice, a list where one value goes, and a non-mapping file are refused")
    func fileShape() throws {
        let twice = try #require(throws: ConfigurationError.self) { try ConfigurationFile(path: "d.yaml", text: "port: 1\nport: 2\n") }
        #expect(twice.problems.first?.message.contains("duplicated key(s): 'port'") == true, "\(twice)")
        let list = try #require(throws: ConfigurationError.self) { try ConfigurationLoader(file: ConfigurationFile(path: "l.yaml", text: "port: [1, 2]\n")).load() }
        #expect(list.problems.first?.message.contains("not a list") == true)
        let scalar = try #require(throws: ConfigurationError.self) { try ConfigurationFile(path: "s.yaml", text: "just text\n") }
        #expect(scalar.problems.first?.message.contains("mapping") == true)
        let environments = try ConfigurationLoader(file: ConfigurationFile(path: "e.yaml", text: "environments: [prod, dev]\n")).load()
        #expect(environments.configuration.environments == ["prod", "dev"])
    }

    @Test("a prefix or environment list that keys cannot carry names its setting")
    func keyFormat() throws {
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader(flags: ["prefix": "Bad_Prefix"]).load() }
        #expect(error.problems.first?.setting == "prefix")
        #expect(error.problems.first?.origin == .flag("--prefix"))
    }

    @Test("secrets are redacted in the effective settings, and a database URL loses its password")
    func redaction() throws {
        let secret = String(repeating: "s", count: 40)
        let resolved = try ConfigurationLoader(environment: [
            "KEYWARD_LEAK_REPORT_SECRET": secret, "KEYWARD_DATABASE_URL": "postgres://app:hunter2@db.example:5432/keyward",
        ]).load()
        let shown = resolved.effectiveSettings
        let rendered = "\(shown)"
        #expect(!rendered.contains(secret))
        #expect(!rendered.contains("hunter2"))
        #expect(shown.first { $0.name == "leak_report_secret" }?.value == .string("<redacted>"))
        #expect(shown.first { $0.name == "database_url" }?.value == .string("postgres://app:***@db.example:5432/keyward"))
        // A bad secret's error never repeats it.
        let short = try #require(throws: ConfigurationError.self) { try ConfigurationLoader(flags: ["leak_report_secret": "tooshort-secret"]).load() }
        #expect(!short.description.contains("tooshort-secret"))
    }

    @Test("a secrets file is read, and wins over the secret itself")
    func secretFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kw-secret-\(UInt64.random(in: 0...UInt64.max))").path
        try (String(repeating: "a", count: 32) + "\n" + String(repeating: "b", count: 32) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let resolved = try ConfigurationLoader(environment: [
            "KEYWARD_LEAK_REPORT_SECRET_FILE": path, "KEYWARD_LEAK_REPORT_SECRET": String(repeating: "c", count: 32),
        ]).load()
        #expect(resolved.configuration.leaks.reportSecrets.count == 2)
        #expect(resolved.configuration.leaks.reportSecretFile == path)
        let missing = try #require(throws: ConfigurationError.self) { try ConfigurationLoader(flags: ["leak_report_secret_file": path + ".missing"]).load() }
        #expect(missing.problems.first?.description == "flag --leak-report-secret-file: leak_report_secret_file cannot read \(path).missing")
    }

    @Test("an empty variable counts as unset")
    func emptyVariable() throws {
        let resolved = try ConfigurationLoader(environment: ["KEYWARD_DATABASE_URL": "", "KEYWARD_PORT": ""]).load()
        #expect(resolved.configuration.databaseURL == nil)
        #expect(resolved.origin(of: "port") == .default)
    }

    @Test("the suggestion is the nearest name, and none for a name far from every one")
    func suggestions() {
        #expect(Suggestion.closest(to: "hots", among: ["host", "port"]) == "host")
        #expect(Suggestion.closest(to: "completely_different", among: ["host", "port"]) == nil)
        #expect(Suggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
    }
}
