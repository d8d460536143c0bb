/// A strict JSON parser (RFC 8259) that remembers the line each value starts on, which
/// Foundation's parser does not, and refuses what Foundation lets through: a trailing comma, a
/// member named twice in one object (which value was meant is ambiguous, and two readers may
/// pick different ones), numbers outside the grammar (`+1`, `01`, `.5`). It is keyward's one
/// general JSON reader: imports read exports with it, and the HTTP API checks every request body
/// with it before decoding. (`POST /v1/verify` has its own allocation-free parser.)
///
/// Nesting is capped so hostile input cannot exhaust the stack; every loop is bounded by the input.
public struct StrictJSONParser {
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Exactly one value, with nothing but whitespace around it: a request body.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> LocatedJSON {
        var parser = StrictJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the JSON \(value.object != nil ? "object" : "value")") }
        return value
    }

    /// Every top-level value in `bytes`: one document, or several written one after another
    /// (what a shell loop over `aws iam list-access-keys --user-name …` appends to a file). A
    /// UTF-8 byte-order mark is skipped. Empty input is an empty list.
    public static func parseDocuments(_ bytes: [UInt8]) throws(JSONSyntaxError) -> [LocatedJSON] {
        var parser = StrictJSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        var documents: [LocatedJSON] = []
        parser.skipWhitespace()
        while parser.index < bytes.count {
            documents.append(try parser.parseValue(depth: 0))
            parser.skipWhitespace()
        }
        return documents
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(kind: .invalid(message), line: line)
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

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> LocatedJSON {
        guard depth <= StrictJSONParser.maximumDepth else { throw error("nested deeper than \(StrictJSONParser.maximumDepth) levels") }
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

    private mutating func expect(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else {
            throw error("expected \(word)")
        }
        index += expected.count
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> [String: LocatedJSON] {
        index += 1
        var members: [String: LocatedJSON] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if index < bytes.count, bytes[index] == UInt8(ascii: "}"), !members.isEmpty { throw error("trailing comma before '}'") }
                throw error("expected a member name in quotes")
            }
            let nameLine = line
            let name = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after member \"\(name.prefix(64))\"") }
            index += 1
            let value: LocatedJSON
            do throws(JSONSyntaxError) {
                value = try parseValue(depth: depth + 1)
            } catch {
                throw error.inside(member: name)
            }
            guard members.updateValue(value, forKey: name) == nil else {
                throw JSONSyntaxError(kind: .duplicateMember, line: nameLine).inside(member: name)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return members }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [LocatedJSON] {
        index += 1
        var elements: [LocatedJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
        while true {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]"), !elements.isEmpty { throw error("trailing comma before ']'") }
            do throws(JSONSyntaxError) {
                elements.append(try parseValue(depth: depth + 1))
            } catch {
                throw error.inside(index: elements.count)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
            throw error("expected ',' or ']' in an array")
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, and finite as a Double.
    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error("unexpected end of input in a number") }
        let leadingZero = bytes[index] == UInt8(ascii: "0")
        let integerDigits = digits()
        guard integerDigits > 0 else {
            throw error(index == start ? "unexpected character '\(Unicode.Scalar(bytes[index]))'" : "expected a digit after '-'")
        }
        guard !(leadingZero && integerDigits > 1) else { throw error("a number must not start with 0") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("expected a digit after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("number \(text.prefix(30)) is out of range") }
        return value
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
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

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        if let decoded = JSONEscape.byte(for: byte) {
            out.append(decoded)
            return
        }
        switch byte {
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

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Hex.nibble(bytes[index]) else { throw error("bad \\u escape") }
            index += 1
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

/// Why ``StrictJSONParser`` refused its input, where (line), and in which member.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Not JSON at this point; the text says what was expected or found.
        case invalid(String)
        /// The member at ``path`` is named twice in one object.
        case duplicateMember
    }

    public var kind: Kind
    /// The 1-based line the problem is on.
    public var line: Int
    /// The member the problem is in, from the top: `meta.list[0].team`; empty at the top level.
    public private(set) var path = ""

    public init(kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// `trailing comma before '}'`, `in 'meta.team': unterminated string`, `member 'owner' appears twice`.
    public var description: String {
        switch kind {
        case .invalid(let text): return path.isEmpty ? text : "in '\(path)': \(text)"
        case .duplicateMember: return "member '\(path)' appears twice"
        }
    }

    // The path is built while the error unwinds through the enclosing objects and arrays, so a
    // document that parses costs nothing for it.
    func inside(member name: String) -> JSONSyntaxError {
        var copy = self
        copy.path = path.isEmpty || path.hasPrefix("[") ? name + path : name + "." + path
        return copy
    }

    func inside(index: Int) -> JSONSyntaxError {
        var copy = self
        copy.path = "[\(index)]" + (path.isEmpty || path.hasPrefix("[") ? path : "." + path)
        return copy
    }
}
