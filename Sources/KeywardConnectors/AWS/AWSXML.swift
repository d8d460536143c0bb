/// An element of the small XML documents AWS's query APIs answer with, parsed by
/// ``AWSXML/parse(_:)``: a purpose parser for that subset (elements, attributes — ignored —,
/// text, the five predefined entities and character references, CDATA, comments, the XML
/// declaration), chosen over Foundation's `XMLParser`, which on Linux needs FoundationXML and
/// libxml2 for what is a few tags.
public struct AWSXML: Sendable, Equatable {
    /// The local name (a namespace prefix is dropped: AWS uses a default namespace).
    public var name: String
    public var children: [AWSXML]
    /// The element's own text, entities decoded, untrimmed.
    public var text: String

    /// The first child called `name`.
    public subscript(_ name: String) -> AWSXML? { children.first { $0.name == name } }

    /// The element at `path` below this one (`["ListUsersResult", "IsTruncated"]`).
    public func find(_ path: String...) -> AWSXML? {
        var current: AWSXML? = self
        for name in path { current = current?[name] }
        return current
    }

    /// The text at `path`, trimmed; nil when absent or empty.
    public func value(_ path: String...) -> String? {
        var current: AWSXML? = self
        for name in path { current = current?[name] }
        guard let text = current?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// The `<member>` children of a list element.
    public var members: [AWSXML] { children.filter { $0.name == "member" } }

    /// Parses a document; throws ``ConnectorError/malformedResponse(_:)`` on anything it cannot read.
    public static func parse(_ bytes: [UInt8]) throws -> AWSXML {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> AWSXML {
            skipMisc()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else { throw failure("no root element") }
            let root = try element()
            skipMisc()
            guard position == bytes.count else { throw failure("content after the root element") }
            return root
        }

        /// Whitespace, the declaration, comments and processing instructions.
        mutating func skipMisc() {
            while position < bytes.count {
                if isSpace(bytes[position]) { position += 1; continue }
                if starts(with: "<?") { skip(past: "?>"); continue }
                if starts(with: "<!--") { skip(past: "-->"); continue }
                if starts(with: "<!DOCTYPE") { skip(past: ">"); continue }
                return
            }
        }

        mutating func element() throws -> AWSXML {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 64 else { throw failure("nested too deep") }
            position += 1  // <
            let qualified = name()
            guard !qualified.isEmpty else { throw failure("an element without a name") }
            let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
            // Attributes are skipped, quoted values included (they may hold '>').
            while position < bytes.count, bytes[position] != UInt8(ascii: ">"), !starts(with: "/>") {
                if bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") {
                    let quote = bytes[position]
                    position += 1
                    while position < bytes.count, bytes[position] != quote { position += 1 }
                }
                position += 1
            }
            guard position < bytes.count else { throw failure("<\(local)> is not closed") }
            if starts(with: "/>") {
                position += 2
                return AWSXML(name: local, children: [], text: "")
            }
            position += 1  // >
            var children: [AWSXML] = []
            var text: [UInt8] = []
            while true {
                guard position < bytes.count else { throw failure("<\(local)> has no end tag") }
                if starts(with: "</") {
                    position += 2
                    let closing = name()
                    guard closing == qualified else { throw failure("<\(local)> closed by </\(closing)>") }
                    while position < bytes.count, isSpace(bytes[position]) { position += 1 }
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw failure("bad end tag </\(closing)") }
                    position += 1
                    return AWSXML(name: local, children: children, text: try decode(text))
                } else if starts(with: "<!--") {
                    skip(past: "-->")
                } else if starts(with: "<![CDATA[") {
                    position += 9
                    let start = position
                    skip(past: "]]>")
                    text.append(contentsOf: bytes[start..<max(start, position - 3)])
                } else if bytes[position] == UInt8(ascii: "<") {
                    children.append(try element())
                } else {
                    text.append(bytes[position])
                    position += 1
                }
            }
        }

        mutating func name() -> String {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
                position += 1
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        /// Decodes `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;`.
        func decode(_ raw: [UInt8]) throws -> String {
            guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
            let text = String(decoding: raw, as: UTF8.self)
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semicolon = rest[amp...].firstIndex(of: ";") else { throw failure("an unterminated entity") }
                let entity = rest[rest.index(after: amp)..<semicolon]
                switch entity {
                case "lt": out += "<"
                case "gt": out += ">"
                case "amp": out += "&"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    let number: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                        : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                    guard let number, let scalar = Unicode.Scalar(number) else { throw failure("unknown entity &\(entity.prefix(10));") }
                    out.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semicolon)...]
            }
            return out + rest
        }

        func starts(with prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            return prefix.withUTF8Buffer { buffer in
                for index in 0..<count where bytes[position + index] != buffer[index] { return false }
                return true
            }
        }

        mutating func skip(past terminator: StaticString) {
            while position < bytes.count, !starts(with: terminator) { position += 1 }
            position = min(bytes.count, position + terminator.utf8CodeUnitCount)
        }

        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        func failure(_ message: String) -> ConnectorError { .malformedResponse("XML: \(message) (byte \(position))") }
    }
}

import Foundation
