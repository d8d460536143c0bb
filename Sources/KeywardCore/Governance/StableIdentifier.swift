import Crypto

/// Deterministic identifiers derived from content, so that the same inventory record or the same
/// finding gets the same id in every evaluation, on every node, without a database round trip.
///
/// The parts are joined with a NUL byte (which no part contains) before hashing, so that
/// `("ab", "c")` and `("a", "bc")` never collide.
public enum StableIdentifier {
    /// `prefix` + the first `length` hex digits of SHA-256 over the joined parts.
    public static func make(prefix: String, parts: [String], length: Int = 24) -> String {
        var hasher = SHA256()
        for (index, part) in parts.enumerated() {
            if index > 0 { hasher.update(data: [0]) }
            hasher.update(data: Array(part.utf8))
        }
        return prefix + String(hex(hasher.finalize()).prefix(length))
    }

    /// Lower-case hex of SHA-256 over `bytes`, as `sha256sum` prints it.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
