/// A key's plaintext. It exists in memory between issue and the response that shows it once,
/// and between a request and its hash; it is never stored, logged or encoded by accident.
///
/// Every way Swift has of printing a value (`description`, `debugDescription`, reflection,
/// string interpolation, `dump`) shows only the prefix, tag and first four random characters.
/// The secret comes out only through ``reveal()``, a call that is easy to find in review.
public struct PlaintextKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    /// Wraps a string already known to be a well-formed key.
    init(unchecked value: String) { self.value = value }

    /// Wraps `value` if it is a well-formed key (any prefix, valid checksum).
    public init?(_ value: String) {
        guard KeyFormat.shape(of: value) != nil else { return nil }
        self.value = value
    }

    /// The secret itself. Call only to hand it to its owner once, or to hash it.
    public func reveal() -> String { value }

    public var hash: KeyHash { KeyHash(of: value) }

    /// `prefix_env_` plus the first four random characters: what inventories display.
    public var start: String { String(value.utf8.prefix(value.utf8.count - KeyFormat.randomLength - KeyFormat.checksumLength + 4))! }

    public var redacted: String { start + "…" }
    public var description: String { redacted }
    public var debugDescription: String { "PlaintextKey(\(redacted))" }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }
}
