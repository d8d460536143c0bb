import Foundation

/// A throwaway RSA key made with openssl for one test (never committed), and the service-account
/// key file around it, as Google's console downloads it.
struct TestServiceAccountKey {
    static let clientEmail = "keyward-connector@acme-prod.iam.gserviceaccount.com"
    static let privateKeyID = "0123456789abcdef0123456789abcdef01234567"

    let privateKeyPEM: String
    let publicKeyPEM: String
    let directory: URL

    static func make() throws -> TestServiceAccountKey {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-rsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let privatePath = directory.appendingPathComponent("private.pem").path
        let publicPath = directory.appendingPathComponent("public.pem").path
        try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privatePath])
        try openssl(["pkey", "-in", privatePath, "-pubout", "-out", publicPath])
        return TestServiceAccountKey(privateKeyPEM: try String(contentsOfFile: privatePath, encoding: .utf8),
                                     publicKeyPEM: try String(contentsOfFile: publicPath, encoding: .utf8), directory: directory)
    }

    /// The JSON key file, its token URI pointing at `tokenURI`.
    func keyFile(tokenURI: String, project: String? = "acme-prod") -> String {
        var object: [String: Any] = [
            "type": "service_account", "private_key_id": Self.privateKeyID, "private_key": privateKeyPEM,
            "client_email": Self.clientEmail, "client_id": "100000000000000000001", "token_uri": tokenURI,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        ]
        if let project { object["project_id"] = project }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs openssl; throws with its output when it fails.
    @discardableResult
    static func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
