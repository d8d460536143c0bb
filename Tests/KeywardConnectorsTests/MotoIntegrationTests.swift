import AsyncHTTPClient
import Foundation
@testable import KeywardConnectors
import KeywardCore
import Testing

/// The aws-iam connector against moto (`moto[server]`, a maintained third-party emulator of
/// AWS's APIs) over real HTTP: `.ci/run` starts it and sets `KEYWARD_TEST_MOTO_URL`. Users and
/// keys are made with this module's own signed query client; state is checked through moto's
/// IAM API, not through keyward's records.
enum MotoServer {
    /// Where moto listens, from `KEYWARD_TEST_MOTO_URL`.
    static let url = ProcessInfo.processInfo.environment["KEYWARD_TEST_MOTO_URL"].flatMap { $0.isEmpty ? nil : $0 }
}

@Suite("aws-iam against moto", .enabled(if: MotoServer.url != nil, "KEYWARD_TEST_MOTO_URL is not set: start `python3 -m moto.server -p PORT` and export KEYWARD_TEST_MOTO_URL=http://127.0.0.1:PORT (.ci/run does)"))
struct MotoIntegrationTests {
    static var url: String? { MotoServer.url }

    static func client() -> AWSQueryClient {
        let http = ConnectorHTTP(transport: AsyncHTTPTransport(client: .shared)).with(retry: AWSQueryClient.retryPolicy)
        let signer = SigV4Signer(accessKeyID: "AKIAMOTOTEST00000001", secretAccessKey: ConnectorSecret("moto-test-secret"), region: "us-east-1", service: "iam")
        return AWSQueryClient(http: http, signer: signer, endpoint: url!, clock: SystemClock())
    }

    /// A user with `keys` new access keys; their ids.
    static func user(_ name: String, keys: Int) async throws -> [String] {
        let client = client()
        switch try await client.call("CreateUser", [("UserName", name)]) {
        case .result: break
        case .error(let error) where error.code == "EntityAlreadyExists": break
        case .error(let error): throw ConnectorError.failed(["CreateUser: \(error)"])
        }
        var ids: [String] = []
        for _ in 0..<keys {
            let result = try await client.require("CreateAccessKey", [("UserName", name)])
            ids.append(try #require(result.value("AccessKey", "AccessKeyId")))
        }
        return ids
    }

    /// What moto says of a user's keys: id → Active/Inactive.
    static func keys(of user: String) async throws -> [String: String] {
        let result = try await client().require("ListAccessKeys", [("UserName", user)])
        var keys: [String: String] = [:]
        for member in result["AccessKeyMetadata"]?.members ?? [] { keys[member.value("AccessKeyId") ?? ""] = member.value("Status") }
        return keys
    }

    @Test("sync reads moto's users and keys; deactivate and delete change them in moto; a re-sync agrees")
    func syncAndRemediate() async throws {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let alice = "alice-\(suffix)"
        let bob = "bob-\(suffix)"
        let aliceKeys = try await Self.user(alice, keys: 2)
        let bobKeys = try await Self.user(bob, keys: 1)
        let transport = AsyncHTTPTransport(client: .shared)
        try await ConnectorFixture.with(actions: [.deactivate, .delete], endpoint: Self.url!, transport: transport) { fixture in
            let sync = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(sync.succeeded, "\(sync.failures)")
            #expect(sync.requests >= 4)
            var records = try await fixture.records()
            let mine = records.filter { [alice, bob].contains($0.identity ?? "") }
            #expect(Set(mine.compactMap(\.externalID)) == Set(aliceKeys + bobKeys))
            #expect(mine.allSatisfy { $0.status == .active && $0.account == "123456789012" })

            let target = try #require(mine.first { $0.externalID == aliceKeys[0] })
            let outcome = try await fixture.service.remediate(recordID: target.id, action: .deactivate, reason: "leaked in a test", via: "test", by: fixture.admin)
            #expect(outcome.outcome == "done")
            var inMoto = try await Self.keys(of: alice)
            #expect(inMoto[aliceKeys[0]] == "Inactive")
            #expect(inMoto[aliceKeys[1]] == "Active")

            let doomed = try #require(mine.first { $0.externalID == bobKeys[0] })
            let deleted = try await fixture.service.remediate(recordID: doomed.id, action: .delete, reason: "offboarded", via: "test", by: fixture.admin)
            #expect(deleted.outcome == "done")
            #expect(try await Self.keys(of: bob).isEmpty)

            fixture.clock.advance(seconds: 60)
            let again = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(again.succeeded)
            records = try await fixture.records()
            #expect(records.first { $0.externalID == aliceKeys[0] }?.status == .disabled)
            #expect(records.first { $0.externalID == aliceKeys[1] }?.status == .active)
            #expect(records.first { $0.externalID == bobKeys[0] }?.status == .deleted)
            inMoto = try await Self.keys(of: alice)
            #expect(inMoto.count == 2)
        }
    }

    @Test("the deactivation drill against moto: canaries are created, seen inactive, and deleted")
    func drill() async throws {
        _ = try await Self.user(AWSIAMConnector.canaryUser, keys: 0)
        let before = try await Self.keys(of: AWSIAMConnector.canaryUser)
        try await ConnectorFixture.with(actions: [.deactivate], endpoint: Self.url!, transport: AsyncHTTPTransport(client: .shared)) { fixture in
            let result = try await fixture.service.drill(name: "aws-prod", rounds: 3, pollInterval: .milliseconds(5), by: fixture.admin)
            #expect(result.overall.samplesMilliseconds.count == 3)
            #expect(result.passed)
        }
        #expect(try await Self.keys(of: AWSIAMConnector.canaryUser).count == before.count)
    }
}
