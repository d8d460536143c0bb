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

    public func matches(_ candidate: String) -> Bool {
        let value = candidate.utf8.map(GlobPattern.fold)
        guard hasWildcard else { return value == segments[0] }
        let first = segments[0], last = segments[segments.count - 1]
        guard value.count >= first.count + last.count, value.starts(with: first), value.reversed().starts(with: last.reversed())
        else { return false }
        var position = first.count
        let end = value.count - last.count
        for middle in segments.dropFirst().dropLast() where !middle.isEmpty {
            guard let found = GlobPattern.find(middle, in: value, from: position, before: end) else { return false }
            position = found + middle.count
        }
        return position <= end
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int) -> Int? {
        guard end - start >= needle.count else { return nil }
        for index in start...(end - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
