import HTTPTypes
import KeywardCore
import NIOCore

/// The work of `POST /v1/verify`, shared by the router's route, which serves every case, and by
/// ``VerifyFastPath``, which answers the common case on the event loop.
///
/// The steps are split where their side effects begin: ``parse(_:)`` spends nothing, nor does
/// the ``Authenticator``'s check of a refused credential, so the fast path can still hand such a
/// request to the router; ``verify(_:in:peer:)`` of a valid key spends a rate-limit token, so
/// whoever calls it must also answer, and ``answer(_:_:body:headerAgent:peer:started:onEventLoop:)``
/// records the verification, once, with its final answer.
struct VerifyEndpoint: Sendable {
    let authenticator: Authenticator
    let metrics: NodeMetrics

    var verifier: Verifier { authenticator.verifier }
    var recorder: UsageRecorder { authenticator.usage }

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

    /// Answers a verification on the event loop: the answer's body, or nil when the router must
    /// answer it — a body that does not parse, or a credential that does not pass the route's
    /// own check (``Authenticator/check(header:peer:scope:)`` with `keyward:verify`). Nothing is
    /// spent or counted before the answer is certain, so the router's second look counts once.
    func answerOnEventLoop(_ head: HTTPRequest, body: ByteBuffer, peer: () -> IPAddress?) -> ByteBuffer? {
        body.withUnsafeReadableBytes { bytes -> ByteBuffer? in
            let started = ContinuousClock.now
            guard let parsed = try? Self.parse(bytes),
                  case .valid = authenticator.check(header: head.headerFields[.authorization], peer: peer(), scope: .verify)
            else { return nil }
            let outcome = verify(parsed, in: bytes, peer: peer())
            return answer(outcome, parsed, body: body, headerAgent: head.headerFields[.userAgent], peer: peer(), started: started, onEventLoop: true)
        }
    }

    /// Verifies the key of a parsed body against its required scopes.
    func verify(_ parsed: Parsed, in bytes: UnsafeRawBufferPointer, peer: @autoclosure () -> IPAddress?) -> Verifier.Outcome {
        let scopes = parsed.request.requiredScopes.map { Self.bytes($0, in: bytes) }
        return Self.withBytes(parsed.request.key, in: bytes) { key in
            verifier.verify(key, requiredScopes: scopes, caller: parsed.stated ?? peer())
        }
    }

    /// Counts the answer (metrics, the key's use and usage tables) and writes the 200 body.
    func answer(_ outcome: Verifier.Outcome, _ parsed: Parsed, body: ByteBuffer, headerAgent: String?, peer: @autoclosure () -> IPAddress?,
                started: ContinuousClock.Instant, onEventLoop: Bool) -> ByteBuffer {
        metrics.verified(outcome.code, nanoseconds: (ContinuousClock.now - started).nanoseconds, onEventLoop: onEventLoop)
        VerifyUsage.record(outcome, parsed.request, address: parsed.stated ?? peer(), body: body, headerAgent: headerAgent, into: recorder)
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
