import Foundation

/// The parts of a Google service-account JSON key file (`"type": "service_account"`) that the
/// OAuth 2 JWT grant needs. The private key stays in a ``ConnectorSecret``; nothing here is
/// printed whole.
struct GoogleServiceAccountKeyFile: Sendable {
    var projectID: String?
    var privateKeyID: String
    var privateKey: ConnectorSecret
    var clientEmail: String
    var tokenURI: String

    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// Reads the key file's JSON; `name` is what errors call it (the connector's name).
    init(json text: String, name: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw ConnectorError.configuration("\(name): the service-account key file is not a JSON object")
        }
        guard (object["type"] as? String) == "service_account" else {
            throw ConnectorError.configuration("\(name): the key file's type must be service_account")
        }
        func required(_ member: String) throws -> String {
            guard let value = object[member] as? String, !value.isEmpty else {
                throw ConnectorError.configuration("\(name): the service-account key file has no \(member)")
            }
            return value
        }
        projectID = object["project_id"] as? String
        privateKeyID = try required("private_key_id")
        privateKey = ConnectorSecret(try required("private_key"))
        clientEmail = try required("client_email")
        tokenURI = (object["token_uri"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
    }
}
