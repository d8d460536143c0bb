import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP connection a test holds open while it does other things: it sends what it is told,
/// collects whatever the server answers, and notices when the server closes it. For what
/// ``RawHTTPConnection`` cannot do: many connections at once, each left half-sent.
final class HeldSocket: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex("")
        let closed = Atomic(false)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            received.withLock { $0 += text }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.store(true, ordering: .relaxed)
            context.fireChannelInactive()
        }
    }

    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func open(port: Int, sending text: String = "") async throws -> HeldSocket {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        let socket = HeldSocket(channel: channel, collector: collector)
        if !text.isEmpty { try await socket.send(text) }
        return socket
    }

    /// Sends `text`; false when the connection is already closed.
    @discardableResult
    func send(_ text: String) async throws -> Bool {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text))
            return true
        } catch {
            return false
        }
    }

    var received: String { collector.received.withLock { $0 } }
    var isClosed: Bool { collector.closed.load(ordering: .relaxed) }

    /// Waits until `condition` holds, looking every 20 ms for at most `limit` (a bound that only
    /// keeps a failing test from hanging); returns whether it came to hold.
    func eventually(within limit: Duration = .seconds(10), _ condition: () -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < end else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    func waitUntilClosed(within limit: Duration = .seconds(10)) async throws -> Bool {
        try await eventually(within: limit) { isClosed }
    }

    func close() async {
        try? await channel.close()
    }
}
