import Foundation
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardSettings
import Testing

@Suite("Connector routes")
struct ConnectorRouteTests {
    static let secret = "connector-route-test-secret-value"
    static let moto = ProcessInfo.processInfo.environment["KEYWARD_TEST_MOTO_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// A node with one aws-iam connector whose credential is a shared-credentials file, pointed
    /// at moto when the tests have one, else at a closed port.
    static func configure(_ directory: URL) throws -> (inout KeywardConfiguration) -> Void {
        let path = directory.appendingPathComponent("aws-credentials").path
        try Data("[default]\naws_access_key_id = AKIAROUTETEST0000001\naws_secret_access_key = \(secret)\n".utf8).write(to: URL(fileURLWithPath: path))
        return { configuration in
            configuration.connectors = [ConnectorDeclaration(name: "aws-prod", kind: .awsIAM, endpoint: moto ?? "http://127.0.0.1:9",
                                                             credentials: .file(path: path), actions: [.deactivate])]
        }
    }

    @Test("list shows declarations without credential values; scopes; unknown names; actions are checked; dry runs send nothing")
    func routes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-connector-routes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServerFixture.withRouter(configure: try Self.configure(directory)) { fixture, client in
            let list = try await client.call(.get, "/v1/connectors", token: fixture.admin)
            #expect(list.status == .ok)
            #expect(!list.text.contains(Self.secret))
            let connectors = try list.decode(ConnectorListObject.self).connectors
            #expect(connectors.map(\.name) == ["aws-prod"])
            #expect(connectors[0].credentials.hasPrefix("file:"))
            #expect(connectors[0].actions == ["deactivate"])
            #expect(connectors[0].lastSync == nil)

            let reader = try await client.credential(fixture.admin, owner: "team-read", scopes: ["keyward:read"])
            #expect(try await client.call(.get, "/v1/connectors", token: reader).status == .ok)
            #expect(try await client.call(.post, "/v1/connectors/aws-prod/sync", token: reader).status == .forbidden)
            #expect(try await client.call(.post, "/v1/connectors/nope/sync", token: fixture.admin).status == .notFound)

            // A record imported from a file is served by the only aws connector.
            let file = Array(#"{"AccessKeyMetadata":[{"UserName":"ci","AccessKeyId":"AKIAROUTEKEY00000001","Status":"Active","CreateDate":"2026-01-01T00:00:00Z"}]}"#.utf8)
            let run = try await client.call(.post, "/v1/inventory/import/aws-access-keys?file=keys.json", token: fixture.admin, bytes: file)
            #expect(run.status == .ok)
            let inventory = try await client.call(.get, "/v1/inventory?provider=aws", token: fixture.admin).decode(InventoryListObject.self)
            let record = try #require(inventory.items.first)
            let dry = try await client.call(.post, "/v1/inventory/\(record.id)/deactivate", token: fixture.admin, json: #"{"reason":"leaked","dry_run":true}"#)
            #expect(dry.status == .ok)
            let answer = try dry.decode(RemediationObject.self)
            #expect(answer.outcome == "dry_run" && answer.connector == "aws-prod" && answer.status == "active")
            let delete = try await client.call(.post, "/v1/inventory/\(record.id)/delete", token: fixture.admin, json: #"{"reason":"gone"}"#)
            #expect(delete.status == .conflict)
            #expect(delete.text.contains("may not delete"))
            let noReason = try await client.call(.post, "/v1/inventory/\(record.id)/deactivate", token: fixture.admin, json: #"{"reason":""}"#)
            #expect(noReason.status == .badRequest)
            let unknownField = try await client.call(.post, "/v1/inventory/\(record.id)/deactivate", token: fixture.admin, json: #"{"reason":"x","force":true}"#)
            #expect(unknownField.status == .badRequest)
            #expect(try await client.call(.post, "/v1/inventory/inv_000000000000000000000000/deactivate", token: fixture.admin, json: #"{"reason":"x"}"#).status == .notFound)
        }
    }

    @Test("a sync through the API against moto", .enabled(if: moto != nil, "KEYWARD_TEST_MOTO_URL is not set"))
    func syncAgainstMoto() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-connector-routes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServerFixture.withRouter(configure: try Self.configure(directory)) { fixture, client in
            let answer = try await client.call(.post, "/v1/connectors/aws-prod/sync", token: fixture.admin)
            #expect(answer.status == .ok)
            let sync = try answer.decode(ConnectorSyncObject.self)
            #expect(sync.succeeded, "\(sync.failures)")
            #expect(sync.requests > 0)
            let listed = try await client.call(.get, "/v1/connectors", token: fixture.admin).decode(ConnectorListObject.self)
            #expect(listed.connectors[0].lastSync?.outcome == "succeeded")
            let audit = try await client.call(.get, "/v1/audit", token: fixture.admin)
            #expect(audit.text.contains("connector.synced"))
            #expect(!audit.text.contains(Self.secret))
            try await fixture.node.connectors.shutdown()
        }
    }
}
