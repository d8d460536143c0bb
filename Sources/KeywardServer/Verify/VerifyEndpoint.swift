import KeywardCore
import NIOCore

/// The work of `POST /v1/verify`, shared by the router's route, which serves every case, and by
/// ``VerifyFastPath``, which answers the common case on the event loop.
///
/// The steps are split where their side effects begin: ``parse(_:)`` and ``authenticates(_:peer:)``
/// of a refused credential spend nothing, so the fast path can still hand such a request to the
/// router; ``verify(_:in:peer:)`` of a valid key spends a rate-limit token and counts a use, so
/// whoever calls it must also answer.
struct VerifyEndpoint: Sendable {
    let verifier: Verifier
    let recorder: UsageRecorder?
    let metrics: NodeMetrics

    /// The scope a verifying credential needs, as the verifier's required-scope list.
    static let requiredScope: [[UInt8]] = [Array("keyward:verify".utf8)]

    /// A body read in place, with the caller address it states.
    struct Parsed {
        var request: VerifyRequest
        var stated: IPAddress?
    }

    /// Reads a body; throws the message of a 400.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(VerifyRequestError) -> Parsed {
        let request = try VerifyRequestParser.parse(bytes)
        var stated: IPAddress?
        if let ip = request.ip {
            guard let address = IPAddress(string(ip, in: bytes)) else { throw VerifyRequestError(message: "field 'ip' is not an IP address") }
            stated = address
        }
        return Parsed(request: request, stated: stated)
    }

    /// True when the `Authorization` header is a bearer keyward key that verifies with the
    /// `keyward:verify` scope (or `keyward:admin`). A refusal spends nothing; the router's
    /// ``Authenticator`` then gives the 401 or 403 and feeds the failed-auth throttle.
    func authenticates(_ header: String?, peer: () -> IPAddress?) -> Bool {
        guard var header else { return false }
        return header.withUTF8 { bytes in
            guard let token = Authenticator.bearerToken(UnsafeRawBufferPointer(bytes)) else { return false }
            return verifier.verify(token, requiredScopes: Self.requiredScope, caller: peer()).code == .valid
        }
    }

    /// Verifies the key of a parsed body against its required scopes.
    func verify(_ parsed: Parsed, in bytes: UnsafeRawBufferPointer, peer: @autoclosure () -> IPAddress?) -> Verifier.Outcome {
        let scopes = parsed.request.requiredScopes.map { Self.bytes($0, in: bytes) }
        return Self.withBytes(parsed.request.key, in: bytes) { key in
            verifier.verify(key, requiredScopes: scopes, caller: parsed.stated ?? peer())
        }
    }

    /// Counts the answer (metrics, usage) and writes the 200 body.
    func answer(_ outcome: Verifier.Outcome, _ parsed: Parsed, body: ByteBuffer, headerAgent: String?, peer: @autoclosure () -> IPAddress?,
                started: ContinuousClock.Instant, onEventLoop: Bool) -> ByteBuffer {
        metrics.verified(outcome.code, nanoseconds: (ContinuousClock.now - started).nanoseconds, onEventLoop: onEventLoop)
        if let recorder {
            VerifyUsage.record(outcome, parsed.request, address: parsed.stated ?? peer(), body: body, headerAgent: headerAgent, into: recorder)
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        VerifyResponseWriter.write(outcome, into: &buffer)
        return buffer
    }

    static func withBytes<T>(_ text: VerifyRequest.Text, in body: UnsafeRawBufferPointer, _ use: (UnsafeRawBufferPointer) -> T) -> T {
        switch text {
        case .slice(let range): return use(UnsafeRawBufferPointer(rebasing: body[range]))
        case .decoded(let bytes): return bytes.withUnsafeBytes(use)
        }
    }

    static func bytes(_ text: VerifyRequest.Text, in body: UnsafeRawBufferPointer) -> [UInt8] {
        switch text {
        case .slice(let range): return Array(UnsafeRawBufferPointer(rebasing: body[range]))
        case .decoded(let bytes): return bytes
        }
    }

    static func string(_ text: VerifyRequest.Text, in body: UnsafeRawBufferPointer) -> String {
        withBytes(text, in: body) { String(decoding: $0, as: UTF8.self) }
    }
}
