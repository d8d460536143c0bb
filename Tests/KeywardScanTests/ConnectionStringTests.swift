import KeywardCore
import Testing
@testable import KeywardScan

/// Credentials in connection strings and URLs: the password is the secret (hashed, redacted),
/// the scheme names the provider, placeholders are not reported. The rules' own true and false
/// examples run in RuleExampleTests; these check what a finding says.
@Suite struct ConnectionStringTests {
    @Test(arguments: [
        ("DATABASE_URL=postgres://app:Zq8vN3kLw2xR7pT4@db.internal:5432/app", "postgresql", "Zq8vN3kLw2xR7pT4"),
        ("MONGO=mongodb+srv://svc:hT5rW9zq2LmX@cluster0.ab1cd.mongodb.net/orders", "mongodb", "hT5rW9zq2LmX"),
        ("REDIS_URL=rediss://:p4Lk9Wz2Qx7M@cache.internal:6379/0", "redis", "p4Lk9Wz2Qx7M"),
        ("BROKER=amqps://orders:Wm7xQ2pL9zK4@mq.internal:5671", "amqp", "Wm7xQ2pL9zK4"),
        ("url = mysql://shop:N8rT2vX5qL9w@mysql.internal:3306/shop", "mysql", "N8rT2vX5qL9w"),
        ("remote = https://deploy:Zx8Qm2Lw9Tp4Vr7K@git.internal.acme.io/api.git", "http", "Zx8Qm2Lw9Tp4Vr7K"),
    ])
    func thePasswordIsTheSecretAndTheSchemeTheProvider(line: String, provider: String, password: String) throws {
        let findings = Scanning.findings(in: line + "\n")
        let finding = try #require(findings.first { $0.provider == provider })
        #expect(finding.secretHash == KeyHash(of: password))
        #expect(!finding.secretRedacted.contains(password))
        #expect(finding.column == line.distance(from: line.startIndex, to: line.range(of: password)!.lowerBound) + 1)
    }

    @Test func placeholdersAreNotReported() {
        let lines = [
            "postgres://user:password@localhost:5432/db", "postgresql://app:${DB_PASSWORD}@db/app", "mongodb+srv://<username>:<password>@cluster0.mongodb.net/",
            "redis://:$REDIS_PASSWORD@redis:6379", "amqp://guest:guest@localhost:5672/", "mysql://root:xxx@db/app", "https://user:***@host.internal/x",
            "postgres://app:changeme@db/app", "https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/org/repo.git",
        ]
        for line in lines {
            let findings = Scanning.findings(in: line + "\n")
            #expect(findings.isEmpty, "reported \(line): \(findings.map(\.ruleID))")
        }
    }

    @Test func aProviderTokenInAURLIsReportedOnceByItsProvider() throws {
        let token = Secrets.githubToken()
        let findings = Scanning.findings(in: "git clone https://oauth2:\(token)@github.com/acme/api.git\n")
        #expect(findings.map(\.ruleID) == ["github-pat"])
    }
}
