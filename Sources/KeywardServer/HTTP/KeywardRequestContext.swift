import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardSettings
import NIOCore

/// Per-request state: the peer address (for the allow-lists and the failed-auth throttle) and
/// the body limit. Principal resolution is done by ``Authenticator`` inside each route.
public struct KeywardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        maxUploadSize = KeywardConfiguration.defaultMaxBodyBytes
    }

    /// Read from the channel only when needed (allow-lists, failed logins, audit): the channel
    /// guards it with a lock, which the verify path need not take.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }

    /// The client address a trusted proxy forwarded (set by ``ClientAddressMiddleware`` when
    /// the socket peer is one of `trusted_proxies`).
    var forwardedClient: IPAddress?

    /// The client's IP address: the socket peer's, or the one a trusted proxy forwarded; nil
    /// when the connection has none (router-mode tests).
    public var peerIP: IPAddress? { forwardedClient ?? IPAddress(remoteAddress) }

    /// ``peerIP`` as text, for audit entries, leak reporters and the failed-auth throttle.
    public var clientAddress: String? { peerIP?.description }
}
