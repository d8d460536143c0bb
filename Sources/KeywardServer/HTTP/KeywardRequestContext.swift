import Hummingbird
import KeywardAPI
import KeywardCore
import NIOCore

/// Per-request state: the peer address (for the allow-lists and the failed-auth throttle) and
/// the body limit. Principal resolution is done by ``Authenticator`` inside each route.
public struct KeywardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        maxUploadSize = ServerConfiguration.defaultMaxBodyBytes
    }

    /// The peer's IP address, if the connection has one (router-mode tests do not).
    public var peerIP: IPAddress? {
        guard let text = remoteAddress?.ipAddress else { return nil }
        return IPAddress(text)
    }
}
