import KeywardCore
import NIOCore

extension IPAddress {
    /// The IP address of a socket address, taken from its bytes without formatting it as text and
    /// parsing it back; nil for a Unix domain socket or no address (router-mode tests).
    init?(_ socketAddress: SocketAddress?) {
        switch socketAddress {
        case .v4(let v4)?:
            self.init(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: v4.address.sin_addr.s_addr)))
        case .v6(let v6)?:
            var raw = v6.address.sin6_addr
            let (high, low) = withUnsafeBytes(of: &raw) { bytes in
                var high: UInt64 = 0
                var low: UInt64 = 0
                for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
                for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
                return (high, low)
            }
            self.init(high: high, low: low)
        case .unixDomainSocket?, nil:
            return nil
        }
    }
}
