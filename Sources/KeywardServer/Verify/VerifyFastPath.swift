import HTTPTypes
import KeywardCore
import NIOCore
import NIOHTTPTypes

/// Answers `POST /v1/verify` on the connection's event loop, without the router.
///
/// Through the router a verification costs some 75 µs of server time, of which the verification
/// itself is under one: the rest is handing each request part across the async channel to a
/// task and back, routing, and collecting the body as an async sequence. This handler sits in
/// each HTTP/1 connection's pipeline between the HTTP codec and Hummingbird, and answers a
/// verification itself when that changes nothing a client could observe but the speed:
///
/// - the request is `POST /v1/verify` with a body within the limit, without `Expect` or
///   `Connection: close`;
/// - no request this connection handed to the router is still unanswered, so that answers stay
///   in request order when a client pipelines;
/// - the verify index is current, so no VALID answer needs confirming against the store;
/// - the body parses and the credential verifies with the `keyward:verify` scope.
///
/// Every other request goes through untouched to the router, whose ``VerifyRoute`` answers it as
/// it would without this handler, with its 4xx answers and the failed-auth throttle. The decision
/// is taken before anything is spent or counted, so no verification is counted twice.
final class VerifyFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Reading a verification this handler may answer: its head, and its body so far.
        case buffering(HTTPRequest, ByteBuffer?)
        /// The current request belongs to the router.
        case passing
    }

    private let endpoint: VerifyEndpoint
    private let maxBodyBytes: Int
    private let serverName: String
    private var state = State.idle
    /// Requests handed to the router whose answer has not ended yet.
    private var routerRequestsOpen = 0
    private var flushPending = false
    /// A read held back while the connection cannot take more output.
    private var readPending = false
    /// A graceful-shutdown notice held back until the verification being read is answered.
    private var quiescePending = false
    private var peer: IPAddress?
    private var peerRead = false
    private var date = HTTPDate()

    init(endpoint: VerifyEndpoint, maxBodyBytes: Int, serverName: String) {
        self.endpoint = endpoint
        self.maxBodyBytes = maxBodyBytes
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .idle:
            guard case .head(let head) = part else {
                context.fireChannelRead(data)
                return
            }
            if routerRequestsOpen == 0, takes(head) {
                state = .buffering(head, nil)
            } else {
                routerRequestsOpen += 1
                state = .passing
                context.fireChannelRead(data)
            }
        case .buffering(let head, var body):
            // Drop the state's reference first, so that appending to the body does not copy it.
            state = .idle
            switch part {
            case .head:
                handOver(context, head, body, then: part)
            case .body(var chunk):
                if (body?.readableBytes ?? 0) + chunk.readableBytes > maxBodyBytes {
                    handOver(context, head, body, then: part)
                } else {
                    if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
                    state = .buffering(head, body)
                }
            case .end(let trailers):
                if trailers == nil, let answer = answer(head, body ?? ByteBuffer(), context: context) {
                    write(answer, context: context)
                } else {
                    handOver(context, head, body, then: part)
                }
            }
            releaseHeldQuiesce(context)
        case .passing:
            if case .end = part { state = .idle }
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfPending(context)
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routerRequestsOpen = max(0, routerRequestsOpen - 1) }
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        // Answers written here bypass the async channel's back-pressure: a client that pipelines
        // verifications without reading the answers must not make the server buffer them all.
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if readPending, context.channel.isWritable {
            readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, case .buffering = state {
            quiescePending = true
            return
        }
        flushIfPending(context)
        context.fireUserInboundEventTriggered(event)
    }

    /// Whether a request head is one this handler may answer (the body decides the rest).
    private func takes(_ head: HTTPRequest) -> Bool {
        guard head.method == .post, head.path == "/v1/verify", endpoint.verifier.indexIsCurrent,
              head.headerFields[.expect] == nil
        else { return false }
        if let length = head.headerFields[.contentLength] {
            guard let bytes = Int(length), bytes <= maxBodyBytes else { return false }
        }
        for value in head.headerFields[values: .connection] where value.lowercased().contains("close") { return false }
        return true
    }

    /// The answer's body, or nil when the router must answer (nothing has been spent then).
    private func answer(_ head: HTTPRequest, _ body: ByteBuffer, context: ChannelHandlerContext) -> ByteBuffer? {
        endpoint.answerOnEventLoop(head, body: body, peer: { self.peerIP(context) })
    }

    private func write(_ answer: ByteBuffer, context: ChannelHandlerContext) {
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = "application/json"
        headers[.contentLength] = String(answer.readableBytes)
        headers[.date] = date.now()
        headers[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(answer)), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        flushPending = true
    }

    /// Passes a request this handler started reading on to the router, with the part that ended it.
    private func handOver(_ context: ChannelHandlerContext, _ head: HTTPRequest, _ body: ByteBuffer?, then part: HTTPRequestPart) {
        routerRequestsOpen += 1
        state = .passing
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if let body { context.fireChannelRead(wrapInboundOut(.body(body))) }
        if case .end = part { state = .idle }
        if case .head = part {
            // A head inside a request cannot come from the HTTP decoder; hand it on as it came.
            state = .idle
            channelRead(context: context, data: wrapInboundOut(part))
            return
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Passes on a graceful-shutdown notice held while a verification was being read, once it is
    /// answered or handed to the router.
    private func releaseHeldQuiesce(_ context: ChannelHandlerContext) {
        guard quiescePending else { return }
        if case .buffering = state { return }
        quiescePending = false
        flushIfPending(context)
        context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }

    private func flushIfPending(_ context: ChannelHandlerContext) {
        guard flushPending else { return }
        flushPending = false
        context.flush()
    }

    private func peerIP(_ context: ChannelHandlerContext) -> IPAddress? {
        if !peerRead {
            peer = IPAddress(context.remoteAddress)
            peerRead = true
        }
        return peer
    }
}

@available(*, unavailable)
extension VerifyFastPath: Sendable {}
