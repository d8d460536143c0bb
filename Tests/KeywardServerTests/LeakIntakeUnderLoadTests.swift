import Foundation
import KeywardCore
import KeywardSettings
import Testing
@testable import KeywardServer

/// Leak intake on a real socket while anonymous clients hold connections open.
@Suite("Leak intake under load", .timeLimit(.minutes(2)))
struct LeakIntakeUnderLoadTests {
    @Test("connections that never finish their body take no leak slot: a signed report still gets 200")
    func partialBodiesDoNotBlockSignedReports() async throws {
        try await ServerFixture.withLive(configure: { configuration in
            configuration.leaks.reportSecrets = [try! LeakReportSecret(LeakFixture.secret)]
            configuration.leaks.maxInFlight = 2
        }) { _, port in
            var held: [HeldSocket] = []
            for path in ["/v1/leaks/report", "/v1/leaks/report", "/v1/leaks/github", "/v1/leaks/report", "/v1/leaks/report"] {
                held.append(try await HeldSocket.open(port: port, sending:
                    "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n["))
            }
            // Let the server start on each of them (on the old code each took a slot here).
            try await Task.sleep(for: .milliseconds(300))
            let body = alertBody(["kw_live_notakeyatall"])
            let timestamp: Int64 = 1_800_000_000
            let signature = LeakReportSignature.sign(body, timestamp: timestamp, secret: try LeakReportSecret(LeakFixture.secret))
            let answer = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(rawRequest("POST", "/v1/leaks/report", body: String(decoding: body, as: UTF8.self), headers: [
                    "\(LeakReportSignature.timestampHeader): \(timestamp)", "\(LeakReportSignature.signatureHeader): \(signature)",
                ]))
                return try await connection.answer()
            }
            #expect(answer?.status == 200, "answer: \(answer?.status ?? 0) \(answer?.body ?? "closed")")
            #expect(held.allSatisfy { !$0.isClosed }, "a slow body is not cut short before its deadline")
            for socket in held { await socket.close() }
        }
    }

    @Test("a leak body that stops arriving is closed at the body deadline")
    func stalledLeakBody() async throws {
        try await ServerFixture.withLive(configure: { configuration in
            configuration.leaks.reportSecrets = [try! LeakReportSecret(LeakFixture.secret)]
            configuration.limits.bodyTimeoutMilliseconds = 300
        }) { _, port in
            let socket = try await HeldSocket.open(port: port, sending:
                "POST /v1/leaks/report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[")
            #expect(try await socket.waitUntilClosed())
            await socket.close()
        }
    }
}
