import Foundation
import KeywardCore
import KeywardGovernance
import KeywardPolicy
import KeywardStore
import KeywardTestSupport
import SQLKit
import Testing

/// A governance service on a real database (a SQLite file in a fresh directory, or a fresh
/// PostgreSQL database), with a manual clock at 2026-11-29T12:00:00Z.
struct GovernanceFixture {
    let directory: URL
    /// The PostgreSQL database to drop at the end, if the fixture made one.
    let postgresDatabase: TemporaryPostgresDatabase?
    let store: SQLStore
    let clock: ManualClock
    let keys: KeyService
    let service: GovernanceService
    let admin = Principal.system("test-admin")

    static let start = Timestamp(iso8601: "2026-11-29T12:00:00Z")!

    static func make(_ backend: TestDatabase = .sqlite, policy: LoadedPolicy = .builtIn) async throws -> GovernanceFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-governance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var postgresDatabase: TemporaryPostgresDatabase?
        let store: SQLStore
        switch backend {
        case .sqlite:
            store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("keyward.db").path)
        case .postgres:
            let database = try await TemporaryPostgresDatabase.create(prefix: "keyward_gov_")
            postgresDatabase = database
            store = try await SQLStore.openPostgres(url: database.url)
        }
        let clock = ManualClock(start)
        let changes = InventoryChanges()
        let keys = KeyService(store: store, lifecycle: try KeyLifecycle(environments: ["live", "test", "prod"]), clock: clock) { _ in changes.signal() }
        let service = GovernanceService(store: store, keys: keys, clock: clock, policy: policy, changes: changes)
        return GovernanceFixture(directory: directory, postgresDatabase: postgresDatabase, store: store, clock: clock, keys: keys, service: service)
    }

    /// Runs `body` on a fresh fixture and removes it afterwards, also when `body` throws.
    static func with(_ backend: TestDatabase = .sqlite, policy: LoadedPolicy = .builtIn,
                     _ body: (GovernanceFixture) async throws -> Void) async throws {
        let fixture = try await make(backend, policy: policy)
        do {
            try await body(fixture)
        } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    func close() async throws {
        try await store.close()
        try? FileManager.default.removeItem(at: directory)
        try await postgresDatabase?.drop()
    }

    /// Writes `text` to a file named `name` in the fixture's directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @discardableResult
    func issue(name: String, owner: String, scopes: [String] = ["billing:read"], environment: String = "live",
               meta: [String: JSONValue] = [:], ttlDays: Int64? = 90) async throws -> KeyRecord {
        var request = IssueRequest(name: name, owner: owner, scopes: scopes, environment: environment)
        request.meta = meta
        request.ttlSeconds = ttlDays.map { $0 * 86_400 }
        return try await keys.issue(request, by: admin).record
    }

    func auditActions() async throws -> [String] {
        try await store.auditEvents(limit: 1000).map(\.action)
    }
}

/// Export files in the exact formats of AWS, GCP and GitHub, for the service tests.
enum Exports {
    static let reportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

    /// Three machine users of account 210987654321: a billing exporter with an old key, a
    /// reporting user with two keys, and a builder with a console password; plus one bad row.
    static func credentialReport(withBadRow: Bool = true) -> String {
        var rows = [
            reportHeader,
            "billing-export,arn:aws:iam::210987654321:user/billing-export,2024-01-10T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-01-10T08:05:00+00:00,2026-11-20T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "reporting,arn:aws:iam::210987654321:user/reporting,2025-09-01T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T07:00:00+00:00,2026-11-28T22:00:00+00:00,eu-central-1,athena,true,2025-09-01T08:10:00+00:00,no_information,N/A,N/A,false,N/A,false,N/A",
            "builder,arn:aws:iam::210987654321:user/builder,2026-06-01T08:00:00+00:00,true,2026-11-01T10:00:00+00:00,2026-06-01T08:00:00+00:00,N/A,false,true,2026-06-01T08:01:00+00:00,2026-11-27T10:00:00+00:00,us-west-2,ecr,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]
        if withBadRow {
            rows.append("broken,arn:aws:iam::210987654321:user/broken,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,02/03/2026,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }

    static let accessKeys = """
    {"AccessKeyMetadata": [
      {"UserName": "billing-export", "AccessKeyId": "AKIAZBILLINGEXPORT01", "Status": "Active", "CreateDate": "2024-01-10T08:05:00Z"},
      {"UserName": "reporting", "AccessKeyId": "AKIAZREPORTING000001", "Status": "Active", "CreateDate": "2026-10-01T07:00:00Z"}
    ]}
    """

    static let genericCSV = """
    provider,external_id,kind,identity,owner,purpose,environments,scopes,created_at,last_used_at,expires_at,reviewed_at,status,tags
    other,twilio-main,api_key,sms-sender,team-comms,SMS notifications,production,messages.send,2026-09-01T00:00:00Z,2026-11-28T00:00:00Z,2027-03-01T00:00:00Z,2026-11-01,active,tier=1
    azure,5d1e0c2b-1111-4000-8000-00000000000a,secret,ledger-app,bob,ledger sync,production,Files.Read,2026-10-01T00:00:00Z,2026-11-20T00:00:00Z,2027-06-01T00:00:00Z,2026-11-01,active,

    """
}
