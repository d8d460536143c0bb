import KeywardCore

/// Reads the `aws-iam` connector's credential: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// optionally `AWS_SESSION_TOKEN` (`credentials: env`), or a profile of a shared-credentials file
/// (`credentials: file:PATH`, `profile:`, default `default`) in the format of `~/.aws/credentials`.
enum AWSCredentials {
    static func signer(_ context: ConnectorContext, region: String) throws -> SigV4Signer {
        let name = context.declaration.name
        if let file = try context.credentialFile() {
            let profile = context.declaration.profile ?? "default"
            let values = profileValues(file.value, profile: profile)
            guard let keyID = values["aws_access_key_id"], !keyID.isEmpty,
                  let secret = values["aws_secret_access_key"], !secret.isEmpty else {
                throw ConnectorError.configuration("\(name): profile [\(profile)] of the credentials file has no aws_access_key_id and aws_secret_access_key")
            }
            return SigV4Signer(accessKeyID: keyID, secretAccessKey: ConnectorSecret(secret),
                               sessionToken: values["aws_session_token"].flatMap { $0.isEmpty ? nil : ConnectorSecret($0) },
                               region: region, service: "iam")
        }
        let keyID = try context.variable("AWS_ACCESS_KEY_ID").value
        let secret = try context.variable("AWS_SECRET_ACCESS_KEY")
        let token = context.environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : ConnectorSecret($0) }
        return SigV4Signer(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, region: region, service: "iam")
    }

    /// The `key = value` lines of section `[profile]` (or `[profile NAME]`, the config file's spelling).
    static func profileValues(_ text: String, profile: String) -> [String: String] {
        var values: [String: String] = [:]
        var inSection = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                inSection = section == profile || section == "profile \(profile)"
                continue
            }
            guard inSection, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }
}

import Foundation
