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

    /// The peer's IP address, if the connection has one (router-mode tests do not).
    public var peerIP: IPAddress? { IPAddress(remoteAddress) }
}
