import Hummingbird
import KeywardCore
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands one verification to the usage recorder, with its caller read from the request in place:
/// the body's `ip` (else the connection's peer), its `caller` label, its `user_agent` (else the
/// request's User-Agent header) and its `environment`. Nothing is copied unless the recorder
/// meets the caller for the first time since its last flush.
enum VerifyUsage {
    static func record(_ outcome: Verifier.Outcome, _ parsed: VerifyRequest, stated: IPAddress?, body: ByteBuffer,
                       request: Request, context: KeywardRequestContext, into recorder: UsageRecorder) {
        let address = stated ?? context.remoteAddress.flatMap(peerAddress)
        var headerAgent = parsed.userAgent == nil ? request.headers[.userAgent] : nil
        body.withUnsafeReadableBytes { bytes in
            func slice(_ text: VerifyRequest.Text?, _ use: (UnsafeRawBufferPointer?) -> Void) {
                switch text {
                case .none: use(nil)
                case .slice(let range)?: use(UnsafeRawBufferPointer(rebasing: bytes[range]))
                case .decoded(let decoded)?: decoded.withUnsafeBytes { use($0) }
                }
            }
            slice(parsed.caller) { label in
                slice(parsed.environment) { environment in
                    let record = { (agent: UnsafeRawBufferPointer?) in
                        recorder.record(outcome.key, code: outcome.code, at: outcome.checkedAt,
                                        caller: CallerFields(address: address, label: label, agent: agent, environment: environment))
                    }
                    if parsed.userAgent != nil {
                        slice(parsed.userAgent, record)
                    } else if headerAgent != nil {
                        headerAgent!.withUTF8 { record(UnsafeRawBufferPointer($0)) }
                    } else {
                        record(nil)
                    }
                }
            }
        }
    }

    /// The peer's address as an ``IPAddress`` from the socket address's bytes, without formatting
    /// it as text and parsing it back.
    static func peerAddress(_ address: SocketAddress) -> IPAddress? {
        switch address {
        case .v4(let v4):
            return IPAddress(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: v4.address.sin_addr.s_addr)))
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            return withUnsafeBytes(of: &raw) { bytes in
                var high: UInt64 = 0
                var low: UInt64 = 0
                for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
                for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
                return IPAddress(high: high, low: low)
            }
        case .unixDomainSocket:
            return nil
        }
    }
}
