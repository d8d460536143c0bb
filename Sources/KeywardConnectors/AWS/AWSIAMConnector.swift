import Foundation
import KeywardCore
import KeywardImport

/// `kind: aws-iam` — the IAM users' access keys of one AWS account, over IAM's query API
/// (`https://iam.amazonaws.com`, signed for `us-east-1` unless `region` says otherwise).
///
/// A snapshot is what an operator would export with the AWS CLI and import:
/// - the credential report (`GenerateCredentialReport`, polled until complete, then
///   `GetCredentialReport`, base64 CSV) as an `aws-credential-report` document: every user of the
///   account, each key slot's last use (date, service, region), root-account use;
/// - `ListUsers` to the last page, then `ListAccessKeys` for every user (8 at a time, every
///   page), as one `aws-access-keys` document: the key ids and their status.
/// When the report cannot be had (not permitted, still generating after a minute), last use
/// comes from `GetAccessKeyLastUsed` per key instead, as ``ConnectorSnapshot/facts``.
///
/// Remediation: `UpdateAccessKey Status=Inactive` (deactivate), `DeleteAccessKey` (delete).
/// The drill's canary is an access key of the IAM user `keyward-drill-canary`, which the
/// operator creates; the policy in docs/governance.md lets the connector create and delete keys
/// of that user only.
public struct AWSIAMConnector: Connector {
    public static let defaultEndpoint = "https://iam.amazonaws.com"
    public static let canaryUser = "keyward-drill-canary"
    /// `ListAccessKeys` calls in flight at once.
    static let concurrency = 8

    public let declaration: ConnectorDeclaration
    let client: AWSQueryClient
    let http: ConnectorHTTP

    public init(context: ConnectorContext) throws {
        declaration = context.declaration
        http = context.http.with(retry: AWSQueryClient.retryPolicy)
        let region = context.declaration.region ?? "us-east-1"
        client = AWSQueryClient(http: http, signer: try AWSCredentials.signer(context, region: region),
                                endpoint: context.endpoint(default: Self.defaultEndpoint), clock: context.clock)
    }

    // MARK: snapshot

    public func snapshot() async throws -> ConnectorSnapshot {
        let users = try await listUsers()
        let client = self.client
        let perUser = await Concurrently.map(users, limit: Self.concurrency) { user -> Result<[AccessKeyEntry], ConnectorError> in
            do { return .success(try await Self.listAccessKeys(user: user, client: client)) } catch let error as ConnectorError {
                return .failure(error)
            } catch {
                return .failure(.failed(["ListAccessKeys UserName=\(user): \(ConnectorHTTP.describe(error))"]))
            }
        }
        var keys: [AccessKeyEntry] = []
        var failures: [String] = []
        for answer in perUser {
            switch answer {
            case .success(let entries): keys.append(contentsOf: entries)
            case .failure(let error): failures.append(contentsOf: error.failures)
            }
        }
        guard failures.isEmpty else { throw ConnectorError.failed(failures) }

        var documents: [ConnectorDocument] = []
        var facts: [String: ExternalKeyFacts] = [:]
        if let report = try await credentialReport() {
            documents.append(ConnectorDocument(kind: .awsCredentialReport, name: "\(declaration.name)/credential-report.csv", bytes: report))
        } else {
            facts = try await lastUsed(keys)
        }
        documents.append(ConnectorDocument(kind: .awsAccessKeys, name: "\(declaration.name)/list-access-keys.json", bytes: try Self.accessKeysDocument(keys)))
        return ConnectorSnapshot(documents: documents, facts: facts, requests: http.requestCount)
    }

    struct AccessKeyEntry: Sendable, Encodable {
        var UserName: String
        var AccessKeyId: String
        var Status: String
        var CreateDate: String
    }

    func listUsers() async throws -> [String] {
        try await Pagination.collect(label: "ListUsers") { marker in
            let result = try await client.require("ListUsers", [("MaxItems", "1000")] + (marker.map { [("Marker", $0)] } ?? []))
            let names = (result["Users"]?.members ?? []).compactMap { $0.value("UserName") }
            return (names, result.value("IsTruncated") == "true" ? result.value("Marker") : nil)
        }
    }

    static func listAccessKeys(user: String, client: AWSQueryClient) async throws -> [AccessKeyEntry] {
        try await Pagination.collect(label: "ListAccessKeys UserName=\(user)") { marker in
            let label = "ListAccessKeys UserName=\(user)"
            switch try await client.call("ListAccessKeys", [("UserName", user), ("MaxItems", "100")] + (marker.map { [("Marker", $0)] } ?? []), label: label) {
            case .error(let error) where error.code == "NoSuchEntity":
                return ([], nil)  // deleted since ListUsers: it has no keys now
            case .error(let error):
                throw ConnectorError.failed(["\(label): \(error)"])
            case .result(let result):
                let entries = try (result["AccessKeyMetadata"]?.members ?? []).map { member -> AccessKeyEntry in
                    guard let id = member.value("AccessKeyId"), let status = member.value("Status"), let created = member.value("CreateDate") else {
                        throw ConnectorError.malformedResponse("\(label): a key without AccessKeyId, Status or CreateDate")
                    }
                    return AccessKeyEntry(UserName: member.value("UserName") ?? user, AccessKeyId: id, Status: status, CreateDate: created)
                }
                return (entries, result.value("IsTruncated") == "true" ? result.value("Marker") : nil)
            }
        }
    }

    /// The decoded CSV, or nil when the account will not give one (the caller falls back to
    /// `GetAccessKeyLastUsed`). Polls `GenerateCredentialReport` until it is `COMPLETE`.
    func credentialReport() async throws -> [UInt8]? {
        var complete = false
        for _ in 0..<30 {
            switch try await client.call("GenerateCredentialReport") {
            case .error(let error) where error.status == 403 || error.code == "LimitExceeded":
                return nil
            case .error(let error):
                throw ConnectorError.failed(["GenerateCredentialReport: \(error)"])
            case .result(let result):
                complete = result.value("State") == "COMPLETE"
            }
            if complete { break }
            try await http.pause(.seconds(2))
        }
        guard complete else { return nil }
        switch try await client.call("GetCredentialReport") {
        case .error(let error) where ["ReportNotPresent", "ReportExpired", "ReportInProgress"].contains(error.code) || error.status == 403:
            return nil
        case .error(let error):
            throw ConnectorError.failed(["GetCredentialReport: \(error)"])
        case .result(let result):
            guard let content = result.value("Content"), let data = Data(base64Encoded: content, options: .ignoreUnknownCharacters) else {
                throw ConnectorError.malformedResponse("GetCredentialReport: no base64 Content")
            }
            return Array(data)
        }
    }

    /// `GetAccessKeyLastUsed` for every key, 8 at a time.
    func lastUsed(_ keys: [AccessKeyEntry]) async throws -> [String: ExternalKeyFacts] {
        let client = self.client
        let answers = await Concurrently.map(keys, limit: Self.concurrency) { key -> Result<ExternalKeyFacts, ConnectorError> in
            let label = "GetAccessKeyLastUsed AccessKeyId=\(key.AccessKeyId)"
            do {
                let result = try await client.require("GetAccessKeyLastUsed", [("AccessKeyId", key.AccessKeyId)], label: label)
                return .success(Self.facts(result))
            } catch let error as ConnectorError {
                return .failure(error)
            } catch {
                return .failure(.failed(["\(label): \(ConnectorHTTP.describe(error))"]))
            }
        }
        var facts: [String: ExternalKeyFacts] = [:]
        var failures: [String] = []
        for (key, answer) in zip(keys, answers) {
            switch answer {
            case .success(let fact): facts[key.AccessKeyId] = fact
            case .failure(let error): failures.append(contentsOf: error.failures)
            }
        }
        guard failures.isEmpty else { throw ConnectorError.failed(failures) }
        return facts
    }

    /// `<AccessKeyLastUsed><LastUsedDate/><ServiceName/><Region/>`; `N/A` means never.
    static func facts(_ result: AWSXML) -> ExternalKeyFacts {
        func known(_ text: String?) -> String? { text.flatMap { $0 == "N/A" ? nil : $0 } }
        return ExternalKeyFacts(lastUsedAt: known(result.value("AccessKeyLastUsed", "LastUsedDate")).flatMap(Self.time),
                                lastUsedService: known(result.value("AccessKeyLastUsed", "ServiceName")),
                                lastUsedRegion: known(result.value("AccessKeyLastUsed", "Region")))
    }

    /// IAM's times: `2015-08-30T12:36:00Z`, with or without fractional seconds.
    static func time(_ text: String) -> Timestamp? { Timestamp(iso8601: text) }

    /// `{"AccessKeyMetadata": [...]}`, the shape of `aws iam list-access-keys`.
    static func accessKeysDocument(_ keys: [AccessKeyEntry]) throws -> [UInt8] {
        struct Document: Encodable { var AccessKeyMetadata: [AccessKeyEntry] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(Document(AccessKeyMetadata: keys)))
    }

    // MARK: remediation

    public func remediate(_ request: RemediationRequest) async throws -> RemediationAnswer {
        let keyID = request.key.externalID
        guard let user = try await owner(of: request.key) else {
            return RemediationAnswer(outcome: .refused, message: "IAM knows no user of access key \(keyID) (NoSuchEntity)", status: 404)
        }
        switch request.action {
        case .deactivate:
            switch try await client.call("UpdateAccessKey", [("UserName", user), ("AccessKeyId", keyID), ("Status", "Inactive")],
                                         label: "UpdateAccessKey AccessKeyId=\(keyID)") {
            case .result: return RemediationAnswer(outcome: .done, message: "UpdateAccessKey: Inactive", status: 200)
            case .error(let error): return RemediationAnswer(outcome: .refused, message: "UpdateAccessKey: \(error)", status: error.status)
            }
        case .delete:
            switch try await client.call("DeleteAccessKey", [("UserName", user), ("AccessKeyId", keyID)], label: "DeleteAccessKey AccessKeyId=\(keyID)") {
            case .result: return RemediationAnswer(outcome: .done, message: "DeleteAccessKey: deleted", status: 200)
            case .error(let error) where error.code == "NoSuchEntity":
                return RemediationAnswer(outcome: .alreadyDone, message: "DeleteAccessKey: \(error)", status: error.status)
            case .error(let error): return RemediationAnswer(outcome: .refused, message: "DeleteAccessKey: \(error)", status: error.status)
            }
        }
    }

    /// The key's IAM user: the record's identity, else what `GetAccessKeyLastUsed` says (a key
    /// known only from a scanner's match has no user yet). Nil when IAM does not know the key.
    func owner(of key: ExternalKeyReference) async throws -> String? {
        if let identity = key.identity, !identity.isEmpty { return identity }
        switch try await client.call("GetAccessKeyLastUsed", [("AccessKeyId", key.externalID)], label: "GetAccessKeyLastUsed AccessKeyId=\(key.externalID)") {
        case .result(let result): return result.value("UserName")
        case .error(let error) where error.code == "NoSuchEntity" || error.status == 404: return nil
        case .error(let error): throw ConnectorError.failed(["GetAccessKeyLastUsed AccessKeyId=\(key.externalID): \(error)"])
        }
    }

    // MARK: drill

    /// A new access key of `keyward-drill-canary`; the secret IAM returns is never read out of the response.
    public func createCanary() async throws -> ExternalKeyReference {
        let result = try await client.require("CreateAccessKey", [("UserName", Self.canaryUser)], label: "CreateAccessKey UserName=\(Self.canaryUser)")
        guard let keyID = result.value("AccessKey", "AccessKeyId") else {
            throw ConnectorError.malformedResponse("CreateAccessKey: no AccessKeyId")
        }
        return ExternalKeyReference(externalID: keyID, identity: Self.canaryUser)
    }

    public func state(of key: ExternalKeyReference) async throws -> ExternalKeyState {
        guard let user = try await owner(of: key) else { return .deleted }
        let keys = try await Self.listAccessKeys(user: user, client: client)
        guard let entry = keys.first(where: { $0.AccessKeyId == key.externalID }) else { return .deleted }
        return entry.Status == "Active" ? .active : .inactive
    }

    public func discardCanary(_ key: ExternalKeyReference) async throws {
        let answer = try await remediate(RemediationRequest(action: .delete, key: key))
        if answer.outcome == .refused { throw ConnectorError.failed([answer.message]) }
    }
}
