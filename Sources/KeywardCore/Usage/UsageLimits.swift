/// Bounds on what ``UsageRecorder`` holds in memory between two flushes, so that a flood of
/// distinct callers (or of guessed keys from rotating addresses) costs a fixed amount of memory.
/// What does not fit is counted, never dropped silently: overflowing callers add to the key's
/// `callers_overflow`, overflowing guess sources to ``UsageBatch/droppedGuesses``.
public struct UsageLimits: Sendable, Equatable {
    /// Distinct callers of one key kept between two flushes (a flush empties the table).
    public var callersPerKey: Int = 64
    /// Distinct callers of all keys kept between two flushes.
    public var totalCallers: Int = 50_000
    /// Distinct addresses (IPv6 folded to /64) sending unknown or malformed keys, between two flushes.
    public var guessSources: Int = 10_000
    /// Caller label, User-Agent and environment are cut to this many bytes (at a character boundary).
    public var maximumFieldBytes: Int = 256

    public init() {}
}
