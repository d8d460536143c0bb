/// How far `keyward scan` goes inside archives, so that a zip bomb costs a bounded amount of
/// memory and time instead of filling either.
///
/// Every limit applies to one archive named on disk, counting everything nested inside it: an
/// archive past a limit is reported as a problem (the entries scanned before it stay scanned).
public struct ArchiveLimits: Sendable, Equatable {
    /// Largest archive file read into memory (compressed bytes).
    public var maximumArchiveBytes: Int
    /// Uncompressed bytes of all entries together, nested archives included.
    public var maximumTotalBytes: Int
    /// Entries of all the archive's levels together.
    public var maximumEntries: Int
    /// How deep archives inside archives are opened: 0 opens none, 1 a `.jar` inside a `.zip` but
    /// not a `.zip` inside that `.jar`.
    public var maximumDepth: Int
    /// Uncompressed to compressed size of one entry or gzip stream, checked once it is larger than
    /// ``ratioGrace``: text compresses 5–10 to 1, a bomb a thousand to one.
    public var maximumRatio: Int

    /// Output below this size is never refused for its ratio (a small file of one repeated byte is not a bomb).
    public static let ratioGrace = 1 << 20

    public init(maximumArchiveBytes: Int = 256 << 20, maximumTotalBytes: Int = 256 << 20, maximumEntries: Int = 10_000, maximumDepth: Int = 3, maximumRatio: Int = 100) {
        self.maximumArchiveBytes = maximumArchiveBytes
        self.maximumTotalBytes = maximumTotalBytes
        self.maximumEntries = maximumEntries
        self.maximumDepth = maximumDepth
        self.maximumRatio = maximumRatio
    }
}

/// Why an archive, or one of its entries, was not scanned (further).
struct ArchiveRefusal: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
