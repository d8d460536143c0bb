/// A small strict JSON parser (RFC 8259) that records line numbers, which Foundation's parser
/// does not. Exports are parsed whole; nesting is capped so hostile input cannot exhaust the stack.
struct JSONParser {
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Every top-level value in `bytes`: one document, or several written one after another
    /// (what a shell loop over `aws iam list-access-keys --user-name …` appends to a file).
    static func parseDocuments(_ bytes: [UInt8], file: String) throws -> [LocatedJSON] {
        var parser = JSONParser(bytes: bytes, file: file)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        var documents: [LocatedJSON] = []
        parser.skipWhitespace()
        while parser.index < bytes.count {
            documents.append(try parser.parseValue(depth: 0))
            parser.skipWhitespace()
        }
        guard !documents.isEmpty else { throw ImportError(file: file, line: 1, field: nil, message: "the file is empty: expected JSON") }
        return documents
    }

    private func error(_ message: String) -> ImportError {
        ImportError(file: file, line: line, field: nil, message: "invalid JSON: \(message)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A: line += 1
            case 0x20, 0x09, 0x0D: break
            default: return
            }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws -> LocatedJSON {
        guard depth <= JSONParser.maximumDepth else { throw error("nested deeper than \(JSONParser.maximumDepth) levels") }
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        let start = line
        switch bytes[index] {
        case UInt8(ascii: "{"): return LocatedJSON(line: start, value: .object(try parseObject(depth: depth)))
        case UInt8(ascii: "["): return LocatedJSON(line: start, value: .array(try parseArray(depth: depth)))
        case UInt8(ascii: "\""): return LocatedJSON(line: start, value: .string(try parseString()))
        case UInt8(ascii: "t"): try expect("true"); return LocatedJSON(line: start, value: .bool(true))
        case UInt8(ascii: "f"): try expect("false"); return LocatedJSON(line: start, value: .bool(false))
        case UInt8(ascii: "n"): try expect("null"); return LocatedJSON(line: start, value: .null)
        default: return LocatedJSON(line: start, value: .number(try parseNumber()))
        }
    }

    private mutating func expect(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else {
            throw error("expected \(word)")
        }
        index += expected.count
    }

    private mutating func parseObject(depth: Int) throws -> [String: LocatedJSON] {
        index += 1
        var members: [String: LocatedJSON] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let name = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after member \"\(name)\"") }
            index += 1
            members[name] = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return members }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws -> [LocatedJSON] {
        index += 1
        var elements: [LocatedJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
            throw error("expected ',' or ']' in an array")
        }
    }

    private mutating func parseNumber() throws -> Double {
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"):
                index += 1
            default:
                guard index > start else { throw error("unexpected character '\(Unicode.Scalar(bytes[index]))'") }
                return try number(from: start)
            }
        }
        return try number(from: start)
    }

    private func number(from start: Int) throws -> Double {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("bad number \(text.prefix(30))") }
        return value
    }

    private mutating func parseString() throws -> String {
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0..<0x20:
                throw error("control character inside a string")
            default:
                out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar), bytes.count - index >= 6,
               bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("bad surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
        default:
            throw error("bad escape \\\(Unicode.Scalar(byte))")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw error("bad \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }
}
