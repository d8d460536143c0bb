/// A case-insensitive pattern where `*` stands for any run of characters (`prod*`, `*:admin`).
///
/// Selectors, exceptions and forbidden-scope lists all match names people type by hand, where
/// `Production` and `production` mean the same; scopes are ASCII, so ASCII folding is enough.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let segments: [[UInt8]]
    private let hasWildcard: Bool

    public init(_ text: String) {
        self.text = text
        let folded = text.utf8.map(GlobPattern.fold)
        hasWildcard = folded.contains(UInt8(ascii: "*"))
        segments = folded.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
    }

    public var description: String { text }

    static func fold(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// Matches without copying the candidate: policy evaluation calls this millions of times.
    public func matches(_ candidate: String) -> Bool {
        if let result = candidate.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        return Array(candidate.utf8).withUnsafeBufferPointer { matches(bytes: $0) }
    }

    private func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hasWildcard else { return GlobPattern.equal(segments[0], value, at: 0) && value.count == segments[0].count }
        let first = segments[0], last = segments[segments.count - 1]
        guard value.count >= first.count + last.count, GlobPattern.equal(first, value, at: 0),
              GlobPattern.equal(last, value, at: value.count - last.count) else { return false }
        var position = first.count
        let end = value.count - last.count
        for middle in segments.dropFirst().dropLast() where !middle.isEmpty {
            guard let found = GlobPattern.find(middle, in: value, from: position, before: end) else { return false }
            position = found + middle.count
        }
        return position <= end
    }

    /// True when `needle` (already folded) equals `haystack` folded, starting at `offset`.
    private static func equal(_ needle: [UInt8], _ haystack: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset >= 0, offset + needle.count <= haystack.count else { return false }
        for index in 0..<needle.count where needle[index] != fold(haystack[offset + index]) { return false }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int, before end: Int) -> Int? {
        guard end - start >= needle.count else { return nil }
        for index in start...(end - needle.count) where equal(needle, haystack, at: index) { return index }
        return nil
    }
}
