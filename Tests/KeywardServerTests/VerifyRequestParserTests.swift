import KeywardServer
import Testing

@Suite("Verify request parser")
struct VerifyRequestParserTests {
    func parse(_ text: String) throws -> (key: String, scopes: [String], ip: String?) {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            let request = try VerifyRequestParser.parse(raw)
            func string(_ value: VerifyRequest.Text) -> String {
                switch value {
                case .slice(let range): return String(decoding: raw[range], as: UTF8.self)
                case .decoded(let bytes): return String(decoding: bytes, as: UTF8.self)
                }
            }
            return (string(request.key), request.requiredScopes.map(string), request.ip.map(string))
        }
    }

    @Test("plain, escaped and surrogate-pair strings")
    func strings() throws {
        #expect(try parse(#"{"key":"abc"}"#).key == "abc")
        #expect(try parse(#"{"key":"a\"b\\c\/d\n"}"#).key == "a\"b\\c/d\n")
        #expect(try parse(#"{"key":"\u00e9\ud83d\ude00"}"#).key == "é😀")
        let parsed = try parse(#"{"ip":"10.0.0.1","required_scopes":["a","b\u0031"],"key":"k"}"#)
        #expect(parsed.scopes == ["a", "b1"])
        #expect(parsed.ip == "10.0.0.1")
    }

    @Test("rejects what JSON rejects", arguments: [
        #"{"key":"a"#, #"{"key":"a",}"#, #"{"key" "a"}"#, #"{'key':'a'}"#, #"{"key":"\x"}"#, #"{"key":"\ud800"}"#,
        #"{"key":"\udc00x"}"#, "{\"key\":\"a\u{01}\"}", #"{"key":"a","n":01}"#, #"{"key":"a","n":1.}"#, #"{"key":"a","n":-}"#,
        #"{"key":"a","t":tru}"#, #"{"key":"a"}}"#, "", " ", "null", #"{"key":"a","x":[1,]}"#,
    ])
    func rejects(text: String) {
        #expect(throws: VerifyRequestError.self) { try parse(text) }
    }

    @Test("random bytes and random mutations of valid bodies never crash")
    func randomInputs() {
        var generator = SystemRandomNumberGenerator()
        let seeds = [#"{"key":"kw_live_abc","required_scopes":["a","b"],"ip":"::1","x":{"y":[1,2,{"z":null}]}}"#, #"{"key":"\u00e9"}"#]
        for _ in 0..<20_000 {
            var bytes = Array(seeds[Int(generator.next(upperBound: UInt(seeds.count)))].utf8)
            for _ in 0..<Int(generator.next(upperBound: UInt(6))) {
                let position = Int(generator.next(upperBound: UInt(bytes.count)))
                switch generator.next(upperBound: UInt(3)) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                }
                if bytes.isEmpty { break }
            }
            _ = bytes.withUnsafeBytes { try? VerifyRequestParser.parse($0) }
        }
        for length in 0..<200 {
            let random = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = random.withUnsafeBytes { try? VerifyRequestParser.parse($0) }
        }
    }
}
