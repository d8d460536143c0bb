import AsyncHTTPClient
import Foundation
import KeywardAPI
import KeywardCore
import NIOCore

/// A raw answer of a leak endpoint: status and body.
public struct LeakAnswer: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var retryAfter: String?

    /// The feedback array of a 200 answer.
    public func feedback() throws -> [LeakFeedback] {
        guard status == 200 else {
            if let error = try? JSONDecoder().decode(ErrorObject.self, from: Data(body)) {
                throw ClientError.api(status: status, code: error.error.code, message: error.error.message)
            }
            throw ClientError.api(status: status, code: "http_\(status)", message: String(decoding: body.prefix(200), as: UTF8.self))
        }
        do {
            return try JSONDecoder().decode([LeakFeedback].self, from: Data(body))
        } catch {
            throw ClientError.unexpectedResponse("leak report answer: \(error)")
        }
    }
}

extension KeywardClient {
    /// `POST /v1/leaks/revoke` (scope `keyward:write`): keys a scan found leaked, by hash and
    /// place, get keyward's leak response — revoked, a critical `leaked-key` finding, `key.leaked`.
    /// At most ``LeakRevokeBody/maximumCount`` per call.
    public func revokeLeaks(_ leaks: [LeakRevokeItem]) async throws -> LeakRevokeResult {
        try await send(.POST, "/v1/leaks/revoke", body: LeakRevokeBody(leaks: leaks))
    }

    /// Signs `items` with `secret` (HMAC-SHA256 over `timestamp.body`) and posts them to
    /// `POST /v1/leaks/report`. No bearer token is sent: the signature is the credential.
    public func reportLeaks(
        _ items: [LeakReportItem], secret: LeakReportSecret, reporter: String? = nil, timestamp: Int64? = nil
    ) async throws -> LeakAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = Array(try encoder.encode(items))
        let time = timestamp ?? Int64(Date().timeIntervalSince1970)
        var headers = [
            (LeakReportSignature.timestampHeader, String(time)),
            (LeakReportSignature.signatureHeader, LeakReportSignature.sign(body, timestamp: time, secret: secret)),
        ]
        if let reporter { headers.append((LeakReportSignature.reporterHeader, reporter)) }
        return try await postLeak("/v1/leaks/report", body: body, headers: headers)
    }

    /// Posts a body as it is, with the given headers (a GitHub-signed alert, or a hand-made
    /// request in tests), to a leak endpoint.
    public func postLeak(_ path: String, body: [UInt8], headers: [(String, String)]) async throws -> LeakAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: timeout)
        } catch {
            throw ClientError.unreachable("cannot reach keyward at \(baseURL): \(error)")
        }
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return LeakAnswer(status: Int(response.status.code), body: Array(bytes.readableBytesView), retryAfter: response.headers.first(name: "Retry-After"))
    }
}
