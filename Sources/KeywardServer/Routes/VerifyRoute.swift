import Hummingbird
import KeywardAPI
import KeywardCore
import NIOCore

/// `POST /v1/verify`: the hot path. Parses the body in place, verifies from memory, writes the
/// answer into one buffer. An invalid key is a 200 answer; only a malformed request is a 4xx.
enum VerifyRoute {
    static func route(_ node: KeywardNode) -> APIRoute {
        let verifier = node.verifier
        let confirmation = node.authenticator.confirmation
        let recorder = node.usageRecorder
        let metrics = node.metrics
        return APIRoute(.post, "/v1/verify", scope: "keyward:verify") { request, context, _ in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let started = ContinuousClock.now
            let (checked, parsed, stated) = try body.withUnsafeReadableBytes { bytes -> (Verifier.Outcome, VerifyRequest, IPAddress?) in
                let parsed: VerifyRequest
                do throws(VerifyRequestError) {
                    parsed = try VerifyRequestParser.parse(bytes)
                } catch {
                    throw APIError.badRequest(error.message)
                }
                var stated: IPAddress?
                if let ip = parsed.ip {
                    let text = Self.string(ip, in: bytes)
                    guard let address = IPAddress(text) else { throw APIError.badRequest("field 'ip' is not an IP address") }
                    stated = address
                }
                let scopes = parsed.requiredScopes.map { Self.bytes($0, in: bytes) }
                let outcome = Self.withBytes(parsed.key, in: bytes) { key in
                    verifier.verify(key, requiredScopes: scopes, caller: stated ?? context.peerIP)
                }
                return (outcome, parsed, stated)
            }
            let outcome: Verifier.Outcome
            do {
                outcome = try await confirmation.confirm(checked)
            } catch {
                metrics.unconfirmed.increment()
                throw error
            }
            metrics.verified(outcome.code, nanoseconds: (ContinuousClock.now - started).nanoseconds)
            if let recorder { VerifyUsage.record(outcome, parsed, stated: stated, body: body, request: request, context: context, into: recorder) }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(256)
            VerifyResponseWriter.write(outcome, into: &buffer)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
        }
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
