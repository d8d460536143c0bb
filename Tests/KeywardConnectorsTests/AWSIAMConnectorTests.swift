import Foundation
@testable import KeywardConnectors
import KeywardCore
import KeywardImport
import Testing

@Suite("aws-iam connector against an in-memory IAM")
struct AWSIAMConnectorTests {
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"]

    static func connector(_ iam: FakeIAM, sleeps: RecordedSleeps = RecordedSleeps(), actions: Set<RemediationAction> = [.deactivate]) throws -> AWSIAMConnector {
        let declaration = ConnectorDeclaration(name: "aws-test", kind: .awsIAM, endpoint: "https://iam.test", actions: actions)
        return try AWSIAMConnector(context: ConnectorContext(declaration: declaration, http: ConnectorHTTP(transport: iam, sleep: sleeps.sleep),
                                                             environment: environment))
    }

    static func sample() -> FakeIAM {
        let iam = FakeIAM()
        iam.add(user: "alice", keys: [("AKIAALICE00000000001", "Active", "2026-01-10T08:05:00Z"), ("AKIAALICE00000000002", "Inactive", "2026-02-10T08:05:00.123Z")])
        iam.add(user: "bob", keys: [("AKIABOB0000000000001", "Active", "2025-05-01T00:00:00Z")])
        iam.add(user: "carol", keys: [])
        iam.add(user: "dave", keys: [("AKIADAVE000000000001", "Active", "2026-06-01T12:00:00Z")])
        iam.add(user: "erin", keys: [("AKIAERIN000000000001", "Active", "2026-07-01T12:00:00Z")])
        // Two keys made in the same second: two records, not one and a "duplicate".
        iam.add(user: "frank", keys: [("AKIAFRANK00000000001", "Active", "2026-08-01T00:00:00Z"), ("AKIAFRANK00000000002", "Active", "2026-08-01T00:00:00.500Z")])
        return iam
    }

    @Test("ListUsers and ListAccessKeys are followed through every Marker; the documents are what the importers read")
    func pagesToTheEnd() async throws {
        let iam = Self.sample()
        let snapshot = try await Self.connector(iam).snapshot()
        #expect(snapshot.documents.map(\.kind) == [.awsCredentialReport, .awsAccessKeys])
        // 6 users, 2 per page: markers 2 and 4 were sent back.
        #expect(iam.state.withLock { $0.markers } == ["2", "4"])
        let result = try Importer.run(documents: snapshot.documents, existing: [], now: Timestamp(iso8601: "2026-11-29T12:00:00Z")!)
        let ids = Set(result.records.compactMap(\.externalID))
        #expect(ids == ["AKIAALICE00000000001", "AKIAALICE00000000002", "AKIABOB0000000000001", "AKIADAVE000000000001", "AKIAERIN000000000001",
                        "AKIAFRANK00000000001", "AKIAFRANK00000000002"])
        #expect(result.records.count == 7)  // the report and the key list joined on user and creation second
        #expect(result.results.allSatisfy { $0.rejections.isEmpty })
        let alice2 = result.records.first { $0.externalID == "AKIAALICE00000000002" }
        #expect(alice2?.status == .disabled)
        #expect(result.records.first { $0.externalID == "AKIABOB0000000000001" }?.lastUsedService == "s3")
        #expect(snapshot.requests == iam.state.withLock { $0.actions.count })
    }

    @Test("a user whose keys cannot be listed fails the snapshot, naming the request")
    func partialFailure() async throws {
        let iam = Self.sample()
        iam.state.withLock { $0.deniedUsers = ["dave"] }
        do {
            _ = try await Self.connector(iam).snapshot()
            Issue.record("expected the snapshot to fail")
        } catch let error as ConnectorError {
            #expect(error.failures.count == 1)
            #expect(error.failures[0].hasPrefix("ListAccessKeys UserName=dave: HTTP 403 AccessDenied"))
        }
    }

    @Test("Throttling answers are retried and the read completes")
    func throttlingRetried() async throws {
        let iam = Self.sample()
        iam.state.withLock { $0.throttle = 3 }
        let sleeps = RecordedSleeps()
        let snapshot = try await Self.connector(iam, sleeps: sleeps).snapshot()
        #expect(snapshot.documents.count == 2)
        #expect(sleeps.all.count == 3)
    }

    @Test("without a credential report, last use comes from GetAccessKeyLastUsed per key")
    func lastUsedFallback() async throws {
        let iam = Self.sample()
        iam.state.withLock { $0.reportAvailable = false }
        let snapshot = try await Self.connector(iam).snapshot()
        #expect(snapshot.documents.map(\.kind) == [.awsAccessKeys])
        #expect(snapshot.facts.count == 7)
        #expect(snapshot.facts["AKIABOB0000000000001"] == ExternalKeyFacts(lastUsedAt: Timestamp(iso8601: "2026-11-21T09:30:00Z"),
                                                                          lastUsedService: "sts", lastUsedRegion: "eu-west-1"))
    }

    @Test("deactivate sends UpdateAccessKey Inactive; a refusal is an answer with IAM's words")
    func remediation() async throws {
        let iam = Self.sample()
        let connector = try Self.connector(iam)
        let done = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "AKIABOB0000000000001", identity: "bob")))
        #expect(done.outcome == .done)
        #expect(iam.state.withLock { $0.keys["bob"]?.first?.status } == "Inactive")
        // No identity: the user is found through GetAccessKeyLastUsed.
        let found = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "AKIADAVE000000000001")))
        #expect(found.outcome == .done)
        iam.state.withLock { $0.refusedKeys = ["AKIAERIN000000000001"] }
        let refused = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "AKIAERIN000000000001", identity: "erin")))
        #expect(refused.outcome == .refused)
        #expect(refused.status == 403)
        #expect(refused.message.contains("AccessDenied"))
        let unknown = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "AKIAUNKNOWN000000001")))
        #expect(unknown.outcome == .refused)
    }

    @Test("the canary: created for keyward-drill-canary, its secret never surfaces, state and delete work")
    func canary() async throws {
        let iam = Self.sample()
        iam.add(user: AWSIAMConnector.canaryUser, keys: [])
        let connector = try Self.connector(iam)
        let canary = try await connector.createCanary()
        #expect(!"\(canary)".contains("canary-secret"))
        #expect(try await connector.state(of: canary) == .active)
        _ = try await connector.remediate(RemediationRequest(action: .deactivate, key: canary))
        #expect(try await connector.state(of: canary) == .inactive)
        try await connector.discardCanary(canary)
        #expect(try await connector.state(of: canary) == .deleted)
    }

    @Test("credentials: env variables, or a profile of a shared-credentials file; missing ones are a configuration error")
    func credentials() throws {
        let text = """
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default-secret

        [profile audit]
        aws_access_key_id=AKIAAUDIT
        aws_secret_access_key=audit-secret
        aws_session_token=audit-token
        """
        #expect(AWSCredentials.profileValues(text, profile: "audit")["aws_session_token"] == "audit-token")
        #expect(AWSCredentials.profileValues(text, profile: "default")["aws_access_key_id"] == "AKIADEFAULT")
        let declaration = ConnectorDeclaration(name: "aws-test", kind: .awsIAM)
        #expect(throws: ConnectorError.configuration("aws-test: AWS_ACCESS_KEY_ID is not set (credentials: env)")) {
            _ = try AWSIAMConnector(context: ConnectorContext(declaration: declaration, http: ConnectorHTTP(transport: FakeIAM()), environment: [:]))
        }
    }

    @Test("IAM XML: members, entities, errors, malformed documents")
    func xml() throws {
        let root = try AWSXML.parse(Array("<?xml version=\"1.0\"?><A xmlns=\"x\"><B><member><C>x &amp; y &#65;&#x42;</C></member><member><C/></member></B><D><![CDATA[<raw>]]></D></A>".utf8))
        #expect(root.find("B")?.members.count == 2)
        #expect(root.find("B")?.members.first?.value("C") == "x & y AB")
        #expect(root.value("D") == "<raw>")
        #expect(throws: ConnectorError.self) { _ = try AWSXML.parse(Array("<A><B></A>".utf8)) }
        #expect(throws: ConnectorError.self) { _ = try AWSXML.parse(Array("not xml".utf8)) }
        let error = AWSErrorAnswer(response: FakeIAM.error(403, "AccessDenied", "no"))
        #expect(error.code == "AccessDenied")
        #expect("\(error)" == "HTTP 403 AccessDenied: no")
    }
}
