/// A finding id as a dictionary key that hashes and compares without touching the heap.
///
/// Reconciling millions of findings is dominated by cache misses when keys are `String`s (each
/// comparison follows a pointer to the id's bytes). Ids made by ``Finding/fingerprint(rule:subject:)``
/// are `fnd_` + 24 hex digits, i.e. 96 bits, which fit inline; any other id falls back to text.
enum FindingKey: Hashable {
    case packed(UInt64, UInt32)
    case text(String)

    init(_ id: String) {
        var high: UInt64 = 0
        var low: UInt32 = 0
        let bytes = id.utf8
        guard bytes.count == 28, bytes.starts(with: "fnd_".utf8) else {
            self = .text(id)
            return
        }
        for (offset, byte) in bytes.dropFirst(4).enumerated() {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - 87
            default:
                self = .text(id)
                return
            }
            if offset < 16 { high = high << 4 | UInt64(nibble) } else { low = low << 4 | UInt32(nibble) }
        }
        self = .packed(high, low)
    }
}
