/// The base62 alphabet used by keys, checksums and identifiers: `0-9A-Za-z`.
///
/// Ordered so that numeric order and ASCII order agree, which keeps fixed-width encodings sortable.
public enum Base62 {
    public static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Digit value of an ASCII byte, or 0xFF when the byte is not in the alphabet.
    public static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()
    public static func isDigit(_ byte: UInt8) -> Bool { values[Int(byte)] != 0xFF }

    /// Writes `value` as exactly `width` base62 digits, most significant first, zero-padded.
    /// Digits beyond `width` are dropped, so callers choose a width that fits the value's range.
    public static func encode<T: BinaryInteger>(_ value: T, width: Int, into output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(alphabet[0], count: width))
        var rest = value
        var position = start + width - 1
        while rest > 0 && position >= start {
            output[position] = alphabet[Int(rest % 62)]
            rest /= 62
            position -= 1
        }
    }

    public static func encode<T: BinaryInteger>(_ value: T, width: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(width)
        encode(value, width: width, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes base62 digits into a fixed-width integer; nil on a non-alphabet byte or overflow.
    public static func decode<T: FixedWidthInteger & UnsignedInteger, C: Collection>(_ digits: C, as type: T.Type = T.self) -> T? where C.Element == UInt8 {
        var result: T = 0
        for byte in digits {
            let digit = values[Int(byte)]
            guard digit != 0xFF else { return nil }
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = shifted.addingReportingOverflow(T(digit))
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        return result
    }
}
