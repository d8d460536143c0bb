import Foundation
import Testing
@testable import KeywardScan

/// MCP server configurations are read with their structure: findings name the server's setting,
/// and a secret-named value no rule knows is still reported, unless it is a placeholder.
@Suite struct AgentConfigScanTests {
    /// No provider's format, and no digit, so the generic assignment rule passes it by: only the
    /// configuration's structure finds it.
    static let unknownToken = "hGtrPqWmZkLsNvBxCdYfRtJw"

    static func claudeDesktop(githubToken: String) -> String {
        """
        {
          "mcpServers": {
            "github": {
              "command": "npx",
              "args": ["-y", "@modelcontextprotocol/server-github"],
              "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "\(githubToken)" }
            },
            "acme": {
              "command": "acme-mcp",
              "args": ["--api-key=\(unknownToken)", "--region", "eu-west-1"],
              "env": { "ACME_API_TOKEN": "${input:acme_token}", "ACME_REGION": "eu-west-1", "LOG_LEVEL": "debug" }
            },
            "search": {
              "url": "https://mcp.search.example/sse",
              "headers": { "Authorization": "Bearer \(unknownToken)X", "X-Client": "keyward-test-client-1234" }
            }
          }
        }
        """
    }

    @Test func findingsNameTheServerSettingAndUnknownSecretsAreReported() throws {
        let token = Secrets.githubToken()
        let findings = Scanning.findings(in: Self.claudeDesktop(githubToken: token), path: "home/.config/Claude/claude_desktop_config.json")
        let byContext = Dictionary(uniqueKeysWithValues: findings.map { ($0.context ?? "-", $0) })
        #expect(byContext["mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN"]?.ruleID == "github-pat")
        let argument = try #require(byContext["mcpServers.acme.args[0]"])
        #expect(argument.ruleID == "mcp-server-secret")
        #expect(argument.line == 10)
        #expect(argument.column == 27)   // after `      "args": ["--api-key=`
        let header = try #require(byContext["mcpServers.search.headers.Authorization"])
        #expect(header.ruleID == "mcp-server-secret")
        #expect(header.line == 15)
        #expect(!header.secretRedacted.contains("Bearer"))
        // The placeholder `${input:…}`, the region and the client name are not secrets.
        #expect(findings.count == 3)
        #expect(findings.allSatisfy { $0.context != nil })
    }

    @Test func theSameFileUnderAnotherNameHasNoStructure() {
        let findings = Scanning.findings(in: Self.claudeDesktop(githubToken: Secrets.githubToken()), path: "notes/servers.json")
        #expect(findings.map(\.ruleID) == ["github-pat"])
        #expect(findings.allSatisfy { $0.context == nil })
    }

    @Test func vsCodeServersWithCommentsTrailingCommasAndDockerEnvArguments() throws {
        let text = """
            // VS Code: .vscode/mcp.json
            {
              "inputs": [{ "id": "token", "type": "promptString", "password": true }],
              "servers": {
                /* a server run in docker */
                "linear": {
                  "command": "docker",
                  "args": ["run", "-i", "-e", "LINEAR_API_KEY=lin_x9Qm2Lw8Tp4Vr7Kz3Bn6Hd5Fj1", "ghcr.io/acme/linear-mcp"],
                  "env": { "LINEAR_TOKEN": "${input:token}", },
                },
              },
            }
            """
        let findings = Scanning.findings(in: text, path: "repo/.vscode/mcp.json")
        let finding = try #require(findings.first { $0.context == "servers.linear.args[3]" })
        #expect(finding.line == 8)
        #expect(findings.count == 1)
    }

    @Test func placeholdersAndNonSecretNamesAreNotReported() {
        let values = ["${GITHUB_TOKEN}", "$GITHUB_TOKEN", "<your-token>", "your-api-key-here", "xxxxxxxxxxxx", "********", "{{ token }}", "%TOKEN%", "changeme-please", "GITHUB_TOKEN"]
        for value in values {
            let text = "{\"mcpServers\": {\"gh\": {\"env\": {\"GITHUB_TOKEN\": \"\(value)\"}}}}"
            #expect(Scanning.findings(in: text, path: ".mcp.json").isEmpty, "reported placeholder \(value)")
        }
        for name in ["GITHUB_TOKEN_FILE", "API_KEY_ID", "PUBLIC_KEY", "LOG_FORMAT"] {
            let text = "{\"mcpServers\": {\"gh\": {\"env\": {\"\(name)\": \"\(Self.unknownToken)\"}}}}"
            #expect(Scanning.findings(in: text, path: ".mcp.json").isEmpty, "reported \(name)")
        }
        let real = "{\"mcpServers\": {\"gh\": {\"env\": {\"GITHUB_TOKEN\": \"\(Self.unknownToken)\"}}}}"
        #expect(Scanning.findings(in: real, path: ".mcp.json").map(\.context) == ["mcpServers.gh.env.GITHUB_TOKEN"])
    }

    @Test func mcpConfigsAreFoundByNameInDirectoriesAndArchives() throws {
        let directory = try TemporaryDirectory()
        let config = "{\"mcpServers\": {\"db\": {\"env\": {\"DB_PASSWORD\": \"\(Self.unknownToken)\"}}}}"
        try directory.write("project/.cursor/mcp.json", config)
        try directory.write("project/.mcp.json", config)
        let result = Scanning.scanner().scan(paths: [directory.path])
        #expect(result.findings.count == 2)
        #expect(result.findings.allSatisfy { $0.context == "mcpServers.db.env.DB_PASSWORD" && $0.ruleID == "mcp-server-secret" })
        let json = Report.render(result.findings, format: .json, rules: Scanning.ruleSet)
        #expect(json.contains("\"context\":\"mcpServers.db.env.DB_PASSWORD\"") || json.contains("\"context\": \"mcpServers.db.env.DB_PASSWORD\""))
        #expect(!json.contains(Self.unknownToken))
    }

    @Test func envFilesNameTheVariableAndReportUnknownSecretNamedValues() throws {
        let token = Secrets.githubToken()
        let text = """
            # agent settings
            export GITHUB_TOKEN="\(token)"
            ACME_TOKEN=\(Self.unknownToken) # from the vault
            OTHER_TOKEN=${ACME_TOKEN}
            DB_PASSWORD='changeme'
            LOG_LEVEL=debug
            """
        let findings = Scanning.findings(in: text, path: "agent/.env")
        #expect(findings.map(\.ruleID) == ["github-pat", "env-file-secret"])
        #expect(findings.map(\.context) == ["GITHUB_TOKEN", "ACME_TOKEN"])
        let unknown = try #require(findings.last)
        #expect((unknown.line, unknown.column) == (3, 12))

        let template = Scanning.findings(in: text, path: "agent/.env.example")
        #expect(template.map(\.ruleID) == ["github-pat"])
        #expect(template.first?.context == nil)
    }

    @Test func secretNamesAreReadWordByWord() {
        for name in ["GITHUB_TOKEN", "X-API-Key", "--api-key", "Authorization", "openaiApiKey", "DB_PASSWORD", "client-secret"] {
            #expect(SecretName.saysSecret(name), "\(name)")
        }
        for name in ["TOKEN_FILE", "API_KEY_ID", "public_key", "keyboard", "monkey", "LOG_LEVEL", "--region"] {
            #expect(!SecretName.saysSecret(name), "\(name)")
        }
    }
}
