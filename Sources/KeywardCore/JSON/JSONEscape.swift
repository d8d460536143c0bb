/// The escapes of RFC 8259 that stand for a single byte (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`,
/// `\r`, `\t`), shared by every JSON reader in keyward: the strict parser, the verify path's
/// allocation-free parser and the store's column reader. `\u` escapes are each reader's own,
/// since they differ in what they accept.
public enum JSONEscape {
    /// The byte that `\` followed by `escape` stands for; nil for `u` and for anything that is
    /// not an escape.
    @inlinable
    public static func byte(for escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }
}
