import Hummingbird
import KeywardAPI
import KeywardCore
import NIOCore

/// `POST /v1/verify` through the router. On a running server most verifications never get here:
/// ``VerifyFastPath`` answers them on the event loop and hands this route the rest (a refused
/// credential, a malformed body, an index that must be confirmed against the store, a pipelined
/// request behind another). An invalid key is a 200 answer; only a malformed request is a 4xx.
enum VerifyRoute {
    static func route(_ node: KeywardNode) -> APIRoute {
        let endpoint = node.verifyEndpoint
        let confirmation = node.authenticator.confirmation
        let metrics = node.metrics
        return APIRoute(.post, "/v1/verify", scope: "keyward:verify") { request, context, _ in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let started = ContinuousClock.now
            let (checked, parsed) = try body.withUnsafeReadableBytes { bytes -> (Verifier.Outcome, VerifyEndpoint.Parsed) in
                let parsed: VerifyEndpoint.Parsed
                do throws(VerifyRequestError) {
                    parsed = try VerifyEndpoint.parse(bytes)
                } catch {
                    throw APIError.badRequest(error.message)
                }
                return (endpoint.verify(parsed, in: bytes, peer: context.peerIP), parsed)
            }
            let outcome: Verifier.Outcome
            do {
                outcome = try await confirmation.confirm(checked)
            } catch {
                metrics.unconfirmed.increment()
                throw error
            }
            let answer = endpoint.answer(outcome, parsed, body: body, headerAgent: request.headers[.userAgent], peer: context.peerIP, started: started,
                                         onEventLoop: false)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: answer))
        }
    }
}
