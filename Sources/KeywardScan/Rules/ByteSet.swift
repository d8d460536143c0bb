/// A set of byte values, stored as a 256-entry lookup table.
///
/// Matchers test membership on every byte of a candidate, so the test is one load from a table
/// that stays in L1; a bitset would save memory nobody is short of and cost a shift and mask.
public struct ByteSet: Sendable, Hashable {
    /// `table[b] == 1` when `b` is a member.
    public private(set) var table: [UInt8]

    public init() { table = [UInt8](repeating: 0, count: 256) }

    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        self.init()
        for byte in bytes { table[Int(byte)] = 1 }
    }

    public init(ranges: ClosedRange<UInt8>...) {
        self.init()
        for range in ranges { for byte in range { table[Int(byte)] = 1 } }
    }

    @inline(__always)
    public func contains(_ byte: UInt8) -> Bool { table[Int(byte)] != 0 }

    public mutating func insert(_ byte: UInt8) { table[Int(byte)] = 1 }

    public mutating func formUnion(_ other: ByteSet) {
        for index in 0..<256 where other.table[index] != 0 { table[index] = 1 }
    }

    public func union(_ other: ByteSet) -> ByteSet {
        var result = self
        result.formUnion(other)
        return result
    }

    public var inverted: ByteSet {
        var result = ByteSet()
        for index in 0..<256 where table[index] == 0 { result.table[index] = 1 }
        return result
    }

    /// Adds the other case of every ASCII letter already present.
    public var caseFolded: ByteSet {
        var result = self
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(byte) || contains(byte | 0x20) {
            result.insert(byte)
            result.insert(byte | 0x20)
        }
        return result
    }

    public var count: Int { table.reduce(0) { $0 + Int($1) } }
    public var isEmpty: Bool { !table.contains(1) }
    public var members: [UInt8] { (0..<256).compactMap { table[$0] != 0 ? UInt8($0) : nil } }

    public static let digits = ByteSet(ranges: UInt8(ascii: "0")...UInt8(ascii: "9"))
    public static let lowercase = ByteSet(ranges: UInt8(ascii: "a")...UInt8(ascii: "z"))
    public static let uppercase = ByteSet(ranges: UInt8(ascii: "A")...UInt8(ascii: "Z"))
    public static let letters = lowercase.union(uppercase)
    public static let alphanumerics = letters.union(digits)
    /// `[A-Za-z0-9_]`, the `\w` of regular expressions and the edge of a "word" for boundaries.
    public static let word = alphanumerics.union(ByteSet([UInt8(ascii: "_")]))
    /// `[ \t\n\v\f\r]`, the `\s` of regular expressions.
    public static let space = ByteSet([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D])
}

extension UInt8 {
    /// ASCII lowercase of a letter; other bytes unchanged.
    @inline(__always)
    var asciiLowercased: UInt8 { (self >= 0x41 && self <= 0x5A) ? self | 0x20 : self }
    var asciiUppercased: UInt8 { (self >= 0x61 && self <= 0x7A) ? self & ~0x20 : self }
    @inline(__always)
    var isASCIILetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
}
