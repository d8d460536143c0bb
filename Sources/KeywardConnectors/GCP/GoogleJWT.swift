import Crypto
import _CryptoExtras
import Foundation

/// The assertion of Google's OAuth 2.0 service-account flow (RFC 7523 JWT bearer grant, as
/// "Using OAuth 2.0 for Server to Server Applications" describes it): a JWT signed with RS256
/// (RSASSA-PKCS1-v1_5 with SHA-256) by the service account's private key, header
/// `{"alg":"RS256","typ":"JWT","kid":private_key_id}`, claims `iss` (the account's e-mail),
/// `scope`, `aud` (the token URI), `iat` and `exp` (at most an hour later).
enum GoogleJWT {
    static let lifetimeSeconds: Int64 = 3600

    static func assertion(key: GoogleServiceAccountKeyFile, scope: String, issuedAt: Int64) throws -> String {
        let header = try compactJSON(["alg": "RS256", "typ": "JWT", "kid": key.privateKeyID])
        let claims = try compactJSON([
            "iss": key.clientEmail, "scope": scope, "aud": key.tokenURI, "iat": Int(issuedAt), "exp": Int(issuedAt + lifetimeSeconds),
        ] as [String: Any])
        let signingInput = base64URL(header) + "." + base64URL(claims)
        let privateKey: _RSA.Signing.PrivateKey
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: key.privateKey.value)
        } catch {
            throw ConnectorError.configuration("the service-account key file's private_key is not an RSA key of 2048 bits or more in PEM")
        }
        let signature = try privateKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + base64URL(signature.rawRepresentation)
    }

    /// Base64url without padding (RFC 7515 §2).
    static func base64URL<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func compactJSON(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
