import KeywardServer
import Testing

/// The usage-monitoring members of the verify body: `caller`, `user_agent`, `environment`.
@Suite("Verify request parser: caller fields")
struct VerifyCallerFieldsTests {
    func parse(_ text: String) throws -> (caller: String?, agent: String?, environment: String?) {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            let request = try VerifyRequestParser.parse(raw)
            func string(_ value: VerifyRequest.Text?) -> String? {
                switch value {
                case .slice(let range)?: return String(decoding: raw[range], as: UTF8.self)
                case .decoded(let bytes)?: return String(decoding: bytes, as: UTF8.self)
                case nil: return nil
                }
            }
            return (string(request.caller), string(request.userAgent), string(request.environment))
        }
    }

    @Test("read in place or decoded; null and empty mean absent; unknown members still skipped")
    func accepted() throws {
        let plain = try parse(#"{"key":"k","caller":"billing-api","user_agent":"curl/8.5","environment":"live","other":{"a":[1]}}"#)
        #expect(plain.caller == "billing-api" && plain.agent == "curl/8.5" && plain.environment == "live")
        let escaped = try parse(#"{"key":"k","caller":"b\u00e9\"x","user_agent":null,"environment":""}"#)
        #expect(escaped.caller == "bé\"x" && escaped.agent == nil && escaped.environment == nil)
        let exact = try parse(#"{"key":"k","caller":"\#(String(repeating: "c", count: 128))"}"#)
        #expect(exact.caller?.count == 128)
    }

    @Test("wrong types and oversized values are errors naming the field", arguments: [
        (#"{"key":"k","caller":1}"#, "'caller' must be a string"),
        (#"{"key":"k","user_agent":{}}"#, "'user_agent' must be a string"),
        (#"{"key":"k","environment":["live"]}"#, "'environment' must be a string"),
        (#"{"key":"k","caller":"\#(String(repeating: "c", count: 129))"}"#, "'caller' must be at most 128 bytes"),
        (#"{"key":"k","user_agent":"\#(String(repeating: "u", count: 257))"}"#, "'user_agent' must be at most 256 bytes"),
        (#"{"key":"k","environment":"\#(String(repeating: "e", count: 65))"}"#, "'environment' must be at most 64 bytes"),
        (#"{"key":"k","caller":"unterminated}"#, "unterminated string"),
    ])
    func rejected(body: String, message: String) {
        #expect {
            _ = try parse(body)
        } throws: { error in
            (error as? VerifyRequestError)?.message.contains(message) == true
        }
    }
}
