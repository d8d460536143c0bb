import Crypto

/// Deterministic identifiers derived from content, so that the same inventory record or the same
/// finding gets the same id in every evaluation, on every node, without a database round trip.
///
/// The parts are joined with a NUL byte (which no part contains) before hashing, so that
/// `("ab", "c")` and `("a", "bc")` never collide.
public enum StableIdentifier {
    /// `prefix` + the first `length` (at most 64) hex digits of SHA-256 over the joined parts.
    public static func make(prefix: String, parts: [String], length: Int = 24) -> String {
        var hasher = SHA256()
        for (index, part) in parts.enumerated() {
            if index > 0 { separate(&hasher) }
            hash(part, into: &hasher)
        }
        return render(prefix: prefix, hasher.finalize(), length: length)
    }

    /// ``make(prefix:parts:length:)`` of exactly three parts — the same identifier — without an
    /// array of them and without swift-crypto's per-digest context (``ShortSHA256``): finding ids
    /// are made millions of times per evaluation.
    public static func make(prefix: String, _ first: String, _ second: String, _ third: String, length: Int = 24) -> String {
        let total = first.utf8.count + second.utf8.count + third.utf8.count + 2
        let words = withUnsafeTemporaryAllocation(byteCount: total, alignment: 1) { buffer in
            var position = 0
            func append(_ part: String) {
                for byte in part.utf8 {
                    buffer[position] = byte
                    position += 1
                }
            }
            append(first)
            buffer[position] = 0
            position += 1
            append(second)
            buffer[position] = 0
            position += 1
            append(third)
            return ShortSHA256.digest(of: UnsafeRawBufferPointer(buffer))
        }
        let digits = min(length, 64)
        let prefixCount = prefix.utf8.count
        return String(unsafeUninitializedCapacity: prefixCount + digits) { out in
            var position = 0
            for byte in prefix.utf8 {
                out[position] = byte
                position += 1
            }
            func put(_ word: UInt32) {
                for shift in stride(from: 28, through: 0, by: -4) where position < prefixCount + digits {
                    out[position] = hexDigits[Int((word >> UInt32(shift)) & 0xF)]
                    position += 1
                }
            }
            put(words.0)
            put(words.1)
            put(words.2)
            put(words.3)
            put(words.4)
            put(words.5)
            put(words.6)
            put(words.7)
            return position
        }
    }

    private static func hash(_ part: String, into hasher: inout SHA256) {
        if part.utf8.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            hasher.update(data: Array(part.utf8))
        }
    }

    private static func separate(_ hasher: inout SHA256) {
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
    }

    /// Written into one buffer.
    private static func render(prefix: String, _ digest: SHA256.Digest, length: Int) -> String {
        let digits = min(length, 64)
        return String(unsafeUninitializedCapacity: prefix.utf8.count + digits) { buffer in
            var position = 0
            for byte in prefix.utf8 {
                buffer[position] = byte
                position += 1
            }
            for byte in digest {
                guard position < prefix.utf8.count + digits else { break }
                buffer[position] = hexDigits[Int(byte >> 4)]
                position += 1
                if position < prefix.utf8.count + digits {
                    buffer[position] = hexDigits[Int(byte & 0xF)]
                    position += 1
                }
            }
            return position
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of SHA-256 over `bytes`, as `sha256sum` prints it.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    private static func hex(_ digest: SHA256.Digest) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
