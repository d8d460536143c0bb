/// A connector's credential (or a key a provider returned) in memory. Every description is
/// redacted, so interpolating one into a log line or an error cannot leak it.
public struct ConnectorSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
