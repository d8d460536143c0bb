import KeywardCore
import NIOCore

/// Hands one answered verification to the usage recorder, with its caller read from the request
/// in place: the caller's address (the body's `ip`, else the connection's peer), the body's
/// `caller` label, its `user_agent` (else the request's User-Agent header) and its `environment`.
/// Nothing is copied unless the recorder meets the caller for the first time since its last flush.
enum VerifyUsage {
    static func record(_ outcome: Verifier.Outcome, _ parsed: VerifyRequest, address: IPAddress?, body: ByteBuffer,
                       headerAgent: String?, into recorder: UsageRecorder) {
        var headerAgent = parsed.userAgent == nil ? headerAgent : nil
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
                        recorder.record(outcome, caller: CallerFields(address: address, label: label, agent: agent, environment: environment))
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
}
