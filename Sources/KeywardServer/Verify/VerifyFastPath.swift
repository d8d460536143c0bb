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
/// verification itself when that changes nothing a client could observe but the speed.
///
/// When that is, ``VerifyFastPathStateMachine`` decides; this handler only carries its actions
/// out, and asks ``VerifyEndpoint/answerOnEventLoop(_:body:peer:)`` for the answer, which
/// authenticates with the router's own ``Authenticator/check(header:peer:scope:)`` and declines,
/// having spent nothing, what the router must answer. Every other request goes through untouched
/// to the router, whose ``VerifyRoute`` answers it as it would without this handler.
final class VerifyFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let endpoint: VerifyEndpoint
    private let serverName: String
    private var machine: VerifyFastPathStateMachine
    private var peer: IPAddress?
    private var peerRead = false
    private let proxies: TrustedProxies
    /// The socket peer is a trusted proxy: each request's client is read from its X-Forwarded-For.
    private var peerIsProxy = false
    private var date = HTTPDate()

    init(endpoint: VerifyEndpoint, maxBodyBytes: Int, serverName: String, budget: VerifyBufferBudget = VerifyBufferBudget(bytes: .max),
         proxies: TrustedProxies = TrustedProxies(networks: [])) {
        self.endpoint = endpoint
        self.proxies = proxies
        self.serverName = serverName
        self.machine = VerifyFastPathStateMachine(maxBodyBytes: maxBodyBytes, budget: budget)
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.closed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        machine.closed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action: VerifyFastPathStateMachine.ReadAction
        switch unwrapInboundIn(data) {
        case .head(let head): action = machine.receivedHead(head, indexIsCurrent: endpoint.verifier.indexIsCurrent)
        case .body(let chunk): action = machine.receivedBody(chunk)
        case .end(let trailers): action = machine.receivedEnd(trailers)
        }
        run(action, data, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if machine.readComplete() { context.flush() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { machine.routerAnswerEnded() }
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        if machine.read(isWritable: context.channel.isWritable) == .read { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if machine.writabilityChanged(isWritable: context.channel.isWritable) == .read { context.read() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            run(machine.quiesce(), context: context)
            return
        }
        if machine.readComplete() { context.flush() }
        context.fireUserInboundEventTriggered(event)
    }

    private func run(_ action: VerifyFastPathStateMachine.ReadAction, _ data: NIOAny, context: ChannelHandlerContext) {
        switch action {
        case .forward:
            context.fireChannelRead(data)
        case .buffer:
            break
        case .answer(let head, let body):
            if let answer = endpoint.answerOnEventLoop(head, body: body, peer: { self.clientIP(context, head) }) {
                write(answer, context: context)
                run(machine.answered(), context: context)
            } else {
                run(machine.declined(), data, context: context)
            }
        case .handOver(let head, let body, let then, let quiesce):
            context.fireChannelRead(wrapInboundOut(.head(head)))
            if let body { context.fireChannelRead(wrapInboundOut(.body(body))) }
            context.fireChannelRead(wrapInboundOut(then))
            run(quiesce, context: context)
        }
    }

    private func run(_ action: VerifyFastPathStateMachine.QuiesceAction, context: ChannelHandlerContext) {
        guard case .forward(let flush) = action else { return }
        if flush { context.flush() }
        context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
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
    }

    /// The client of a request: the socket peer, read once per connection, unless that is a
    /// trusted proxy (then as ``TrustedProxies`` reads the request's X-Forwarded-For, as the
    /// router's ``ClientAddressMiddleware`` does).
    private func clientIP(_ context: ChannelHandlerContext, _ head: HTTPRequest) -> IPAddress? {
        if !peerRead {
            peer = IPAddress(context.remoteAddress)
            peerIsProxy = peer.map(proxies.trusts) ?? false
            peerRead = true
        }
        guard peerIsProxy else { return peer }
        return proxies.client(peer: peer, headers: head.headerFields)
    }
}

@available(*, unavailable)
extension VerifyFastPath: Sendable {}
