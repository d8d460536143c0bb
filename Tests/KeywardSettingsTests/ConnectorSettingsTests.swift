import KeywardCore
import Testing
@testable import KeywardSettings

@Suite("Configuration: connectors")
struct ConnectorSettingsTests {
    static let yaml = """
    port: 8080
    connectors:
      - name: aws-prod
        kind: aws-iam
        credentials: env
        sync_interval: 15m
        actions: [deactivate]
      - name: aws-audit
        kind: aws-iam
        endpoint: http://127.0.0.1:5000
        region: us-gov-west-1
        credentials: file:/etc/keyward/aws-credentials
        profile: audit
    """

    @Test("the file's list of connectors becomes declarations, shown as written (credentials only as env or file:PATH)")
    func readsConnectors() throws {
        let resolved = try ConfigurationLoader(environment: [:], file: try ConfigurationFile(path: "k.yaml", text: Self.yaml)).load()
        let connectors = resolved.configuration.connectors
        #expect(connectors == [
            ConnectorDeclaration(name: "aws-prod", kind: .awsIAM, credentials: .environment, syncIntervalSeconds: 900, actions: [.deactivate]),
            ConnectorDeclaration(name: "aws-audit", kind: .awsIAM, endpoint: "http://127.0.0.1:5000", region: "us-gov-west-1",
                                 credentials: .file(path: "/etc/keyward/aws-credentials"), profile: "audit"),
        ])
        #expect(resolved.origin(of: "connectors") == .file(path: "k.yaml", line: 2))
        let shown = try #require(resolved.effectiveSettings.first { $0.name == "connectors" })
        guard case .array(let items) = shown.value, case .object(let first) = items[1] else { Issue.record("expected a list"); return }
        #expect(first["credentials"] == .string("file:/etc/keyward/aws-credentials"))
        #expect(first["actions"] == .array([]))
    }

    @Test("a bad connector is reported with the line of its item and what is wrong")
    func lineNumberedErrors() throws {
        let text = """
        connectors:
          - name: ok
            kind: aws-iam
            credentials: env
          - name: broken
            kind: aws
            credentials: env
        """
        let file = try ConfigurationFile(path: "k.yaml", text: text)
        let loader = ConfigurationLoader(environment: [:], file: file)
        let problems = Self.problems { () throws(ConfigurationError) in try loader.load() }
        #expect(problems.count == 1)
        #expect(problems.first?.origin == .file(path: "k.yaml", line: 5))
        #expect(problems.first?.message.contains("kind \"aws\" is not one of aws-iam, github, gcp-iam, openai, anthropic") == true)
    }

    static func problems(_ body: () throws(ConfigurationError) -> ResolvedConfiguration) -> [ConfigurationError.Problem] {
        do {
            _ = try body()
            return []
        } catch {
            return error.problems
        }
    }

    @Test("refused: unknown members (with a suggestion), repeated names, bad credentials, actions and intervals; github needs account",
          arguments: [
              (#"[{"name":"a","kind":"aws-iam","credentials":"env","acions":["deactivate"]}]"#, "unknown member \"acions\""),
              (#"[{"name":"a","kind":"aws-iam","credentials":"env"},{"name":"a","kind":"aws-iam","credentials":"env"}]"#, "is used by another connector"),
              (#"[{"name":"a","kind":"aws-iam","credentials":"AKIAIOSFODNN7EXAMPLE"}]"#, "credentials must be env or file:PATH"),
              (#"[{"name":"a","kind":"aws-iam","credentials":"env","actions":["revoke"]}]"#, "actions may list deactivate and delete"),
              (#"[{"name":"a","kind":"aws-iam","credentials":"env","sync_interval":"5s"}]"#, "sync_interval must be"),
              (#"[{"name":"a","kind":"github","credentials":"env"}]"#, "needs account"),
              (#"[{"name":"A B","kind":"aws-iam","credentials":"env"}]"#, "must be 1-64 lower-case"),
          ])
    func refusals(_ json: String, _ expected: String) {
        #expect(throws: SettingValueError.self) { try ConnectorSettings.parse(json) }
        do {
            _ = try ConnectorSettings.parse(json)
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            // A credential pasted where its source belongs is not repeated whole.
            #expect(!error.description.contains("AKIAIOSFODNN7EXAMPLE"))
        }
    }

    @Test("the same list as JSON in KEYWARD_CONNECTORS")
    func fromVariable() throws {
        let resolved = try ConfigurationLoader(environment: ["KEYWARD_CONNECTORS": #"[{"name":"gh","kind":"github","account":"acme","credentials":"env","actions":"deactivate"}]"#]).load()
        #expect(resolved.configuration.connectors == [ConnectorDeclaration(name: "gh", kind: .github, account: "acme", actions: [.deactivate])])
        #expect(resolved.origin(of: "connectors") == .environment("KEYWARD_CONNECTORS"))
    }
}
