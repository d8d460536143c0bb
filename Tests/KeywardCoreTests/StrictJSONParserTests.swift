import KeywardCore
import Testing

@Suite("Strict JSON: what Foundation lets through is refused, with the line and the member")
struct StrictJSONParserTests {
    @Test("refused", arguments: [
        (#"{"a":1,}"#, "trailing comma before '}'"),
        (#"[1,2,]"#, "trailing comma before ']'"),
        (#"{"a":1,"a":2}"#, "member 'a' appears twice"),
        (#"{"a":{"b":[{"c":1},{"c":1,"c":2}]}}"#, "member 'a.b[1].c' appears twice"),
        (#"[{"x":[1,]}]"#, "in '[0].x': trailing comma before ']'"),
        (#"{"n":+1}"#, "in 'n': unexpected character '+'"),
        (#"{"n":01}"#, "in 'n': a number must not start with 0"),
        (#"{"n":.5}"#, "in 'n': unexpected character '.'"),
        (#"{"n":1.}"#, "in 'n': expected a digit after '.'"),
        (#"{"n":1e}"#, "in 'n': expected a digit in the exponent"),
        (#"{"n":-}"#, "in 'n': expected a digit after '-'"),
        (#"{"n":1e999}"#, "in 'n': number 1e999 is out of range"),
        (#"{} {}"#, "unexpected data after the JSON object"),
        ("{\"s\":\"a\u{01}\"}", "in 's': control character inside a string"),
    ])
    func refused(text: String, message: String) throws {
        #expect(throws: JSONSyntaxError.self) { try StrictJSONParser.parse(Array(text.utf8)) }
        do {
            _ = try StrictJSONParser.parse(Array(text.utf8))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("accepted values keep their line; several documents one after another")
    func accepted() throws {
        let value = try StrictJSONParser.parse(Array(" {\n\"a\": [1, -0.5e+2, true, null],\n\"b\": {\"c\": \"\\u00e9\\ud83d\\udd11\"}\n} ".utf8))
        #expect(value["a"]?.line == 2 && value["b"]?.line == 3)
        #expect(value["b"]?["c"].map { if case .string(let text) = $0.value { text } else { "" } } == "é🔑")
        if case .number(let number)? = value["a"]?.array?[1].value { #expect(number == -50) } else { Issue.record("not a number") }
        let documents = try StrictJSONParser.parseDocuments(Array("\u{FEFF}{\"a\":1}\n[2]\n".utf8))
        #expect(documents.count == 2 && documents[1].line == 2)
        #expect(try StrictJSONParser.parseDocuments([]).isEmpty)
        do {
            _ = try StrictJSONParser.parseDocuments(Array("[1]\n{\"a\":\n1,\n\"a\":2}".utf8))
            Issue.record("a duplicate member was accepted")
        } catch {
            #expect(error.kind == .duplicateMember && error.line == 4 && error.path == "a")
        }
    }
}
