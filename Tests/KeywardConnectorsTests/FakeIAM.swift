import Foundation
@testable import KeywardConnectors
import KeywardCore
import Synchronization

/// An in-memory IAM answering the query API as AWS documents it (IAM API Reference, version
/// 2010-05-08: `ListUsers`, `ListAccessKeys`, `GetAccessKeyLastUsed`, `GenerateCredentialReport`,
/// `GetCredentialReport`, `UpdateAccessKey`, `DeleteAccessKey`, `CreateAccessKey`; errors as
/// `<ErrorResponse><Error><Code>`), with small pages so pagination is exercised, and knobs for
/// throttling and failures. Checks that every request carries a SigV4 `Authorization` for `iam`.
final class FakeIAM: ConnectorTransport, Sendable {
    struct Key: Sendable {
        var id: String
        var status: String
        var created: String
    }

    struct State: Sendable {
        var users: [String] = []
        var keys: [String: [Key]] = [:]
        var usersPerPage = 2
        var keysPerPage = 1
        /// `ListAccessKeys` for these users answers 403.
        var deniedUsers: Set<String> = []
        /// `UpdateAccessKey` answers 403 for these key ids.
        var refusedKeys: Set<String> = []
        /// The next this-many requests answer 400 Throttling.
        var throttle = 0
        var reportAvailable = true
        var actions: [String] = []
        var markers: [String] = []
        var nextKey = 0
    }

    let state = Mutex(State())

    func add(user: String, keys: [(String, String, String)]) {
        state.withLock {
            $0.users.append(user)
            $0.keys[user] = keys.map { Key(id: $0.0, status: $0.1, created: $0.2) }
        }
    }

    func send(_ request: ConnectorRequest) async throws -> ConnectorResponse {
        guard request.header("authorization")?.contains("/us-east-1/iam/aws4_request") == true, request.header("x-amz-date") != nil else {
            return Self.error(403, "IncompleteSignature", "missing SigV4 authorization")
        }
        let form = Self.form(request.body)
        let action = form["Action"] ?? ""
        return state.withLock { state in
            state.actions.append(action)
            if state.throttle > 0 {
                state.throttle -= 1
                return Self.error(400, "Throttling", "Rate exceeded")
            }
            return Self.answer(action, form, &state)
        }
    }

    static func answer(_ action: String, _ form: [String: String], _ state: inout State) -> ConnectorResponse {
        switch action {
        case "ListUsers":
            let start = Int(form["Marker"] ?? "0") ?? 0
            if let marker = form["Marker"] { state.markers.append(marker) }
            let page = state.users.dropFirst(start).prefix(state.usersPerPage)
            let next = start + page.count
            let truncated = next < state.users.count
            let members = page.map { "<member><UserName>\($0)</UserName><Arn>arn:aws:iam::123456789012:user/\($0)</Arn></member>" }.joined()
            return ok(action, "<Users>\(members)</Users><IsTruncated>\(truncated)</IsTruncated>\(truncated ? "<Marker>\(next)</Marker>" : "")")
        case "ListAccessKeys":
            let user = form["UserName"] ?? ""
            if state.deniedUsers.contains(user) { return error(403, "AccessDenied", "not authorized to perform iam:ListAccessKeys on \(user)") }
            guard let keys = state.keys[user] else { return error(404, "NoSuchEntity", "The user with name \(user) cannot be found.") }
            let start = Int(form["Marker"] ?? "0") ?? 0
            let page = keys.dropFirst(start).prefix(state.keysPerPage)
            let next = start + page.count
            let truncated = next < keys.count
            let members = page.map { "<member><UserName>\(user)</UserName><AccessKeyId>\($0.id)</AccessKeyId><Status>\($0.status)</Status><CreateDate>\($0.created)</CreateDate></member>" }.joined()
            return ok(action, "<AccessKeyMetadata>\(members)</AccessKeyMetadata><IsTruncated>\(truncated)</IsTruncated>\(truncated ? "<Marker>\(next)</Marker>" : "")")
        case "GenerateCredentialReport":
            guard state.reportAvailable else { return error(403, "AccessDenied", "not authorized to perform iam:GenerateCredentialReport") }
            return ok(action, "<State>COMPLETE</State>")
        case "GetCredentialReport":
            var rows = ["user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"]
            for user in state.users {
                let keys = state.keys[user] ?? []
                func slot(_ index: Int) -> String {
                    guard index < keys.count else { return "false,N/A,N/A,N/A,N/A" }
                    let key = keys[index]
                    return "\(key.status == "Active"),\(key.created.prefix(19))+00:00,2026-11-20T10:00:00+00:00,us-east-1,s3"
                }
                rows.append("\(user),arn:aws:iam::123456789012:user/\(user),2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,\(slot(0)),\(slot(1)),false,N/A,false,N/A")
            }
            let content = Data((rows.joined(separator: "\n") + "\n").utf8).base64EncodedString()
            return ok(action, "<Content>\(content)</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-29T11:00:00Z</GeneratedTime>")
        case "GetAccessKeyLastUsed":
            let id = form["AccessKeyId"] ?? ""
            guard let user = state.keys.first(where: { $0.value.contains { $0.id == id } })?.key else {
                return error(404, "NoSuchEntity", "The Access Key with id \(id) cannot be found")
            }
            return ok(action, "<UserName>\(user)</UserName><AccessKeyLastUsed><LastUsedDate>2026-11-21T09:30:00Z</LastUsedDate><ServiceName>sts</ServiceName><Region>eu-west-1</Region></AccessKeyLastUsed>")
        case "UpdateAccessKey", "DeleteAccessKey":
            let id = form["AccessKeyId"] ?? ""
            let user = form["UserName"] ?? ""
            if state.refusedKeys.contains(id) { return error(403, "AccessDenied", "User is not authorized to perform iam:\(action)") }
            guard let index = state.keys[user]?.firstIndex(where: { $0.id == id }) else {
                return error(404, "NoSuchEntity", "The Access Key with id \(id) cannot be found")
            }
            if action == "DeleteAccessKey" { state.keys[user]!.remove(at: index) } else { state.keys[user]![index].status = form["Status"] ?? "" }
            return ok(action, "")
        case "CreateAccessKey":
            let user = form["UserName"] ?? ""
            guard state.keys[user] != nil else { return error(404, "NoSuchEntity", "The user with name \(user) cannot be found.") }
            state.nextKey += 1
            let id = String(format: "AKIACANARY%010d", state.nextKey)
            state.keys[user]!.append(Key(id: id, status: "Active", created: "2026-11-29T12:00:00Z"))
            return ok(action, "<AccessKey><UserName>\(user)</UserName><AccessKeyId>\(id)</AccessKeyId><Status>Active</Status><SecretAccessKey>canary-secret-never-shown</SecretAccessKey></AccessKey>")
        default:
            return error(400, "InvalidAction", "Could not find operation \(action)")
        }
    }

    static func ok(_ action: String, _ result: String) -> ConnectorResponse {
        let body = "<?xml version=\"1.0\"?>\n<\(action)Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><\(action)Result>\(result)</\(action)Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></\(action)Response>"
        return ConnectorResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array(body.utf8))
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> ConnectorResponse {
        let body = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        return ConnectorResponse(status: status, headers: [("Content-Type", "text/xml")], body: Array(body.utf8))
    }

    static func form(_ body: [UInt8]) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            form[String(parts[0]).removingPercentEncoding ?? ""] = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? "") : ""
        }
        return form
    }
}

/// A sleep that returns at once and remembers what it was asked to wait.
final class RecordedSleeps: Sendable {
    let waits = Mutex<[Duration]>([])
    var sleep: ConnectorHTTP.Sleep { { duration in self.waits.withLock { $0.append(duration) } } }
    var all: [Duration] { waits.withLock { $0 } }
}

/// A transport that answers from a list, in order, and records the requests.
final class ScriptedTransport: ConnectorTransport, Sendable {
    let answers: Mutex<[Result<ConnectorResponse, TransportFailure>]>
    let requests = Mutex<[ConnectorRequest]>([])

    struct TransportFailure: Error {}

    init(_ answers: [Result<ConnectorResponse, TransportFailure>]) {
        self.answers = Mutex(answers)
    }

    func send(_ request: ConnectorRequest) async throws -> ConnectorResponse {
        requests.withLock { $0.append(request) }
        let next = answers.withLock { $0.isEmpty ? .success(ConnectorResponse(status: 599)) : $0.removeFirst() }
        return try next.get()
    }
}
