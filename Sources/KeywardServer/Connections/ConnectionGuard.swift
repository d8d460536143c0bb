import KeywardSettings
import Logging
import NIOCore

/// The first handler of every connection: admits it through the ``ConnectionRegistry`` and
/// closes it when it misses a deadline.
///
/// It sits before the HTTP decoder, so it sees every byte as it arrives (the first byte of a
/// request head starts the header deadline), and learns where requests begin and end from
/// ``RequestPhaseObserver`` behind the decoder. The deadlines:
///
/// - a request head must be complete `header_timeout_ms` after its first byte (on a new
///   connection: after it was accepted);
/// - a kept-alive connection with no request in progress is closed after `idle_timeout_ms`;
/// - a request body must be complete `body_timeout_ms` after its head, or, when it is larger,
///   arrive at `body_min_bytes_per_second` on average;
/// - while a request is being answered there is none: that time is the server's.
///
/// One timer per connection: phase changes only record when they happened (this runs on every
/// request, the verify path's included), and the timer, when it fires, works out whether the
/// current phase's deadline has passed and otherwise sleeps until it.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private enum Phase {
        case awaitingHead(since: NIODeadline)
        case idle(since: NIODeadline)
        /// Reading a body: since its head, with the connection's byte count at that moment.
        case body(since: NIODeadline, bytesBefore: Int)
        case responding
    }

    private let registry: ConnectionRegistry
    private let limits: ConnectionLimits
    private let logger: Logger
    private var entry: ConnectionRegistry.Entry?
    private var phase = Phase.awaitingHead(since: .now())
    /// Requests whose head was read and whose answer has not ended.
    private var requestsOpen = 0
    private var bytesRead = 0
    private var timer: Scheduled<Void>?
    private var refused = false
    private var published = ConnectionRegistry.Entry.Phase.awaitingHead

    init(registry: ConnectionRegistry, limits: ConnectionLimits, logger: Logger) {
        self.registry = registry
        self.limits = limits
        self.logger = logger
    }

    // MARK: admission

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if entry == nil, !refused { admit(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        leave()
    }

    private func admit(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        phase = .awaitingHead(since: now)
        let entry = ConnectionRegistry.Entry(channel: context.channel, now: now)
        switch registry.admit(entry) {
        case .admitted:
            break
        case .replacing(let victim):
            logger.debug("connection limit reached: closing an idle or slow connection for a new one", metadata: ["limit": "\(registry.limit)"])
            victim.channel.close(mode: .all, promise: nil)
        case .refused:
            refused = true
            logger.notice("connection limit reached with every connection busy: refusing a new one", metadata: ["limit": "\(registry.limit)"])
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(ByteBuffer(string: Self.refusal))), promise: nil)
            context.close(promise: nil)
            return
        }
        self.entry = entry
        arm(context: context, at: currentDeadline())
    }

    private func leave() {
        timer?.cancel()
        timer = nil
        if let entry { registry.remove(entry) }
        entry = nil
    }

    /// What a refused connection reads before it is closed: nothing of it has been read, so the
    /// answer cannot depend on its request.
    static let refusal: String = {
        let body = #"{"error":{"code":"too_many_connections","message":"the server holds as many connections as it allows, all busy; retry shortly"}}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n" + body
    }()

    // MARK: traffic

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let bytes = unwrapInboundIn(data).readableBytes
        bytesRead &+= bytes
        if case .idle = phase, bytes > 0 { enter(.awaitingHead(since: .now())) }
        context.fireChannelRead(data)
    }

    /// A request head was decoded.
    func requestStarted() {
        requestsOpen += 1
        enter(.body(since: .now(), bytesBefore: bytesRead))
    }

    /// A request's end was decoded: what remains is the server's answer, unless it was given
    /// already (a refusal sent before the body was read), and then the connection is idle.
    func requestEnded() {
        enter(requestsOpen == 0 ? .idle(since: .now()) : .responding)
    }

    /// An answer's end was written.
    func answerEnded() {
        requestsOpen = max(0, requestsOpen - 1)
        if requestsOpen == 0, case .responding = phase { enter(.idle(since: .now())) }
    }

    private func enter(_ next: Phase) {
        phase = next
        switch next {
        case .idle(let since): publish(.idle, since: since)
        case .awaitingHead(let since): publish(.awaitingHead, since: since)
        case .body, .responding: publish(.busy, since: nil)
        }
    }

    /// What the registry reads at the limit; a busy connection's time is never read, so going
    /// from body to answer (every request) stores nothing.
    private func publish(_ registryPhase: ConnectionRegistry.Entry.Phase, since: NIODeadline?) {
        guard registryPhase != published || since != nil else { return }
        published = registryPhase
        entry?.publish(registryPhase, since: since ?? .uptimeNanoseconds(0))
    }

    // MARK: deadlines

    /// When the current phase ends the connection; nil while an answer is being made.
    private func currentDeadline() -> NIODeadline? {
        switch phase {
        case .awaitingHead(let since):
            return since + .milliseconds(Int64(limits.headerTimeoutMilliseconds))
        case .idle(let since):
            return since + .milliseconds(Int64(limits.idleTimeoutMilliseconds))
        case .body(let since, let bytesBefore):
            let received = Int64(bytesRead &- bytesBefore)
            let earned = received * 1_000_000_000 / Int64(max(1, limits.bodyMinimumBytesPerSecond))
            return since + .nanoseconds(max(Int64(limits.bodyTimeoutMilliseconds) * 1_000_000, earned))
        case .responding:
            return nil
        }
    }

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline?) {
        // While answering, look again after the shortest deadline: the answer may end any time.
        let wake = deadline ?? .now() + .milliseconds(Int64(min(limits.headerTimeoutMilliseconds, limits.idleTimeoutMilliseconds)))
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: wake) { [self] in
            fired(context: context)
        }
    }

    private func fired(context: ChannelHandlerContext) {
        timer = nil
        guard entry != nil else { return }
        let now = NIODeadline.now()
        if let deadline = currentDeadline(), deadline <= now {
            logger.debug("closing a connection that missed its deadline", metadata: ["phase": "\(phase)"])
            context.close(promise: nil)
            return
        }
        arm(context: context, at: currentDeadline())
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
