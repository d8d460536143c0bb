import KeywardCore

/// A JSON value whose object members keep the order they were written in, so reports read
/// the same every time and the fixed fields come first. Strings are escaped by the same writer
/// the audit chain uses.
indirect enum JSONDocument: Sendable, Equatable {
    case object([(String, JSONDocument)])
    case array([JSONDocument])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    static func == (lhs: JSONDocument, rhs: JSONDocument) -> Bool { lhs.rendered(pretty: false) == rhs.rendered(pretty: false) }

    static func optional(_ value: String?) -> JSONDocument { value.map(JSONDocument.string) ?? .null }

    func rendered(pretty: Bool = true) -> String {
        var out: [UInt8] = []
        write(into: &out, pretty: pretty, depth: 0)
        if pretty { out.append(0x0A) }
        return String(decoding: out, as: UTF8.self)
    }

    private func write(into out: inout [UInt8], pretty: Bool, depth: Int) {
        func newline(_ depth: Int) {
            guard pretty else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }
        switch self {
        case .object(let members):
            guard !members.isEmpty else { out.append(contentsOf: Array("{}".utf8)); return }
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                JSONValue.writeString(key, into: &out)
                out.append(contentsOf: pretty ? Array(": ".utf8) : [UInt8(ascii: ":")])
                value.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        case .array(let values):
            guard !values.isEmpty else { out.append(contentsOf: Array("[]".utf8)); return }
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                value.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        case .string(let value):
            JSONValue.writeString(value, into: &out)
        case .integer(let value):
            out.append(contentsOf: Array(String(value).utf8))
        case .number(let value):
            let text = value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "null"
            out.append(contentsOf: Array(text.utf8))
        case .bool(let value):
            out.append(contentsOf: Array((value ? "true" : "false").utf8))
        case .null:
            out.append(contentsOf: Array("null".utf8))
        }
    }
}
