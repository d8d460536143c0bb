import KeywardAPI
import KeywardCore
import NIOCore

/// Writes the `POST /v1/verify` answer straight into a `ByteBuffer`: the fixed fields
/// `{valid, code, key_id?, owner?, scopes?, environment?, expires_at?}` with no intermediate
/// String, dictionary or encoder. Key details are included for a valid key only; a refused key
/// carries its `key_id` (so operators can trace it) and nothing else.
enum VerifyResponseWriter {
    static func write(_ outcome: Verifier.Outcome, into buffer: inout ByteBuffer) {
        let code = outcome.code
        buffer.writeStaticString(code == .valid ? #"{"valid":true,"code":""# : #"{"valid":false,"code":""#)
        buffer.writeString(code.rawValue)
        buffer.writeStaticString("\"")
        if let key = outcome.key {
            buffer.writeStaticString(#","key_id":""#)
            _ = key.idDigits.withText { buffer.writeBytes($0) }
            buffer.writeStaticString("\"")
            if code == .valid {
                buffer.writeStaticString(#","owner":"#)
                writeJSONString(key.owner, into: &buffer)
                buffer.writeStaticString(#","scopes":"#)
                buffer.writeBytes(key.scopes.json)
                buffer.writeStaticString(#","environment":"#)
                writeJSONString(key.environment, into: &buffer)
                buffer.writeStaticString(#","expires_at":"#)
                if let expiresAt = key.expiresAt {
                    buffer.writeStaticString("\"")
                    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Timestamp.iso8601Length) { expiresAt.formatISO8601(into: $0) }
                    buffer.writeStaticString("\"")
                } else {
                    buffer.writeStaticString("null")
                }
            }
        }
        buffer.writeStaticString("}")
    }

    /// Copies plain strings directly; escapes only when a byte needs it.
    static func writeJSONString(_ value: String, into buffer: inout ByteBuffer) {
        let needsEscape = value.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        if needsEscape {
            var out: [UInt8] = []
            JSONValue.writeString(value, into: &out)
            buffer.writeBytes(out)
        } else {
            buffer.writeStaticString("\"")
            buffer.writeString(value)
            buffer.writeStaticString("\"")
        }
    }
}
