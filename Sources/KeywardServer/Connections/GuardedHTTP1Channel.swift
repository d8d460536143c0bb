import HummingbirdCore
import KeywardSettings
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with a ``ConnectionGuard`` in front of the HTTP decoder:
/// Hummingbird's own `additionalChannelHandlers` go behind the decoder, where a connection
/// that never finishes its head is invisible.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let registry: ConnectionRegistry
    let limits: ConnectionLimits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuard(registry: registry, limits: limits, logger: logger))
        }.flatMap {
            http1.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
