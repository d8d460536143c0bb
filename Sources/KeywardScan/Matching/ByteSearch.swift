#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact substring search over bytes: `memchr` finds candidates for the first byte (vectorised
/// in the C library), then the rest is compared.
enum ByteSearch {
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count, let base = haystack.baseAddress else { return needle.isEmpty }
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last {
            guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
            let position = base.distance(to: UnsafeRawPointer(found))
            if needle.withUnsafeBytes({ memcmp(base + position, $0.baseAddress!, needle.count) == 0 }) { return true }
            offset = position + 1
        }
        return false
    }
}
