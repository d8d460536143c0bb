import Foundation
@testable import KeywardConnectors
import Testing

@Suite("Google service-account JWT (RS256)")
struct GoogleJWTTests {
    @Test("the assertion's RS256 signature verifies with openssl against the key's public half; its header and claims are Google's")
    func verifiesWithOpenSSL() throws {
        let key = try TestServiceAccountKey.make()
        defer { key.remove() }
        let file = try GoogleServiceAccountKeyFile(json: key.keyFile(tokenURI: "https://oauth2.googleapis.com/token"), name: "gcp")
        let jwt = try GoogleJWT.assertion(key: file, scope: GoogleAccessTokens.scope, issuedAt: 1_764_417_600)
        let parts = jwt.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        let input = key.directory.appendingPathComponent("input")
        let signature = key.directory.appendingPathComponent("signature")
        try Data("\(parts[0]).\(parts[1])".utf8).write(to: input)
        try #require(FakeGoogle.bytes(parts[2]).map { Data($0) }).write(to: signature)
        let publicPath = key.directory.appendingPathComponent("public.pem").path
        let verified = try TestServiceAccountKey.openssl(["dgst", "-sha256", "-verify", publicPath, "-signature", signature.path, input.path])
        #expect(verified.status == 0, "openssl: \(verified.output)")
        #expect(verified.output.contains("Verified OK"))

        // The check can fail: the same signature over other claims does not verify.
        try Data("\(parts[0]).\(GoogleJWT.base64URL(Array(#"{"iss":"mallory"}"#.utf8)))".utf8).write(to: input)
        #expect(try TestServiceAccountKey.openssl(["dgst", "-sha256", "-verify", publicPath, "-signature", signature.path, input.path]).status != 0)

        let header = try #require(FakeGoogle.decode(parts[0]))
        #expect(header["alg"] as? String == "RS256" && header["typ"] as? String == "JWT" && header["kid"] as? String == TestServiceAccountKey.privateKeyID)
        let claims = try #require(FakeGoogle.decode(parts[1]))
        #expect(claims["iss"] as? String == TestServiceAccountKey.clientEmail)
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform")
        #expect(claims["iat"] as? Int == 1_764_417_600 && claims["exp"] as? Int == 1_764_421_200)
        #expect(!jwt.contains("="))
    }

    @Test("a key file that is not a service account's, or lacks its private key, is a configuration error that shows no key")
    func badKeyFiles() throws {
        #expect(throws: ConnectorError.self) { try GoogleServiceAccountKeyFile(json: #"{"type": "authorized_user"}"#, name: "gcp") }
        let error = #expect(throws: ConnectorError.self) {
            try GoogleServiceAccountKeyFile(json: #"{"type": "service_account", "private_key_id": "k", "client_email": "a@b"}"#, name: "gcp")
        }
        #expect(error?.description.contains("private_key") == true)
        let file = try GoogleServiceAccountKeyFile(
            json: #"{"type": "service_account", "private_key_id": "k", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"}"#,
            name: "gcp")
        #expect(file.tokenURI == "https://oauth2.googleapis.com/token")
        let signing = #expect(throws: ConnectorError.self) { try GoogleJWT.assertion(key: file, scope: "s", issuedAt: 0) }
        #expect(signing?.description.contains("not a key") == false)
    }
}
