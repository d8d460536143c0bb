import Foundation
import KeywardCore
import KeywardSettings
import Testing
@testable import KeywardServer

/// `max_concurrent_imports` and `import_spool_bytes` on a real socket.
@Suite("Upload limits", .timeLimit(.minutes(2)))
struct UploadLimitTests {
    @Test("an upload beyond max_concurrent_imports is refused 503 with a body naming the setting; the place frees when the first ends")
    func concurrentUploads() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.maxConcurrentImports = 1 }) { fixture, port in
            let first = try await HeldSocket.open(port: port, sending:
                "POST /v1/inventory/import/csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.admin)\r\nContent-Length: 100000\r\n\r\nid,owner\n")
            try await Task.sleep(for: .milliseconds(200))
            func upload() async throws -> RawHTTPConnection.Answer? {
                try await RawHTTPConnection.with(port: port) { connection in
                    try await connection.send(rawRequest("POST", "/v1/inventory/import/csv", token: fixture.admin, body: "external_id,provider\nabc,aws\n"))
                    return try await connection.answer()
                }
            }
            let refused = try await upload()
            #expect(refused?.status == 503)
            #expect(refused?.body.contains("max_concurrent_imports") == true)
            #expect(refused?.header("Retry-After") != nil)
            await first.close()
            var answered: RawHTTPConnection.Answer?
            for _ in 0..<50 {
                answered = try await upload()
                if answered?.status != 503 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(answered?.status != 503, "the place is given back when the first upload ends")
        }
    }

    @Test("an upload announcing more than import_spool_bytes is refused 503 before it is read")
    func spoolBytes() async throws {
        try await ServerFixture.withLive(configure: { $0.limits.importSpoolBytes = 1 << 20 }) { fixture, port in
            let socket = try await HeldSocket.open(port: port, sending:
                "POST /v1/inventory/import/csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.admin)\r\nContent-Length: \(2 << 20)\r\n\r\nid\n")
            #expect(try await socket.eventually { socket.received.contains("\r\n\r\n{") })
            #expect(socket.received.hasPrefix("HTTP/1.1 503"))
            #expect(socket.received.contains("import_spool_bytes"))
            await socket.close()
        }
    }
}

extension UploadLimitTests {
    @Test("a CSV upload with a line of commas is refused 400 naming the fields-per-record limit")
    func commaLine() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let body = Array("external_id,provider\n".utf8) + [UInt8](repeating: UInt8(ascii: ","), count: 1 << 20)
            let answer = try await client.call(.post, "/v1/inventory/import/csv", token: fixture.admin, bytes: body)
            #expect(answer.status == .badRequest)
            #expect(answer.errorMessage.contains("more than 1000 fields"), "\(answer.errorMessage)")
        }
    }
}
