import Foundation
import KeywardCore
import Testing

@Suite("ExplicitNull")
struct ExplicitNullTests {
    struct Sample: Codable, Equatable {
        var id: Int
        @ExplicitNull var note: String?
        var plain: String?
    }

    func json(_ value: Sample) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("a nil wrapped optional is written as null; a plain one is left out")
    func encodesNull() throws {
        #expect(try json(Sample(id: 1, note: nil, plain: nil)) == #"{"id":1,"note":null}"#)
        #expect(try json(Sample(id: 1, note: "n", plain: "p")) == #"{"id":1,"note":"n","plain":"p"}"#)
    }

    @Test("decoding takes the field missing, null or present; a wrong type is still an error")
    func decodes() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(Sample.self, from: Data(#"{"id":1}"#.utf8)) == Sample(id: 1, note: nil, plain: nil))
        #expect(try decoder.decode(Sample.self, from: Data(#"{"id":1,"note":null}"#.utf8)) == Sample(id: 1, note: nil, plain: nil))
        #expect(try decoder.decode(Sample.self, from: Data(#"{"id":1,"note":"n"}"#.utf8)).note == "n")
        #expect(throws: DecodingError.self) { try decoder.decode(Sample.self, from: Data(#"{"id":1,"note":5}"#.utf8)) }
    }
}
