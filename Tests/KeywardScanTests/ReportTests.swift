import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import KeywardScan

/// Every output format: its fields, and that no format ever carries the plaintext secret.
@Suite struct ReportTests {
    static func sampleFindings() throws -> (findings: [SecretFinding], secrets: [String]) {
        let repository = try TestRepository()
        let key = Secrets.keywardKey()
        let token = Secrets.githubToken()
        let body = (0..<8).map { _ in Secrets.random(64) }.joined(separator: "\n")
        let pem = "-----BEGIN RSA PRIVATE KEY-----\n\(body)\n-----END RSA PRIVATE KEY-----"
        let password = Secrets.random(20) + "7Qz4"
        _ = try repository.commit([
            "deploy/keys.env": "KEYWARD=\(key)\nGH=\(token)\n",
            "deploy/id_rsa": pem + "\n",
            "src/db config.py": "DB_PASSWORD = \"\(password)\"\n",
        ], message: "add \"deploy\" files", date: "2024-05-01T08:30:00Z")
        let findings = try Scanning.scanner().scanGitHistory(repository: repository.path).findings
        return (findings, [key, token, body, password])
    }

    @Test func noFormatContainsASecret() throws {
        let (findings, secrets) = try Self.sampleFindings()
        #expect(findings.count == 4)
        for format in ReportFormat.allCases {
            let report = Report.render(findings, format: format, rules: Scanning.ruleSet, color: format == .text)
            for secret in secrets {
                #expect(!report.contains(secret), "\(format) report contains a secret")
            }
            let baseline = Baseline.document(for: findings)
            for secret in secrets { #expect(!baseline.contains(secret)) }
        }
    }

    @Test func jsonHasTheFixedFields() throws {
        let (findings, _) = try Self.sampleFindings()
        let data = Data(Report.render(findings, format: .json, rules: Scanning.ruleSet).utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == findings.count)
        for object in array {
            for field in ["rule_id", "file", "line", "column", "commit", "secret_redacted", "fingerprint", "confidence"] {
                #expect(object[field] != nil, "missing \(field)")
            }
            #expect((object["line"] as? Int ?? 0) >= 1)
            #expect((object["commit"] as? String)?.count == 40)
            #expect(object["author"] as? String == "Ann Dev")
        }
        let key = try #require(array.first { $0["rule_id"] as? String == "keyward-api-key" })
        #expect(key["status"] as? String == "unknown")
        #expect(key["inventory_key_id"] is NSNull)
        #expect(array.first { $0["rule_id"] as? String == "github-pat" }?["status"] == nil)
    }

    @Test func jsonOfNoFindingsIsAnEmptyArray() {
        #expect(Report.render([], format: .json, rules: Scanning.ruleSet) == "[]\n")
    }

    @Test func sarifHasRulesResultsRegionsAndFingerprints() throws {
        let (findings, _) = try Self.sampleFindings()
        let data = Data(Report.render(findings, format: .sarif, rules: Scanning.ruleSet).utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["version"] as? String == "2.1.0")
        #expect(root["$schema"] as? String == SARIFReport.schema)
        let run = try #require((root["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == findings.count)
        #expect(Set(rules.compactMap { $0["id"] as? String }) == Set(findings.map(\.ruleID)))
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
            let properties = try #require(rules[index]["properties"] as? [String: Any])
            #expect(Double(properties["security-severity"] as? String ?? "") != nil)
            let location = try #require(((result["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
            let uri = try #require((location["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(!uri.contains(" ") && !uri.hasPrefix("/"))
            let region = try #require(location["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1 && (region["endColumn"] as? Int ?? 0) > (region["startColumn"] as? Int ?? 0) || (region["endLine"] as? Int ?? 0) > (region["startLine"] as? Int ?? 0))
            #expect(((result["partialFingerprints"] as? [String: Any])?["keyward/v1"] as? String)?.count == 32)
        }
        #expect(results.contains { ((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String == "src/db%20config.py" })
    }

    @Test func gitleaksReportHasGitleaksFields() throws {
        let (findings, _) = try Self.sampleFindings()
        let data = Data(Report.render(findings, format: .gitleaks, rules: Scanning.ruleSet).utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let fields = ["RuleID", "Description", "StartLine", "EndLine", "StartColumn", "EndColumn", "Match", "Secret", "File", "SymlinkFile", "Commit", "Entropy", "Author", "Email", "Date", "Message", "Tags", "Fingerprint"]
        for object in array {
            for field in fields { #expect(object[field] != nil, "missing \(field)") }
            #expect(object["Secret"] as? String == "REDACTED")
            let fingerprint = try #require(object["Fingerprint"] as? String)
            #expect(fingerprint.hasPrefix("\(object["Commit"] as? String ?? ""):\(object["File"] as? String ?? ""):\(object["RuleID"] as? String ?? ""):"))
        }
    }

    @Test func textReportShowsPlaceCommitAndRedactedSecret() throws {
        let (findings, _) = try Self.sampleFindings()
        let text = Report.render(findings, format: .text, rules: Scanning.ruleSet, color: false)
        #expect(text.contains("deploy/keys.env:1:"))
        #expect(text.contains("by Ann Dev <ann@example.org>"))
        #expect(text.contains("not looked up"))
        #expect(!text.contains("\u{1B}["))
        #expect(Report.render(findings, format: .text, rules: Scanning.ruleSet, color: true).contains("\u{1B}[1;31m"))
    }

    @Test func baselineRoundTripReportsOnlyNewFindings() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.env", "KEY=\(Secrets.keywardKey())\n")
        let first = Scanning.scanner().scan(paths: [directory.path]).findings
        let baselinePath = try directory.write("baseline.json", Baseline.document(for: first))
        // The known key moves down a line; a new one appears.
        let known = try String(contentsOfFile: directory.url("a.env").path, encoding: .utf8)
        try directory.write("a.env", "# moved\n" + known + "NEW=\(Secrets.keywardKey())\n")
        let second = Scanning.scanner().scan(paths: [directory.url("a.env").path]).findings
        let baseline = try Baseline.load(path: baselinePath)
        #expect(baseline.fingerprints.count == 1)
        let fresh = baseline.filter(second)
        #expect(second.count == 2 && fresh.count == 1 && fresh.first?.line == 3)
        // A JSON report works as a baseline too.
        let reportPath = try directory.write("report.json", Report.render(first, format: .json, rules: Scanning.ruleSet))
        #expect(try Baseline.load(path: reportPath).fingerprints == baseline.fingerprints)
    }

    @Test func fingerprintDependsOnRulePathAndSecretOnly() throws {
        let key = Secrets.keywardKey()
        let a = try #require(Scanning.findings(in: "K=\(key)", path: "x.env").first)
        let b = try #require(Scanning.findings(in: "\n\n   K=\(key)", path: "x.env").first)
        let c = try #require(Scanning.findings(in: "K=\(key)", path: "y.env").first)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }
}

@Suite struct ReportFileTests {
    @Test func regularFilesAreReplacedAndSpecialFilesWrittenInPlace() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("report.json", "old")
        try ReportFile.write("new", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        try ReportFile.write("fresh", to: directory.url("new.json").path)
        #expect(try String(contentsOfFile: directory.url("new.json").path, encoding: .utf8) == "fresh")
        // A FIFO stands for /dev/null and /dev/stdout: it must stay a FIFO.
        let fifo = directory.url("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Thread { _ = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() }
        reader.start()
        try ReportFile.write("through the pipe", to: fifo)
        var info = stat()
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }
}
