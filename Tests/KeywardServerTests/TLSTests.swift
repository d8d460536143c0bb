import AsyncHTTPClient
import Foundation
import Hummingbird
import KeywardCore
@testable import KeywardServer
import KeywardSettings
import Logging
import KeywardStore
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// `--tls-cert` / `--tls-key`: HTTPS with the verify fast path behind TLS, and certificate files
/// re-read when they change.
@Suite("TLS", .serialized, .timeLimit(.minutes(2)))
struct TLSTests {
    /// A self-signed certificate for localhost and 127.0.0.1, made by the openssl CLI.
    static func makeCertificate(in directory: URL, name: String) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(name)",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl req")
        return (certificate, key)
    }

    /// A status code, or nil when the TLS handshake (or connection) fails.
    static func call(_ url: String, trusting certificate: String, method: NIOHTTP1.HTTPMethod = .GET, token: String? = nil, body: String? = nil) async -> Int? {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard let roots = try? NIOSSLCertificate.fromPEMFile(certificate) else { return nil }
        tls.trustRoots = .certificates(roots)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return nil }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    @Test("HTTPS with a self-signed certificate: the API and the verify fast path answer; a replaced certificate is served from the next connection")
    func servesAndReloads() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try Self.makeCertificate(in: directory, name: "first")
        let second = try Self.makeCertificate(in: directory, name: "second")
        let served = (certificate: directory.appendingPathComponent("served.crt").path, key: directory.appendingPathComponent("served.key").path)
        try FileManager.default.copyItem(atPath: first.certificate, toPath: served.certificate)
        try FileManager.default.copyItem(atPath: first.key, toPath: served.key)

        let fixture = try await ServerFixture.make { configuration in
            configuration.tlsCertFile = served.certificate
            configuration.tlsKeyFile = served.key
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = KeywardApplication.application(fixture.node) { port in portContinuation.yield(port) }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        do {
            let port = try await withDeadline(.seconds(20)) { for await port in ports { return port }; return 0 }
            let base = "https://localhost:\(port)"
            #expect(await Self.call(base + "/healthz", trusting: first.certificate) == 200)
            #expect(await Self.call(base + "/healthz", trusting: second.certificate) == nil, "the second certificate is not served yet")
            let verify = #"{"key":"\#(fixture.admin)"}"#
            #expect(await Self.call(base + "/v1/verify", trusting: first.certificate, method: .POST, token: fixture.admin, body: verify) == 200)
            let scraped = String(decoding: fixture.node.metrics.scrape(indexKeys: 0, webhooks: WebhookStats()), as: UTF8.self)
            #expect(scraped.contains(#"keyward_verify_answers_total{handler="event_loop"} 1"#), "the fast path answered over TLS: \(scraped)")

            // Renewal by renaming new files over the old ones, as certificate tools do.
            let staged = (certificate: served.certificate + ".new", key: served.key + ".new")
            try FileManager.default.copyItem(atPath: second.certificate, toPath: staged.certificate)
            try FileManager.default.copyItem(atPath: second.key, toPath: staged.key)
            #expect(rename(staged.key, served.key) == 0 && rename(staged.certificate, served.certificate) == 0)
            #expect(await Self.call(base + "/healthz", trusting: second.certificate) == 200, "the new certificate is served")
            #expect(await Self.call(base + "/healthz", trusting: first.certificate) == nil, "the old one no longer")

            // A broken renewal keeps the last good certificate.
            try "not a certificate".write(toFile: served.certificate, atomically: true, encoding: .utf8)
            #expect(await Self.call(base + "/healthz", trusting: second.certificate) == 200)
        } catch {
            server.cancel()
            try? await fixture.close()
            throw error
        }
        server.cancel()
        _ = try? await server.value
        try? await fixture.close()
    }

    @Test("a certificate without its key, or files that cannot be read, stop the node with the setting named")
    func badFiles() throws {
        func problem(_ configure: (inout KeywardConfiguration) -> Void) -> String {
            var configuration = KeywardConfiguration()
            configure(&configuration)
            do {
                _ = try KeywardNode.tlsFiles(ResolvedConfiguration(configuration: configuration), logger: Logger(label: "test"))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(problem { $0.tlsCertFile = "/nonexistent/cert.pem" }.contains("tls_key_file"))
        #expect(problem { $0.tlsCertFile = "/nonexistent/cert.pem"; $0.tlsKeyFile = "/nonexistent/key.pem" }.contains("tls_cert_file"))
        #expect(problem { _ in } == "accepted")
    }
}
