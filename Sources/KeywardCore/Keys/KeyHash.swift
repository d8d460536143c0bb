import Crypto

/// SHA-256 of a key's full plaintext: what the store keeps and the verify index is keyed by.
///
/// Held as four words so that it hashes and compares without touching a heap buffer. The words
/// are the digest read big-endian, so `hex` matches `sha256sum` of the key.
public struct KeyHash: Hashable, Sendable, CustomStringConvertible {
    public var w0, w1, w2, w3: UInt64
    public init(digest: SHA256.Digest) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { raw in
            words.0 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            words.1 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            words.2 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            words.3 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        (w0, w1, w2, w3) = words
    }
    public init(of bytes: UnsafeRawBufferPointer) {
        self.init(digest: SHA256.hash(data: bytes))
    }

    public init(of text: String) {
        var text = text
        self = text.withUTF8 { KeyHash(of: UnsafeRawBufferPointer($0)) }
    }

    public init?(hex: some StringProtocol) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 64 else { return nil }
        var words = [UInt64](repeating: 0, count: 4)
        for (index, byte) in bytes.enumerated() {
            guard let nibble = Hex.nibble(byte) else { return nil }
            words[index / 16] = words[index / 16] << 4 | UInt64(nibble)
        }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
    }

    /// The random half of SHA-256 is already uniformly distributed; feeding one word to the
    /// hasher is enough and four times cheaper than all 32 bytes.
    public func hash(into hasher: inout Hasher) { hasher.combine(w0) }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }
}
