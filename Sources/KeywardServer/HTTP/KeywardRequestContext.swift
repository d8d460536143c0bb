import Hummingbird
import KeywardAPI
import KeywardCore
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
        maxUploadSize = ServerConfiguration.defaultMaxBodyBytes
    }

    /// Read from the channel only when needed (allow-lists, failed logins, audit): the channel
    /// guards it with a lock, which the verify path need not take.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }

    /// The peer's IP address, if the connection has one (router-mode tests do not), taken from
    /// the socket address's bytes without formatting it as text and parsing it back.
    public var peerIP: IPAddress? {
        switch remoteAddress {
        case .v4(let v4)?:
            return IPAddress(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: v4.address.sin_addr.s_addr)))
        case .v6(let v6)?:
            var raw = v6.address.sin6_addr
            return withUnsafeBytes(of: &raw) { bytes in
                var high: UInt64 = 0
                var low: UInt64 = 0
                for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
                for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
                return IPAddress(high: high, low: low)
            }
        case .unixDomainSocket?, nil:
            return nil
        }
    }
}
