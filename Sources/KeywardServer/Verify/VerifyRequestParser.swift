import KeywardCore

/// A parsed `POST /v1/verify` body: `{"key": "...", "required_scopes": [...], "ip": "...",
/// "caller": "...", "user_agent": "...", "environment": "..."}`. The last three describe the
/// verifying service for usage monitoring (a label it chooses, its end client's User-Agent, the
/// environment it runs in); all but `key` are optional.
///
/// The verify path reads its body with this hand-written parser instead of `JSONDecoder`: it
/// works on the request buffer in place, allocates nothing for the common body, and is the
/// difference between a verify throughput at two thirds of a bare health check and one close to
/// it. It is strict JSON (RFC 8259) all the same: any syntax error, wrong type or oversized
/// field is a clear 400, unknown members are skipped, and every loop is bounded by the input.
public struct VerifyRequest: Equatable, Sendable {
    /// A string value: where it lies in the body, or its decoded bytes when it had escapes.
    public enum Text: Equatable, Sendable {
        case slice(Range<Int>)
        case decoded([UInt8])
    }

    public var key: Text
    public var requiredScopes: [Text]
    public var ip: Text?
    public var caller: Text?
    public var userAgent: Text?
    public var environment: Text?

    public static let maximumKeyBytes = 512
    public static let maximumCallerBytes = 128
    public static let maximumUserAgentBytes = 256
    public static let maximumEnvironmentBytes = 64
    public static let maximumDepth = 32
}

public struct VerifyRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum VerifyRequestParser {
    public static func parse(_ body: UnsafeRawBufferPointer) throws(VerifyRequestError) -> VerifyRequest {
        var cursor = JSONCursor(bytes: body)
        cursor.skipWhitespace()
        guard cursor.take(UInt8(ascii: "{")) else { throw VerifyRequestError(message: "body must be a JSON object") }
        var key: VerifyRequest.Text?
        var scopes: [VerifyRequest.Text] = []
        var ip: VerifyRequest.Text?
        var caller: VerifyRequest.Text?
        var userAgent: VerifyRequest.Text?
        var environment: VerifyRequest.Text?
        cursor.skipWhitespace()
        if !cursor.take(UInt8(ascii: "}")) {
            while true {
                cursor.skipWhitespace()
                let name = try cursor.string()
                cursor.skipWhitespace()
                guard cursor.take(UInt8(ascii: ":")) else { throw cursor.error("expected ':' after member name") }
                cursor.skipWhitespace()
                switch cursor.member(name) {
                case .key:
                    guard cursor.peek == UInt8(ascii: "\"") else { throw VerifyRequestError(message: "field 'key' must be a string") }
                    key = try cursor.string()
                case .requiredScopes:
                    if cursor.takeLiteral("null") { break }
                    guard cursor.take(UInt8(ascii: "[")) else { throw VerifyRequestError(message: "field 'required_scopes' must be an array of strings") }
                    cursor.skipWhitespace()
                    if !cursor.take(UInt8(ascii: "]")) {
                        while true {
                            cursor.skipWhitespace()
                            guard cursor.peek == UInt8(ascii: "\"") else { throw VerifyRequestError(message: "field 'required_scopes' must be an array of strings") }
                            let scope = try cursor.string()
                            guard cursor.length(of: scope) <= Scope.maximumLength else {
                                throw VerifyRequestError(message: "each required scope must be at most \(Scope.maximumLength) bytes")
                            }
                            scopes.append(scope)
                            guard scopes.count <= Scope.maximumCount else {
                                throw VerifyRequestError(message: "at most \(Scope.maximumCount) required scopes")
                            }
                            cursor.skipWhitespace()
                            if cursor.take(UInt8(ascii: ",")) { continue }
                            guard cursor.take(UInt8(ascii: "]")) else { throw cursor.error("expected ',' or ']' in required_scopes") }
                            break
                        }
                    }
                case .ip:
                    if cursor.takeLiteral("null") { break }
                    guard cursor.peek == UInt8(ascii: "\"") else { throw VerifyRequestError(message: "field 'ip' must be a string") }
                    ip = try cursor.string()
                case .caller:
                    caller = try cursor.optionalString("caller", maximum: VerifyRequest.maximumCallerBytes)
                case .userAgent:
                    userAgent = try cursor.optionalString("user_agent", maximum: VerifyRequest.maximumUserAgentBytes)
                case .environment:
                    environment = try cursor.optionalString("environment", maximum: VerifyRequest.maximumEnvironmentBytes)
                default:
                    try cursor.skipValue(depth: 0)
                }
                cursor.skipWhitespace()
                if cursor.take(UInt8(ascii: ",")) { continue }
                guard cursor.take(UInt8(ascii: "}")) else { throw cursor.error("expected ',' or '}'") }
                break
            }
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON object") }
        guard let key else { throw VerifyRequestError(message: "missing field 'key'") }
        let keyLength = cursor.length(of: key)
        guard keyLength > 0 else { throw VerifyRequestError(message: "field 'key' must not be empty") }
        guard keyLength <= VerifyRequest.maximumKeyBytes else {
            throw VerifyRequestError(message: "field 'key' must be at most \(VerifyRequest.maximumKeyBytes) bytes, got \(keyLength)")
        }
        return VerifyRequest(key: key, requiredScopes: scopes, ip: ip, caller: caller, userAgent: userAgent, environment: environment)
    }
}

/// A bounds-checked reader over JSON bytes.
struct JSONCursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ message: String) -> VerifyRequestError {
        VerifyRequestError(message: "body is not valid JSON: \(message) at byte \(index)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    mutating func takeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = literal.withUTF8Buffer { literalBytes in
            (0..<count).allSatisfy { bytes[index + $0] == literalBytes[$0] }
        }
        if matches { index += count }
        return matches
    }

    func length(of text: VerifyRequest.Text) -> Int {
        switch text {
        case .slice(let range): return range.count
        case .decoded(let decoded): return decoded.count
        }
    }

    enum Member { case key, requiredScopes, ip, caller, userAgent, environment, other }

    /// A string member that may be null: nil for null or an empty string, a 400 for another
    /// type or more than `maximum` bytes.
    mutating func optionalString(_ name: String, maximum: Int) throws(VerifyRequestError) -> VerifyRequest.Text? {
        if takeLiteral("null") { return nil }
        guard peek == UInt8(ascii: "\"") else { throw VerifyRequestError(message: "field '\(name)' must be a string") }
        let text = try string()
        let length = length(of: text)
        guard length <= maximum else { throw VerifyRequestError(message: "field '\(name)' must be at most \(maximum) bytes, got \(length)") }
        return length == 0 ? nil : text
    }

    /// Which member a name denotes, compared in place; names are never materialised.
    /// (A name written with escapes is treated as unknown: no client escapes plain ASCII names.)
    func member(_ text: VerifyRequest.Text) -> Member {
        guard case .slice(let range) = text else { return .other }
        func equals(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == range.count && name.withUTF8Buffer { name in
                (0..<range.count).allSatisfy { bytes[range.lowerBound + $0] == name[$0] }
            }
        }
        if equals("key") { return .key }
        if equals("required_scopes") { return .requiredScopes }
        if equals("ip") { return .ip }
        if equals("caller") { return .caller }
        if equals("user_agent") { return .userAgent }
        if equals("environment") { return .environment }
        return .other
    }

    /// Reads a string literal. Validates UTF-8 and escapes; decodes only when escapes occur.
    mutating func string() throws(VerifyRequestError) -> VerifyRequest.Text {
        guard take(UInt8(ascii: "\"")) else { throw error("expected a string") }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                return .slice(range)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            if byte >= 0x80 { try skipUTF8Sequence() } else { index += 1 }
        }
        guard index < bytes.count else { throw error("unterminated string") }
        // Slow path: the string has escapes; decode it.
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return .decoded(decoded)
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = peek else { throw error("unterminated escape") }
                index += 1
                if let simple = JSONEscape.byte(for: escape) {
                    decoded.append(simple)
                } else if escape == UInt8(ascii: "u") {
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) else { throw error("unpaired surrogate") }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
                } else {
                    throw error("invalid escape")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                let before = index
                if byte >= 0x80 { try skipUTF8Sequence() } else { index += 1 }
                decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[before..<index]))
            }
            guard decoded.count <= VerifyRequest.maximumKeyBytes * 4 else { throw VerifyRequestError(message: "string value too long") }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(VerifyRequestError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Advances over one well-formed multi-byte UTF-8 sequence (RFC 3629: no overlongs, no
    /// surrogates, nothing above U+10FFFF).
    mutating func skipUTF8Sequence() throws(VerifyRequestError) {
        let lead = bytes[index]
        let count: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; upper = 0x9F
        case 0xF0: count = 4; lower = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; upper = 0x8F
        default: throw VerifyRequestError(message: "body is not valid UTF-8")
        }
        guard index + count <= bytes.count else { throw VerifyRequestError(message: "body is not valid UTF-8") }
        for offset in 1..<count {
            let byte = bytes[index + offset]
            let (low, high) = offset == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= low, byte <= high else { throw VerifyRequestError(message: "body is not valid UTF-8") }
        }
        index += count
    }

    /// Skips any JSON value (for members the verify path does not use).
    mutating func skipValue(depth: Int) throws(VerifyRequestError) {
        guard depth < VerifyRequest.maximumDepth else { throw error("nesting too deep") }
        skipWhitespace()
        guard let byte = peek else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return }
            while true {
                skipWhitespace()
                _ = try string()
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { throw error("expected ':'") }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { throw error("expected ',' or '}'") }
                return
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { throw error("expected ',' or ']'") }
                return
            }
        case UInt8(ascii: "t"): guard takeLiteral("true") else { throw error("invalid literal") }
        case UInt8(ascii: "f"): guard takeLiteral("false") else { throw error("invalid literal") }
        case UInt8(ascii: "n"): guard takeLiteral("null") else { throw error("invalid literal") }
        case UInt8(ascii: "-"), 0x30...0x39: try number()
        default: throw error("unexpected character")
        }
    }

    /// RFC 8259 number grammar.
    mutating func number() throws(VerifyRequestError) {
        _ = take(UInt8(ascii: "-"))
        func digits(_ cursor: inout JSONCursor) -> Int {
            var count = 0
            while let byte = cursor.peek, byte >= 0x30, byte <= 0x39 { cursor.index += 1; count += 1 }
            return count
        }
        if take(UInt8(ascii: "0")) {
            // no leading zeros
        } else {
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        if take(UInt8(ascii: ".")) { guard digits(&self) > 0 else { throw error("invalid number") } }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
    }
}
